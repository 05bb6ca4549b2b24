#include "signer/sign_pipeline.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "common/atomic_file.hpp"
#include "common/error.hpp"
#include "keymgr/key_db.hpp"
#include "keymgr/zone_keys.hpp"
#include "signer/config.hpp"
#include "signer/ds_output.hpp"
#include "signer/log.hpp"
#include "signer/previous_output.hpp"
#include "signer/signer_registry.hpp"
#include "signer/signing_engine.hpp"
#include "signer/state_dir.hpp"
#include "signer/worker_pool.hpp"
#include "zone/denial_chain.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/master_file.hpp"
#include "zone/serial.hpp"
#include "zone/zone_builder.hpp"
#include "zone/zone_writer.hpp"

namespace zs::signer {

using namespace zs::zone;

std::string normalise_zone_name(const std::string& name) {
    if (name.empty()) throw UsageError("empty zone name");
    Wire wire = name_from_text(name, Wire(1, '\0'));
    lowercase_name(wire);
    return name_to_text(wire);
}

namespace {

std::string peak_memory() {
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    long pages = 0, resident = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return std::to_string(usage.ru_maxrss / 1024) + " MB peak memory, " +
           std::to_string(resident * sysconf(_SC_PAGESIZE) / (1 << 20)) + " MB now";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Puts our keys (and keys of other signers already in the input, for
// multi-signer setups) into the apex DNSKEY RRset, and CDS/CDNSKEY on request.
void publish_keys(Zone& zone, const std::vector<keymgr::KeyRecord>& keys, const policy::SigningParams& params,
                  std::vector<std::string>& notes) {
    Node& apex = zone.apex();
    RRset* existing = apex.find(rrtype::DNSKEY);
    std::uint32_t ttl = params.dnskey_ttl ? *params.dnskey_ttl : (existing ? existing->ttl : 3600u);
    if (existing && !existing->rdatas.empty())
        notes.push_back("kept " + std::to_string(existing->rdatas.size()) +
                        " DNSKEY record(s) from the input in the DNSKEY RRset (not managed by zonesigner)");
    RRset& dnskey = apex.get_or_add(rrtype::DNSKEY, ttl);
    dnskey.ttl = ttl;
    for (const auto& k : keys) dnskey.rdatas.push_back(k.dnskey_rdata);
    std::sort(dnskey.rdatas.begin(), dnskey.rdatas.end());
    dnskey.rdatas.erase(std::unique(dnskey.rdatas.begin(), dnskey.rdatas.end()), dnskey.rdatas.end());

    if (params.publish_cds) {
        RRset& cds = apex.get_or_add(rrtype::CDS, ttl);
        RRset& cdnskey = apex.get_or_add(rrtype::CDNSKEY, ttl);
        cds.ttl = cdnskey.ttl = ttl;
        cds.rdatas.clear();
        cdnskey.rdatas.clear();
        for (const auto& k : keys) {
            if (!keymgr::signs_dnskey(k)) continue;
            cds.rdatas.push_back(make_ds_rdata(zone.origin, k.dnskey_rdata, digest_type::SHA256));
            cdnskey.rdatas.push_back(k.dnskey_rdata);
        }
        std::sort(cds.rdatas.begin(), cds.rdatas.end());
        std::sort(cdnskey.rdatas.begin(), cdnskey.rdatas.end());
    }
}

std::uint32_t soa_serial(const Zone& zone) {
    const Wire& rd = zone.apex().find(rrtype::SOA)->rdatas.front();
    return get_u32(rd, rd.size() - 20);
}

void set_soa_serial(Zone& zone, std::uint32_t serial) {
    Wire& rd = zone.apex().find(rrtype::SOA)->rdatas.front();
    std::size_t pos = rd.size() - 20;
    Wire bytes;
    put_u32(bytes, serial);
    rd.replace(pos, 4, bytes);
}

std::string header_comment(const Zone& zone, const std::vector<keymgr::KeyRecord>& keys, UnixTime now,
                           std::uint32_t serial) {
    std::string h = "; signed by zonesigner 0.1.0 at " + format_iso8601(now) + "\n";
    h += "; zone " + name_to_text(zone.origin) + " serial " + std::to_string(serial) + "\n";
    for (const auto& k : keys)
        h += "; key " + keymgr::to_string(k.role) + " tag " + std::to_string(k.key_tag) + " algorithm " +
             algorithm_name(k.algorithm) + " signer " + k.signer + "\n";
    return h;
}

}  // namespace

SignSummary run_sign(const SignOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const policy::SigningParams& params = options.params;
    if (std::string problem = policy::check_params(params); !problem.empty()) throw UsageError(problem);
    if (!find_algorithm(params.algorithm) || !find_algorithm(params.algorithm)->supported)
        throw UsageError("algorithm " + std::to_string(params.algorithm) + " is not supported for signing");

    const std::string zone_name = normalise_zone_name(options.zone);
    const Wire origin = name_from_text(zone_name, Wire(1, '\0'));

    // 1. Read and check the input.
    MasterFileOptions read_options;
    read_options.origin = origin;
    read_options.threads = options.threads;
    BuildResult built = build_zone_from_file(options.input, read_options);
    for (const auto& w : built.warnings) log_warning(w);
    Zone& zone = built.zone;
    // Reading freed its buffers; hand them back before signing needs memory.
    malloc_trim(0);
    log_verbose(options.verbose, "read " + options.input + ": " + std::to_string(zone.nodes.size()) + " names in " +
                                     std::to_string(seconds_since(start)) + " s, " + peak_memory());

    // 2. The serial must increase over the previous output.
    std::optional<std::uint32_t> previous;
    if (options.output != "-") previous = previous_serial(options.output);
    auto serial = next_serial(params.serial, soa_serial(zone), previous, options.now);
    if (!serial)
        throw Error("the SOA serial " + std::to_string(soa_serial(zone)) + " is not greater than the serial " +
                    std::to_string(*previous) + " of the previous output " + options.output +
                    " (use --serial increment, unixtime or datecounter)");
    set_soa_serial(zone, *serial);

    // 3. Keys: reuse the zone's, or create them on first signing in the
    // new_keys signer; each key signs through the signer that owns it.
    StatePaths state = prepare_state_dir(options.state_dir);
    const Config config = load_config(options.config, state.root);
    keymgr::KeyDb db(state.database);
    SignerRegistry registry(config, db, {options.threads, options.now, nullptr});
    std::vector<keymgr::KeyRecord> records =
        registry.ensure_zone_keys({zone_name, params.algorithm, params.rsa_bits, params.csk, options.now});
    std::vector<SigningKey> keys = registry.signing_keys(records);
    const bool has_csk = std::any_of(records.begin(), records.end(),
                                     [](const auto& k) { return k.role == keymgr::KeyRole::Csk; });
    if (std::any_of(records.begin(), records.end(), [&](const auto& k) { return k.algorithm != params.algorithm; }) ||
        has_csk != params.csk)
        log_warning("zone " + zone_name + " already has keys (" + algorithm_name(records.front().algorithm) +
                    (has_csk ? ", CSK" : ", KSK and ZSK") +
                    "); --algorithm and --csk choose the keys of new zones only: changing them needs a rollover");

    // 4. Apex records, then the denial chain over the final set of types.
    std::vector<std::string> notes;
    publish_keys(zone, records, params, notes);
    for (const auto& n : notes) log_verbose(options.verbose, n);
    const std::uint32_t denial_ttl = zone.soa_minimum_ttl();
    if (params.denial == policy::DenialType::Nsec3) {
        zone.apex().get_or_add(rrtype::NSEC3PARAM, 0).rdatas.assign(1, make_nsec3param_rdata(params.nsec3));
        zone.apex().find(rrtype::NSEC3PARAM)->ttl = denial_ttl;
        add_nsec3_chain(zone, params.nsec3, denial_ttl);
    } else {
        add_nsec_chain(zone, denial_ttl);
    }

    // 5-7. Sign, verify and write window by window, so that signatures need
    // not stay in memory: each window is signed and formatted in parallel,
    // its signatures checked, then its text appended to the temporary file.
    // The file replaces the output only after the zone-wide checks pass.
    const auto sign_start = std::chrono::steady_clock::now();
    SignatureTimes times{options.now, params.validity, params.denial_validity, params.jitter, params.inception_offset};
    VerifyOptions vo;
    vo.mode = options.verify;
    vo.now = options.now;
    vo.threads = options.threads;
    vo.sample_seed = static_cast<std::uint64_t>(options.now);
    WindowedVerifier verifier(zone, vo);
    auto fail_verification = [&](const std::vector<std::string>& problems) {
        std::string text = "the signed zone failed verification; nothing was written:";
        for (const auto& p : problems) text += "\n  " + p;
        throw Error(text);
    };

    const std::string header = header_comment(zone, records, options.now, *serial);
    std::unique_ptr<AtomicFile> file;
    TextSink sink;
    if (options.output == "-") {
        sink = [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); };
    } else {
        file = std::make_unique<AtomicFile>(options.output, 0644);
        sink = [&](std::string_view s) { file->write(s); };
    }
    // Standard output cannot be taken back: collect it until verified.
    std::string held_output;
    TextSink out = options.output == "-" ? TextSink([&](std::string_view s) { held_output.append(s); }) : sink;
    out(header);

    std::vector<const Node*> order = nodes_in_canonical_order(zone);
    WorkerPool pool(options.threads);
    std::vector<std::unique_ptr<RrsetSigner>> signers(pool.size());
    std::vector<SigningStats> worker_stats(pool.size());
    constexpr std::size_t chunk_nodes = 128;
    constexpr std::size_t window_nodes = chunk_nodes * 32;
    std::vector<std::string> texts(window_nodes / chunk_nodes);
    for (std::size_t first = 0; first < order.size(); first += window_nodes) {
        const std::size_t count = std::min(window_nodes, order.size() - first);
        const std::size_t chunks = (count + chunk_nodes - 1) / chunk_nodes;
        // Each worker signs a chunk, formats it, and checks its signatures.
        pool.run(chunks, 1, [&](std::size_t begin, std::size_t end, unsigned worker) {
            if (!signers[worker]) signers[worker] = std::make_unique<RrsetSigner>(zone, keys, times);
            for (std::size_t c = begin; c < end; ++c) {
                std::string& text = texts[c];
                text.clear();
                const std::size_t from = first + c * chunk_nodes;
                const std::size_t to = std::min(first + count, from + chunk_nodes);
                for (std::size_t n = from; n < to; ++n) {
                    Node& node = const_cast<Node&>(*order[n]);  // the zone is ours to sign
                    signers[worker]->sign_node(node, worker_stats[worker]);
                    append_node_text(text, node, zone.rclass);
                }
                verifier.check_nodes(order.data() + from, to - from);
            }
        });
        if (verifier.failed()) fail_verification(verifier.finish().problems);
        for (std::size_t c = 0; c < chunks; ++c) out(texts[c]);
        for (std::size_t n = first; n < first + count; ++n)
            for (auto& set : const_cast<Node*>(order[n])->rrsets) std::vector<Wire>().swap(set.rrsigs);
    }
    SigningStats stats;
    for (const auto& s : worker_stats) {
        stats.rrsets += s.rrsets;
        stats.signatures += s.signatures;
    }
    VerifyReport report = verifier.finish();
    if (!report.ok()) fail_verification(report.problems);
    log_verbose(options.verbose, "signed " + std::to_string(stats.rrsets) + " RRsets with " +
                                     std::to_string(stats.signatures) + " signatures, verified " +
                                     std::to_string(report.signatures_verified) + ", written in " +
                                     std::to_string(seconds_since(sign_start)) + " s, " + peak_memory());

    // Publish atomically: zone first, then the DS file for the parent.
    if (file) {
        file->commit();
        write_file_atomically(options.output + ".ds", ds_records_text(zone.origin, records, 3600), 0644);
    } else {
        sink(held_output);
        std::fflush(stdout);
    }

    SignSummary summary;
    summary.rrsets = stats.rrsets;
    summary.signatures = stats.signatures;
    summary.verified = report.signatures_verified;
    summary.serial = *serial;
    summary.seconds = seconds_since(start);
    return summary;
}

}  // namespace zs::signer
