// Drives the checks of a signed zone; each part lives in its own verify_*.cpp.
#include "zone/zone_verifier.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <exception>
#include <thread>

#include "zone/verify_internal.hpp"

namespace zs::zone {

struct WindowedVerifier::State {
    State(const Zone& z, const VerifyOptions& o) : zone(z), options(o), problems(report.problems, o.max_problems) {}
    const Zone& zone;
    VerifyOptions options;
    VerifyReport report;
    verify::Problems problems;
    verify::ApexKeys keys;
    bool has_apex = false;
    std::mutex mutex;                          // guards report and problems in check_nodes
    std::vector<std::atomic<unsigned>> first_checked;  // per key, Sample mode
    // Sample mode over all parts (guarded by mutex): signatures beyond the
    // first ones seen so far, and how many of them were verified.
    std::uint64_t rest_seen = 0;
    std::uint64_t rest_verified = 0;
    std::thread chains;                         // check_chains_in_background
    std::vector<std::string> chain_problems;
    std::exception_ptr chain_error;
    bool chains_started = false;
    ~State() {
        if (chains.joinable()) chains.join();
    }
};

WindowedVerifier::WindowedVerifier(const Zone& zone, const VerifyOptions& options)
    : state_(std::make_unique<State>(zone, options)) {
    State& s = *state_;
    if (zone.nodes.empty() || zone.apex().owner != zone.origin) {
        s.problems.add(zone.origin, rrtype::SOA, "the zone has no apex node");
        return;
    }
    s.has_apex = true;
    s.keys = verify::check_apex(zone, options, s.problems);
    s.first_checked = std::vector<std::atomic<unsigned>>(s.keys.keys.size());
}

void WindowedVerifier::check_nodes(const Node* const* nodes, std::size_t count) {
    State& s = *state_;
    if (!s.has_apex) return;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (s.problems.full()) return;
    }
    std::vector<const Node*> list(nodes, nodes + count);
    std::vector<std::string> problems_found;
    VerifyReport local_report;
    std::vector<verify::SignatureJob> jobs;
    {
        verify::Problems local(problems_found, s.options.max_problems);
        jobs = verify::check_signatures(s.zone, list, s.keys, s.options, local, local_report);
    }
    if (s.options.mode != VerifyMode::Structure) {
        // Full: every job. Sample: DNSKEY RRset signatures, the first
        // signatures of every key, and of the rest sample_fraction of all
        // seen so far (rounded up), those of lowest rank in this part. Owed
        // over the whole run rather than per part: parts with one new
        // signature each (an incremental run) would otherwise verify one
        // in every part.
        std::vector<std::size_t> selected, rest;
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            const auto& job = jobs[i];
            if (s.options.mode == VerifyMode::Full || job.rrset->type == rrtype::DNSKEY ||
                s.first_checked[job.key_index].fetch_add(1) < verify::first_signatures_checked_per_key())
                selected.push_back(i);
            else
                rest.push_back(i);
        }
        const double fraction = std::clamp(s.options.sample_fraction, 0.0, 1.0);
        std::size_t take = 0;
        {
            std::lock_guard<std::mutex> lock(s.mutex);
            s.rest_seen += rest.size();
            const auto owed = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(s.rest_seen)));
            if (owed > s.rest_verified)
                take = static_cast<std::size_t>(std::min<std::uint64_t>(owed - s.rest_verified, rest.size()));
            s.rest_verified += take;
        }
        std::vector<std::pair<std::uint64_t, std::size_t>> ranked;
        for (auto i : rest) ranked.emplace_back(verify::sample_rank(jobs[i], s.options.sample_seed), i);
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(take), ranked.end());
        for (std::size_t k = 0; k < take; ++k) selected.push_back(ranked[k].second);
        Wire data;
        for (auto i : selected) {
            const auto& job = jobs[i];
            bool verified = false;
            if (auto problem = verify::verify_one(s.zone, s.keys, job, data, verified))
                problems_found.push_back(name_to_text(*job.owner) + " " + type_to_text(job.rrset->type) + ": " + *problem);
            if (verified) ++local_report.signatures_verified;
        }
    }
    std::lock_guard<std::mutex> lock(s.mutex);
    for (auto& p : problems_found)
        if (!s.problems.full()) s.report.problems.push_back(std::move(p));
    s.report.rrsets_checked += local_report.rrsets_checked;
    s.report.signatures_verified += local_report.signatures_verified;
}

WindowedVerifier::~WindowedVerifier() = default;

bool WindowedVerifier::failed() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return !state_->report.problems.empty();
}

