#include <algorithm>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "zone/verify_internal.hpp"

namespace zs::zone::verify {

void Problems::add(const Wire& owner, std::uint16_t type, const std::string& what) {
    if (full()) return;
    out_.push_back(name_to_text(owner) + " " + type_to_text(type) + ": " + what);
}

std::size_t Problems::room() const {
    if (max_ == 0) return std::numeric_limits<std::size_t>::max();
    return out_.size() >= max_ ? 0 : max_ - out_.size();
}

std::vector<std::size_t> ApexKeys::matching(std::uint8_t algorithm, std::uint16_t tag) const {
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < keys.size(); ++i)
        if (keys[i].algorithm == algorithm && keys[i].tag == tag) found.push_back(i);
    return found;
}

static bool is_denial_or_signature(std::uint16_t type) {
    return type == rrtype::RRSIG || type == rrtype::NSEC || type == rrtype::NSEC3;
}

std::vector<std::uint16_t> data_types(const Node& node) {
    std::vector<std::uint16_t> types;
    for (const auto& s : node.rrsets)
        if (!is_denial_or_signature(s.type)) types.push_back(s.type);
    std::sort(types.begin(), types.end());
    return types;
}

bool has_data(const Node& node) {
    return std::any_of(node.rrsets.begin(), node.rrsets.end(),
                       [](const RRset& s) { return !is_denial_or_signature(s.type); });
}

std::string type_list_text(const std::vector<std::uint16_t>& types) {
    std::string text;
    for (auto t : types) {
        if (!text.empty()) text += ' ';
        text += type_to_text(t);
    }
    return text.empty() ? "(none)" : text;
}

void compare_bitmap(const Wire& owner, std::uint16_t type, const std::vector<std::uint16_t>& found,
                    std::vector<std::uint16_t> expected, const std::string& context, Problems& problems) {
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    if (found == expected) return;
    std::vector<std::uint16_t> missing, extra;
    std::set_difference(expected.begin(), expected.end(), found.begin(), found.end(), std::back_inserter(missing));
    std::set_difference(found.begin(), found.end(), expected.begin(), expected.end(), std::back_inserter(extra));
    std::string what = "type bitmap" + context + " is wrong:";
    if (!missing.empty()) what += " missing " + type_list_text(missing) + ";";
    if (!extra.empty()) what += " lists absent " + type_list_text(extra) + ";";
    what.pop_back();
    problems.add(owner, type, what);
}

Wire read_name(const Wire& data, std::size_t& pos) {
    const std::size_t start = pos;
    while (true) {
        if (pos >= data.size()) throw Error("truncated domain name");
        const std::uint8_t len = get_u8(data, pos);
        if (len > 63) throw Error("bad label length " + std::to_string(len) + " in domain name");
        pos += len + 1u;
        if (pos - start > 255) throw Error("domain name longer than 255 octets");
        if (len == 0) break;
    }
    if (pos > data.size()) throw Error("truncated domain name");
    return data.substr(start, pos - start);
}

void parallel_for(std::size_t count, unsigned threads,
                  const std::function<void(std::size_t begin, std::size_t end, unsigned worker)>& body) {
    if (count == 0) return;
    // Small chunks taken from a shared counter keep threads busy when some
    // signatures (RSA) cost far more than others.
    const std::size_t chunk = std::clamp<std::size_t>(count / (std::max(1u, threads) * 16u), 16, 4096);
    const unsigned workers =
        static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), (count + chunk - 1) / chunk));
    if (workers <= 1) {
        body(0, count, 0);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&](unsigned worker) {
        try {
            for (std::size_t begin; (begin = next.fetch_add(chunk)) < count;)
                body(begin, std::min(count, begin + chunk), worker);
        } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
            next = count;
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(workers - 1);
    for (unsigned w = 1; w < workers; ++w) pool.emplace_back(run, w);
    run(0);
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace zs::zone::verify
