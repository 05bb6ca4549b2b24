// Cryptographic verification of signatures (checklist rule 9) with the
// DNSKEYs as published: all of them (Full), a deterministic sample (Sample)
// or none (Structure), spread over worker threads.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>

#include "common/error.hpp"
#include "zone/rrsig.hpp"
#include "zone/verify_internal.hpp"

namespace zs::zone::verify {

namespace {

// Signatures of each key that Sample mode always verifies: a key that signs
// wrongly is caught on its first signatures.
constexpr unsigned first_signatures_per_key = 3;

// SplitMix64: a small generator whose sequence is fixed by the seed on every
// platform (std::uniform_int_distribution is not).
class SampleRandom {
public:
    explicit SampleRandom(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

private:
    std::uint64_t state_;
};

std::vector<std::size_t> select_sample(const std::vector<SignatureJob>& jobs, const ApexKeys& keys,
                                       const VerifyOptions& options) {
    std::vector<std::size_t> selected, rest;
    std::vector<unsigned> per_key(keys.keys.size(), 0);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].rrset->type == rrtype::DNSKEY || per_key[jobs[i].key_index]++ < first_signatures_per_key)
            selected.push_back(i);
        else
            rest.push_back(i);
    }
    const double fraction = std::clamp(options.sample_fraction, 0.0, 1.0);
    auto count = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(rest.size())));
    count = std::min(count, rest.size());
    // Partial Fisher-Yates: the first `count` entries become a uniform sample.
    SampleRandom random(options.sample_seed);
    for (std::size_t k = 0; k < count; ++k) std::swap(rest[k], rest[k + random.below(rest.size() - k)]);
    selected.insert(selected.end(), rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(count));
    // Zone order keeps memory access sequential and the problems in order.
    std::sort(selected.begin(), selected.end());
    return selected;
}

struct Failure {
    std::size_t job;
    std::string what;
};

}  // namespace

std::optional<std::string> verify_one(const Zone& zone, const ApexKeys& keys, const SignatureJob& job, Wire& data,
                                      bool& verified) {
    const RrsigFields sig = decode_rrsig_rdata(job.rrset->rrsigs[job.rrsig_index]);
    verified = false;
    for (auto index : keys.matching(sig.algorithm, sig.key_tag)) {
        const ApexKey& key = keys.keys[index];
        if (!key.zone_key || !key.verifier) continue;
        if (!verified) build_signed_data(data, sig, *job.owner, zone.rclass, *job.rrset);
        verified = true;
        if (key.verifier->verify(data.data(), data.size(), sig.signature)) return std::nullopt;
    }
    if (!verified) return std::nullopt;  // no usable key: reported once at the apex DNSKEY
    return "RRSIG algorithm " + std::to_string(sig.algorithm) + " key tag " + std::to_string(sig.key_tag) +
           ": signature does not verify";
}

std::uint64_t sample_rank(const SignatureJob& job, std::uint64_t seed) {
    // A hash of owner, type and signature number instead of a random stream,
    // so the choice does not depend on which thread checks which names.
    std::uint64_t h = 1469598103934665603ull ^ seed;
    for (char c : *job.owner) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    h = (h ^ job.rrset->type) * 1099511628211ull;
    h = (h ^ job.rrsig_index) * 1099511628211ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h;
}

unsigned first_signatures_checked_per_key() { return first_signatures_per_key; }

void verify_signatures(const Zone& zone, const ApexKeys& keys, const std::vector<SignatureJob>& jobs,
                       const VerifyOptions& options, Problems& problems, VerifyReport& report) {
    if (options.mode == VerifyMode::Structure || jobs.empty() || problems.full()) return;
    std::vector<std::size_t> selected;
    if (options.mode == VerifyMode::Full) {
        selected.resize(jobs.size());
        for (std::size_t i = 0; i < jobs.size(); ++i) selected[i] = i;
    } else {
        selected = select_sample(jobs, keys, options);
    }

    const unsigned threads = std::max(1u, options.threads);
    // Per worker: its own signed-data buffer (reused for every signature) and
    // its own results, merged in job order afterwards.
    std::vector<Wire> buffers(threads);
    std::vector<std::vector<Failure>> failures(threads);
    std::vector<std::size_t> verified(threads, 0);
    const std::size_t room = problems.room();
    std::atomic<std::size_t> failure_count{0};

    parallel_for(selected.size(), threads, [&](std::size_t begin, std::size_t end, unsigned worker) {
        Wire& data = buffers[worker];
        for (std::size_t s = begin; s < end; ++s) {
            if (failure_count.load(std::memory_order_relaxed) >= room) return;  // the report is full
            const SignatureJob& job = jobs[selected[s]];
            const RrsigFields sig = decode_rrsig_rdata(job.rrset->rrsigs[job.rrsig_index]);
            bool had_verifier = false, good = false;
            for (auto index : keys.matching(sig.algorithm, sig.key_tag)) {
                const ApexKey& key = keys.keys[index];
                if (!key.zone_key || !key.verifier) continue;
                if (!had_verifier) build_signed_data(data, sig, *job.owner, zone.rclass, *job.rrset);
                had_verifier = true;
                if (key.verifier->verify(data.data(), data.size(), sig.signature)) {
                    good = true;
                    break;
                }
            }
            if (!had_verifier) continue;  // reported once at the apex DNSKEY
            ++verified[worker];
            if (!good) {
                failures[worker].push_back({selected[s], "RRSIG algorithm " + std::to_string(sig.algorithm) +
                                                             " key tag " + std::to_string(sig.key_tag) +
                                                             ": signature does not verify"});
                failure_count.fetch_add(1, std::memory_order_relaxed);
            }
        }
    });

    std::vector<Failure> all;
    for (auto& list : failures)
        for (auto& f : list) all.push_back(std::move(f));
    std::sort(all.begin(), all.end(), [](const Failure& a, const Failure& b) { return a.job < b.job; });
    for (const auto& f : all) problems.add(*jobs[f.job].owner, jobs[f.job].rrset->type, f.what);
    for (auto n : verified) report.signatures_verified += n;
}

}  // namespace zs::zone::verify