void WindowedVerifier::check_window(const std::vector<const Node*>& nodes) {
    State& s = *state_;
    if (!s.has_apex || s.problems.full()) return;
    // The structure of the signatures is checked in slices on all threads;
    // problems and jobs are merged in node order so reports do not depend on
    // the thread count.
    const unsigned threads = std::max(1u, s.options.threads);
    const std::size_t slices = std::min<std::size_t>(nodes.size(), threads);
    std::vector<std::vector<std::string>> slice_problems(slices);
    std::vector<std::vector<verify::SignatureJob>> slice_jobs(slices);
    std::vector<VerifyReport> slice_reports(slices);
    auto check_slice = [&](std::size_t i) {
        const std::size_t from = nodes.size() * i / slices, to = nodes.size() * (i + 1) / slices;
        std::vector<const Node*> slice(nodes.begin() + static_cast<std::ptrdiff_t>(from),
                                       nodes.begin() + static_cast<std::ptrdiff_t>(to));
        verify::Problems local(slice_problems[i], s.problems.room() == SIZE_MAX ? 0 : s.problems.room());
        slice_jobs[i] = verify::check_signatures(s.zone, slice, s.keys, s.options, local, slice_reports[i]);
    };
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(slices);
    for (std::size_t i = 1; i < slices; ++i)
        pool.emplace_back([&, i] {
            try {
                check_slice(i);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        });
    if (slices > 0) check_slice(0);
    for (auto& t : pool) t.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
    std::vector<verify::SignatureJob> jobs;
    for (std::size_t i = 0; i < slices; ++i) {
        for (const auto& p : slice_problems[i])
            if (!s.problems.full()) s.report.problems.push_back(p);
        s.report.rrsets_checked += slice_reports[i].rrsets_checked;
        jobs.insert(jobs.end(), slice_jobs[i].begin(), slice_jobs[i].end());
    }
    verify::verify_signatures(s.zone, s.keys, jobs, s.options, s.problems, s.report);
}

void WindowedVerifier::check_chains_in_background() {
    State& s = *state_;
    if (!s.has_apex || s.chains_started) return;
    s.chains_started = true;
    s.chains = std::thread([&s] {
        try {
            verify::Problems problems(s.chain_problems, s.options.max_problems);
            verify::check_chains(s.zone, s.options, problems);
        } catch (...) {
            s.chain_error = std::current_exception();
        }
    });
}

VerifyReport WindowedVerifier::finish() {
    State& s = *state_;
    if (s.chains_started) {
        s.chains.join();
        if (s.chain_error) std::rethrow_exception(s.chain_error);
        for (auto& p : s.chain_problems)
            if (!s.problems.full()) s.report.problems.push_back(std::move(p));
    } else if (s.has_apex && !s.problems.full()) {
        verify::check_chains(s.zone, s.options, s.problems);
    }
    return std::move(s.report);
}

VerifyReport verify_zone(const Zone& zone, const VerifyOptions& options) {
    WindowedVerifier verifier(zone, options);
    std::vector<const Node*> all;
    all.reserve(zone.nodes.size() + zone.nsec3_nodes.size());
    for (const Node& n : zone.nodes) all.push_back(&n);
    for (const Node& n : zone.nsec3_nodes) all.push_back(&n);
    verifier.check_window(all);
    return verifier.finish();
}

namespace verify {

// The zone-wide denial rules: exactly one of NSEC and NSEC3, and its chain.
void check_chains(const Zone& zone, const VerifyOptions& options, Problems& problems) {

    const bool has_nsec = std::any_of(zone.nodes.begin(), zone.nodes.end(),
                                      [](const Node& n) { return n.find(rrtype::NSEC) != nullptr; });
    const bool has_nsec3 = !zone.nsec3_nodes.empty() || zone.apex().find(rrtype::NSEC3PARAM) != nullptr ||
                           std::any_of(zone.nodes.begin(), zone.nodes.end(),
                                       [](const Node& n) { return n.find(rrtype::NSEC3) != nullptr; });
    const bool has_soa = zone.apex().find(rrtype::SOA) != nullptr;
    if (has_nsec && has_nsec3)
        problems.add(zone.origin, rrtype::NSEC, "the zone has both NSEC and NSEC3 records");
    else if (!has_nsec && !has_nsec3)
        problems.add(zone.origin, rrtype::NSEC, "no denial of existence records (neither NSEC nor NSEC3)");
    else if (has_soa && has_nsec)  // the TTL rule needs the SOA, reported missing already
        check_nsec_chain(zone, problems);
    else if (has_soa)
        check_nsec3_chain(zone, options, problems);
}

}  // namespace verify

}  // namespace zs::zone
