#include "signer/signing_engine.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "keymgr/algorithm_binding.hpp"
#include "keymgr/zone_keys.hpp"
#include "zone/rrsig.hpp"

namespace zs::signer {

namespace {

struct Job {
    zone::Node* node;
    zone::RRset* set;
};

bool must_sign(const zone::Node& node, const zone::RRset& set) {
    if (set.type == zone::rrtype::RRSIG) return false;
    switch (node.kind) {
        case zone::NodeKind::Authoritative: return true;
        case zone::NodeKind::Delegation: return set.type == zone::rrtype::DS || set.type == zone::rrtype::NSEC;
        case zone::NodeKind::Occluded: return false;
    }
    return false;
}

std::uint64_t fnv1a(const zone::Wire& owner, std::uint16_t type) {
    std::uint64_t h = 1469598103934665603ull;
    for (char c : owner) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h = (h ^ (type >> 8)) * 1099511628211ull;
    h = (h ^ (type & 0xff)) * 1099511628211ull;
    return h;
}

}  // namespace

std::uint32_t expiration_for(const zone::Wire& owner, std::uint16_t type, bool denial, const SignatureTimes& t) {
    Seconds validity = denial ? t.denial_validity : t.validity;
    Seconds jitter = t.jitter > 0 ? static_cast<Seconds>(fnv1a(owner, type) % static_cast<std::uint64_t>(t.jitter + 1)) : 0;
    return static_cast<std::uint32_t>(t.now + validity - jitter);
}

SigningStats sign_zone(zone::Zone& zone, const std::vector<SigningKey>& keys, const SignatureTimes& times,
                       unsigned threads) {
    std::vector<Job> jobs;
    jobs.reserve(zone.nodes.size() * 3 + zone.nsec3_nodes.size());
    for (auto& node : zone.nodes)
        for (auto& set : node.rrsets)
            if (must_sign(node, set)) jobs.push_back({&node, &set});
    for (auto& node : zone.nsec3_nodes)
        for (auto& set : node.rrsets) jobs.push_back({&node, &set});

    const std::uint32_t inception = static_cast<std::uint32_t>(times.now - times.inception_offset);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> signatures{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    std::atomic<bool> failed{false};

    auto worker = [&] {
        try {
            std::vector<std::unique_ptr<hsm::SigningContext>> contexts;
            for (const auto& k : keys)
                contexts.push_back(k.signer->open_signing(k.record.native_id,
                                                          keymgr::sign_scheme_for(k.record.algorithm)));
            zone::Wire data;
            zone::RrsigFields f;
            f.signer = zone.origin;
            std::size_t made = 0;
            constexpr std::size_t batch = 64;
            for (std::size_t begin; !failed && (begin = next.fetch_add(batch)) < jobs.size();) {
                const std::size_t end = std::min(jobs.size(), begin + batch);
                for (std::size_t j = begin; j < end; ++j) {
                    zone::Node& node = *jobs[j].node;
                    zone::RRset& set = *jobs[j].set;
                    const bool is_dnskey = set.type == zone::rrtype::DNSKEY && node.owner == zone.origin;
                    const bool is_cds = set.type == zone::rrtype::CDS || set.type == zone::rrtype::CDNSKEY;
                    const bool denial = set.type == zone::rrtype::NSEC || set.type == zone::rrtype::NSEC3;
                    f.type_covered = set.type;
                    f.labels = static_cast<std::uint8_t>(zone::rrsig_labels(node.owner));
                    f.original_ttl = set.ttl;
                    f.inception = inception;
                    f.expiration = expiration_for(node.owner, set.type, denial, times);
                    set.rrsigs.clear();
                    for (std::size_t k = 0; k < keys.size(); ++k) {
                        const auto& rec = keys[k].record;
                        bool use = is_dnskey ? keymgr::signs_dnskey(rec)
                                   : is_cds  ? true
                                             : keymgr::signs_zone(rec);
                        if (!use) continue;
                        f.algorithm = rec.algorithm;
                        f.key_tag = rec.key_tag;
                        zone::build_signed_data(data, f, node.owner, zone.rclass, set);
                        Bytes sig = contexts[k]->sign(data.data(), data.size());
                        zone::Wire rdata;
                        rdata.reserve(18 + f.signer.size() + sig.size());
                        zone::append_rrsig_header(rdata, f);
                        rdata.append(reinterpret_cast<const char*>(sig.data()), sig.size());
                        set.rrsigs.push_back(std::move(rdata));
                        ++made;
                    }
                    std::sort(set.rrsigs.begin(), set.rrsigs.end());
                }
            }
            signatures += made;
        } catch (...) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            failed = true;
        }
    };
    threads = std::max(1u, threads);
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
    return {jobs.size(), signatures.load()};
}

}  // namespace zs::signer
