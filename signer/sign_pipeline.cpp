#include "signer/sign_pipeline.hpp"

#include <sys/resource.h>
#include <unistd.h>
#include <malloc.h>

#include <fcntl.h>

#include <chrono>
#include <future>
#include <thread>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "common/atomic_file.hpp"
#include "common/checksum.hpp"
#include "common/error.hpp"
#include "common/test_stop_point.hpp"
#include "keymgr/key_db.hpp"
#include "keymgr/zone_keys.hpp"
#include "signer/config.hpp"
#include "signer/ds_output.hpp"
#include "signer/log.hpp"
#include "signer/nsec3_salt.hpp"
#include "signer/previous_output.hpp"
#include "signer/previous_signing.hpp"
#include "signer/signature_cache.hpp"
#include "signer/signer_registry.hpp"
#include "signer/signing_engine.hpp"
#include "signer/state_dir.hpp"
#include "signer/worker_pool.hpp"
#include "signer/zone_key_sets.hpp"
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

// Puts the published keys (and keys of other signers already in the input,
// for multi-signer setups) into the apex DNSKEY RRset, and CDS/CDNSKEY for
// the keys the plan submits to the parent.
void publish_keys(Zone& zone, const ZoneKeySets& keys, const policy::SigningParams& params,
                  std::vector<std::string>& notes) {
    Node& apex = zone.apex();
    RRset* existing = apex.find(rrtype::DNSKEY);
    std::uint32_t ttl = params.dnskey_ttl ? *params.dnskey_ttl : (existing ? existing->ttl : 3600u);
    if (existing && !existing->rdatas.empty())
        notes.push_back("kept " + std::to_string(existing->rdatas.size()) +
                        " DNSKEY record(s) from the input in the DNSKEY RRset (not managed by zonesigner)");
    RRset& dnskey = apex.get_or_add(rrtype::DNSKEY, ttl);
    dnskey.ttl = ttl;
    for (const auto& k : keys.dnskey) dnskey.rdatas.push_back(k.dnskey_rdata);
    std::sort(dnskey.rdatas.begin(), dnskey.rdatas.end());
    dnskey.rdatas.erase(std::unique(dnskey.rdatas.begin(), dnskey.rdatas.end()), dnskey.rdatas.end());

    if (!keys.cds.empty()) {
        RRset& cds = apex.get_or_add(rrtype::CDS, ttl);
        RRset& cdnskey = apex.get_or_add(rrtype::CDNSKEY, ttl);
        cds.ttl = cdnskey.ttl = ttl;
        cds.rdatas.clear();
        cdnskey.rdatas.clear();
        for (const auto& k : keys.cds) {
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

std::string header_comment(const Zone& zone, const ZoneKeySets& keys, UnixTime now, std::uint32_t serial) {
    std::string h = std::string("; signed by zonesigner ") + ZS_VERSION + " at " + format_iso8601(now) + "\n";
    h += "; zone " + name_to_text(zone.origin) + " serial " + std::to_string(serial) + "\n";
    auto line = [&](const keymgr::KeyRecord& k, const char* note) {
        h += "; key " + keymgr::to_string(k.role) + " tag " + std::to_string(k.key_tag) + " algorithm " +
             algorithm_name(k.algorithm) + " signer " + k.signer + note + "\n";
    };
    auto signs = [&](const keymgr::KeyRecord& k) {
        return std::any_of(keys.signing.begin(), keys.signing.end(), [&](const auto& u) { return u.record.id == k.id; });
    };
    for (const auto& k : keys.dnskey) line(k, signs(k) ? "" : ", published only");
    for (const auto& u : keys.signing)
        if (std::none_of(keys.dnskey.begin(), keys.dnskey.end(), [&](const auto& k) { return k.id == u.record.id; }))
            line(u.record, ", signs before its DNSKEY is published (algorithm rollover)");
    return h;
}

}  // namespace

SignSummary run_sign(const SignOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    SignSummary summary;
    auto phase_start = start;
    const auto phase_done = [&](const char* name) {
        const auto now = std::chrono::steady_clock::now();
        summary.phases.emplace_back(name, std::chrono::duration<double>(now - phase_start).count());
        phase_start = now;
    };
    // Memory freed by one phase is reused by the next: without these, glibc
    // hands freed pages back to the kernel and every new window faults in
    // freshly zeroed pages again (measured: about 10% of the CPU time on the
    // TLD bench zone).
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    const policy::SigningParams& params = options.params;
    const auto warn = [&options](const std::string& text) {
        if (options.warn)
            options.warn(text);
        else
            log_warning(text);
    };
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
    phase_done("read");
    // The previous signing (incremental re-signing) loads on a thread of its
    // own while the keys and the denial chain are made: the reader no
    // longer needs the other core then. (Loaded beside the reader, it
    // measured slower: the reader keeps both cores busy.)
    std::future<PreviousSigning> previous_signing_loaded;
    if (options.reuse_signatures && !options.signature_cache.empty())
        previous_signing_loaded = std::async(std::launch::async, [&options] {
            return load_previous_signing(options.signature_cache, options.output);
        });
    for (const auto& w : built.warnings) warn(w);
    Zone& zone = built.zone;
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

    // 3. Keys: the key manager step under the zone's policy (or, without
    // one, the keys the zone has, created on first signing); each key signs
    // through the signer that owns it.
    StatePaths state = prepare_state_dir(options.state_dir);
    const Config config = load_config(options.config, state.root);
    keymgr::KeyDb db(state.database);
    SignerRegistry registry(config, db, {options.threads, options.now, nullptr});
    policy::Policy key_policy;
    if (options.policy) {
        key_policy = *options.policy;
    } else {
        const std::vector<keymgr::KeyRecord> existing = db.list(zone_name);
        key_policy = command_line_policy(existing, db.load_states(zone_name), params);
        const bool has_csk = std::any_of(existing.begin(), existing.end(),
                                         [](const auto& k) { return k.role == keymgr::KeyRole::Csk; });
        if (!existing.empty() &&
            (std::any_of(existing.begin(), existing.end(),
                         [&](const auto& k) { return k.algorithm != params.algorithm; }) ||
             has_csk != params.csk))
            warn("zone " + zone_name + " already has keys (" + algorithm_name(existing.front().algorithm) +
                        (has_csk ? ", CSK" : ", KSK and ZSK") +
                        "); --algorithm and --csk choose the keys of new zones only: changing them needs a "
                        "rollover (sign with a --policy that names the new keys)");
    }
    keymgr::KeyManagerOptions manager_options;
    manager_options.now = options.now;
    manager_options.user = current_user_name();
    // 4-8 run inside the key manager step, after its keys exist and before
    // its transitions are recorded: a record counts as published only once
    // the zone that has it is in place.
    db.set_audit_user(manager_options.user);
    std::jthread disposer;  // joined when run_sign ends, also on errors
    manager_options.publish = [&](const keymgr::ZoneKeys& zone_keys) {
        for (const auto& event : zone_keys.plan.events) log_verbose(options.verbose, "key: " + event.detail);
        const ZoneKeySets key_sets = zone_key_sets(zone_keys, !options.policy);
        if (key_sets.signing.empty()) {
            std::string why = "zone " + zone_name + " has no key that may sign now";
            for (const auto& r : zone_keys.records)
                if (r.backup_pending)
                    why += "\n  key " + std::to_string(r.key_tag) + " (" + keymgr::to_string(r.role) +
                           ") was generated in signer '" + r.signer +
                           "', which requires a backup before its new keys sign: back the signer up, then run "
                           "'zonesigner hsm backup-done " + r.signer + "'";
            for (const auto& b : zone_keys.plan.blockers) why += "\n  " + b.why;
            throw Error(why);
        }
        std::vector<keymgr::KeyRecord> signing_records;
        for (const auto& use : key_sets.signing) signing_records.push_back(use.record);
        std::vector<SigningKey> keys = registry.signing_keys(signing_records);
        for (std::size_t i = 0; i < keys.size(); ++i) {
            keys[i].signs_dnskey = key_sets.signing[i].signs_dnskey;
            keys[i].signs_zone = key_sets.signing[i].signs_zone;
        }

        phase_done("keys");
        // 4. Apex records, then the denial chain over the final set of types.
        std::vector<std::string> notes;
        publish_keys(zone, key_sets, params, notes);
        for (const auto& n : notes) log_verbose(options.verbose, n);
        const std::uint32_t denial_ttl = zone.soa_minimum_ttl();
        if (params.denial == policy::DenialType::Nsec3) {
            Nsec3Parameters nsec3 = params.nsec3;
            if (options.policy && options.policy->nsec3_salt_length > 0 && nsec3.salt.empty()) {
                const SaltChoice salt = zone_nsec3_salt(
                    state.root, zone_name, options.policy->nsec3_salt_length, options.policy->nsec3_resalt, options.now,
                    [&](std::size_t n) { return registry.random_bytes(config.roles.new_keys, n); });
                if (salt.fresh) log_verbose(options.verbose, "drew a new NSEC3 salt " + to_hex(salt.salt));
                nsec3.salt.assign(salt.salt.begin(), salt.salt.end());
            }
            zone.apex().get_or_add(rrtype::NSEC3PARAM, 0).rdatas.assign(1, make_nsec3param_rdata(nsec3));
            zone.apex().find(rrtype::NSEC3PARAM)->ttl = denial_ttl;
            add_nsec3_chain(zone, nsec3, denial_ttl);
        } else {
            add_nsec_chain(zone, denial_ttl);
        }

        phase_done("chain");
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
        for (const auto& use : key_sets.signing)
            if (std::none_of(key_sets.dnskey.begin(), key_sets.dnskey.end(),
                             [&](const auto& k) { return k.id == use.record.id; }))
                vo.unpublished_keys.push_back(use.record.dnskey_rdata);
        WindowedVerifier verifier(zone, vo);
        verifier.check_chains_in_background();
        bool reusing = false;  // signatures of the previous signing are taken over
        auto fail_verification = [&](const std::vector<std::string>& problems) {
            std::string text = "the signed zone failed verification; nothing was written:";
            for (const auto& p : problems) text += "\n  " + p;
            if (reusing)
                text += "\n  (signatures were taken over from " + options.signature_cache +
                        "; 'zonesigner run --no-reuse' makes every signature anew)";
            throw Error(text);
        };

        const std::string header = header_comment(zone, key_sets, options.now, *serial);
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

        // Incremental re-signing: the previous signing's signatures and
        // text, and the cache for the next one, written beside the output.
        log_verbose(options.verbose,
                    "keys, apex and denial chain ready at " + std::to_string(seconds_since(start)) + " s");
        PreviousSigning previous_signing =
            previous_signing_loaded.valid() ? previous_signing_loaded.get() : PreviousSigning();
        if (previous_signing.cache &&
            (previous_signing.cache->origin() != zone.origin || previous_signing.cache->rclass() != zone.rclass)) {
            previous_signing.cache.reset();
            previous_signing.output = UniqueFd();
            previous_signing.warning = "signature cache " + options.signature_cache +
                                       " is for another zone; making every signature anew";
        }
        if (!previous_signing.warning.empty()) warn(previous_signing.warning);
        reusing = previous_signing.cache != nullptr;
        phase_done("cache read");
        if (previous_signing.cache)
            log_verbose(options.verbose, "read the signature cache " + options.signature_cache + " (" +
                                             std::to_string(previous_signing.cache->node_count()) + " names" +
                                             (previous_signing.output ? ", and the output it describes" : "") + ")");
        ReuseSource reuse = reuse_source(
            previous_signing, keys, ReuseRules{options.now, options.refresh, params.validity, params.denial_validity});
        reuse.copy_names = options.verify != VerifyMode::Full;
        // The cache only saves work: when it cannot be written (no space in
        // the state directory...), the zone is still published, the old
        // cache stays (its signatures still match their digests) and the
        // run says why.
        std::unique_ptr<SignatureCacheWriter> next_cache;
        bool next_cache_failed = false;
        auto cache_failure = [&](const std::exception& e) {
            if (!next_cache_failed) warn(std::string(e.what()) + " (the signature cache is not updated)");
            next_cache_failed = true;
        };
        if (!options.signature_cache.empty() && file) {
            std::vector<Wire> signing_dnskeys;
            for (const auto& k : keys) signing_dnskeys.push_back(k.record.dnskey_rdata);
            try {
                next_cache = std::make_unique<SignatureCacheWriter>(options.signature_cache, zone.origin, zone.rclass,
                                                                    static_cast<std::uint32_t>(header.size()),
                                                                    signing_dnskeys);
            } catch (const std::exception& e) {
                cache_failure(e);
            }
        }

        std::vector<const Node*> order = nodes_in_canonical_order(zone);
        WorkerPool pool(options.threads);
        std::vector<std::unique_ptr<RrsetSigner>> signers(pool.size());
        std::vector<std::vector<const Node*>> nodes_to_check(pool.size());
        std::vector<SigningStats> worker_stats(pool.size());
        // Small chunks keep the workers even at the end of a window; the text of
        // a window is written (and its signatures dropped) by the calling thread
        // while the other workers sign the next window, so nobody waits for I/O.
        constexpr std::size_t chunk_nodes = 64;
        constexpr std::size_t window_nodes = chunk_nodes * 128;
        std::vector<std::string> texts[2] = {std::vector<std::string>(window_nodes / chunk_nodes),
                                             std::vector<std::string>(window_nodes / chunk_nodes)};
        std::vector<std::string> cache_entries[2] = {std::vector<std::string>(window_nodes / chunk_nodes),
                                                     std::vector<std::string>(window_nodes / chunk_nodes)};
        struct Written {
            bool pending = false;
            int buffer = 0;
            std::size_t first = 0, count = 0, chunks = 0;
        } unwritten;
        auto write_previous = [&] {
            if (!unwritten.pending) return;
            unwritten.pending = false;
            for (std::size_t c = 0; c < unwritten.chunks; ++c) {
                out(texts[unwritten.buffer][c]);
                if (next_cache && !next_cache_failed) {
                    try {
                        next_cache->append(cache_entries[unwritten.buffer][c],
                                           std::min(chunk_nodes, unwritten.count - c * chunk_nodes));
                    } catch (const std::exception& e) {
                        cache_failure(e);
                    }
                }
            }
            for (std::size_t n = unwritten.first; n < unwritten.first + unwritten.count; ++n)
                for (auto& set : const_cast<Node*>(order[n])->rrsets) std::vector<Wire>().swap(set.rrsigs);
        };
        int buffer = 0;
        for (std::size_t first = 0; first < order.size(); first += window_nodes) {
            const std::size_t count = std::min(window_nodes, order.size() - first);
            const std::size_t chunks = (count + chunk_nodes - 1) / chunk_nodes;
            std::vector<std::string>& window_texts = texts[buffer];
            // Each worker signs a chunk, formats it, and checks its signatures.
            pool.run(chunks, 1, [&](std::size_t begin, std::size_t end, unsigned worker) {
                if (worker == 0) write_previous();
                if (!signers[worker])
                    signers[worker] = std::make_unique<RrsetSigner>(zone, keys, times, &reuse, next_cache != nullptr);
                for (std::size_t c = begin; c < end; ++c) {
                    std::string& text = window_texts[c];
                    std::string& entries = cache_entries[buffer][c];
                    text.clear();
                    entries.clear();
                    const std::size_t from = first + c * chunk_nodes;
                    const std::size_t to = std::min(first + count, from + chunk_nodes);
                    std::vector<const Node*>& to_check = nodes_to_check[worker];
                    to_check.clear();
                    for (std::size_t n = from; n < to; ++n) {
                        Node& node = const_cast<Node&>(*order[n]);  // the zone is ours to sign
                        const std::size_t text_start = text.size();
                        // A name copied unchanged was checked when it was written.
                        if (!signers[worker]->sign_node(node, worker_stats[worker], text)) {
                            append_node_text(text, node, zone.rclass);
                            to_check.push_back(&node);
                        }
                        if (next_cache)
                            signers[worker]->append_cache_entry(
                                entries, *next_cache, node, std::string_view(text).substr(text_start));
                    }
                    verifier.check_nodes(to_check.data(), to_check.size());
                    test_stop_point("mid-signing", options.output);
                }
            });
            write_previous();
            if (verifier.failed()) fail_verification(verifier.finish().problems);
            unwritten = {true, buffer, first, count, chunks};
            buffer ^= 1;
        }
        write_previous();
        SigningStats stats;
        for (const auto& s : worker_stats) {
            stats.rrsets += s.rrsets;
            stats.signatures += s.signatures;
            stats.reused += s.reused;
            stats.reused_names += s.reused_names;
            if (s.earliest_expiration) stats.add_expiration(s.earliest_expiration);
        }
        VerifyReport report = verifier.finish();
        if (!report.ok()) fail_verification(report.problems);
        phase_done("sign and write");
        // Nothing below reads the zone or the previous signing: they are
        // freed on a thread of their own while the output is synced (the
        // CPUs are idle then, waiting for the disk).
        const Wire origin = zone.origin;
        disposer = std::jthread([doomed_zone = std::move(zone), doomed = std::move(previous_signing)]() mutable {
            Zone released_zone = std::move(doomed_zone);
            PreviousSigning released = std::move(doomed);
        });
        log_verbose(options.verbose, "signed " + std::to_string(stats.rrsets) + " RRsets with " +
                                         std::to_string(stats.signatures) + " new signatures and " +
                                         std::to_string(stats.reused) + " reused (" +
                                         std::to_string(stats.reused_names) + " names copied unchanged), verified " +
                                         std::to_string(report.signatures_verified) + ", written in " +
                                         std::to_string(seconds_since(sign_start)) + " s, " + peak_memory());

        // Publish atomically: zone first, then the DS file for the parent.
        if (file) {
            test_stop_point("output-written", options.output);
            // The output being replaced is dropped by whoever closes it last:
            // held open here, its pages are freed on the disposer's thread
            // rather than inside rename() on this one.
            UniqueFd superseded(::open(options.output.c_str(), O_RDONLY | O_CLOEXEC));
            file->commit();
            disposer = std::jthread([previous = std::move(disposer), old = std::move(superseded)]() mutable {
                if (previous.joinable()) previous.join();
            });
            log_verbose(options.verbose, "output in place at " + std::to_string(seconds_since(start)) + " s");
            if (next_cache && !next_cache_failed) {
                try {
                    next_cache->commit(file_identity(options.output));
                } catch (const std::exception& e) {
                    cache_failure(e);
                }
            }
            next_cache.reset();  // an unfinished one removes its temporary file
            std::string ds_text = ds_records_text(origin, key_sets.ds, 3600);
            if (key_sets.ds.empty())
                ds_text = "; no DS is to be at the parent yet: the keys and signatures are still propagating\n"
                          "; ('zonesigner key status --zone " + zone_name + " --explain' says until when)\n";
            // Rewritten (and synced) only when it changes: mostly it does not.
            const std::string ds_path = options.output + ".ds";
            bool ds_current = false;
            try {
                ds_current = file_exists(ds_path) && read_file(ds_path) == ds_text;
            } catch (const std::exception&) {
                ds_current = false;
            }
            if (!ds_current) write_file_atomically(ds_path, ds_text, 0644);
        } else {
            sink(held_output);
            std::fflush(stdout);
        }
        phase_done("publish");

        summary.rrsets = stats.rrsets;
        summary.signatures = stats.signatures;
        summary.signatures_reused = stats.reused;
        summary.names_copied = stats.reused_names;
        summary.verified = report.signatures_verified;
        summary.serial = *serial;
        if (stats.earliest_expiration) summary.earliest_expiration = stats.earliest_expiration;
    };
    const keymgr::ZoneKeys zone_keys = keymgr::run_key_manager(db, registry, key_policy, zone_name, manager_options);
    for (const auto& w : zone_keys.warnings) warn(w);
    for (const auto& n : zone_keys.notes) log_verbose(options.verbose, n);
    phase_done("key states");
    summary.seconds = seconds_since(start);
    log_verbose(options.verbose, "key manager done at " + std::to_string(summary.seconds) + " s");
    return summary;
}

}  // namespace zs::signer
