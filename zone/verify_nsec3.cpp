// The NSEC3 chain (checklist rules 13-17) and the apex NSEC3PARAM. The set of
// names that need an NSEC3 is computed here from the zone, independently of
// the signer's chain builder, so a bug there cannot hide itself.
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "zone/nsec3_hash.hpp"
#include "zone/type_bitmap.hpp"
#include "zone/verify_internal.hpp"

namespace zs::zone::verify {

namespace {

// RFC 9276 §3.2; BIND 9.20 refuses zones above this.
constexpr std::uint16_t max_iterations = 50;
constexpr std::uint8_t opt_out_flag = 0x01;
constexpr std::size_t sha1_size = 20;

struct Nsec3Params {
    std::uint8_t algorithm = 0;
    std::uint8_t flags = 0;
    std::uint16_t iterations = 0;
    Wire salt;
};

struct Nsec3Record {
    const Node* node = nullptr;
    Wire hash;  // from the owner name
    Nsec3Params params;
    Wire next_hash;
    std::vector<std::uint16_t> types;
};

std::string hash_text(const Wire& hash) { return to_base32hex(hash.data(), hash.size()); }

std::string params_text(const Nsec3Params& p) {
    return "algorithm " + std::to_string(p.algorithm) + ", iterations " + std::to_string(p.iterations) +
           ", salt " + (p.salt.empty() ? std::string("-") : to_hex(p.salt));
}

// Hash algorithm, flags, iterations, salt: the common head of NSEC3 and
// NSEC3PARAM RDATA (RFC 5155 §3.2, §4.2). Advances pos.
Nsec3Params parse_params(const Wire& rdata, std::size_t& pos) {
    if (rdata.size() < 5) throw Error("truncated RDATA");
    Nsec3Params p;
    p.algorithm = get_u8(rdata, 0);
    p.flags = get_u8(rdata, 1);
    p.iterations = get_u16(rdata, 2);
    const std::size_t salt_length = get_u8(rdata, 4);
    pos = 5 + salt_length;
    if (pos > rdata.size()) throw Error("truncated salt");
    p.salt = rdata.substr(5, salt_length);
    return p;
}

// The hash an NSEC3 owner name stands for: its first label in base32hex,
// directly below the apex.
std::optional<Wire> owner_hash(const Wire& owner, const Wire& origin) {
    if (owner.empty() || owner[0] == 0 || parent_of(owner) != origin) return std::nullopt;
    auto bytes = from_base32hex(std::string_view(owner).substr(1, get_u8(owner, 0)));
    if (!bytes || bytes->size() != sha1_size) return std::nullopt;
    return Wire(bytes->begin(), bytes->end());
}

// A name the chain must (or, under opt-out, may) cover.
struct ExpectedName {
    enum class Kind { Data, Delegation, EmptyNonTerminal };
    Wire name;
    Kind kind = Kind::Data;
    bool required = true;
    std::vector<std::uint16_t> types;  // the bitmap its NSEC3 must have
    Wire hash;
    bool found = false;
};

class Nsec3Checker {
public:
    Nsec3Checker(const Zone& zone, const VerifyOptions& options, Problems& problems)
        : zone_(zone), options_(options), problems_(problems) {}
    void run();

private:
    void read_records();
    void check_nsec3param();
    void check_record_params();
    void check_chain_order();
    void check_coverage();
    std::vector<ExpectedName> expected_names(bool opt_out) const;

    const Zone& zone_;
    const VerifyOptions& options_;
    Problems& problems_;
    std::vector<Nsec3Record> records_;
    std::optional<Nsec3Params> chain_;  // from the NSEC3PARAM, else the first NSEC3
};

void Nsec3Checker::run() {
    read_records();
    check_nsec3param();
    if (records_.empty()) {
        problems_.add(zone_.origin, rrtype::NSEC3, "no usable NSEC3 records");
        return;
    }
    if (!chain_) chain_ = records_.front().params;
    check_record_params();
    check_chain_order();
    if (chain_->algorithm != nsec3_hash_sha1) return;  // cannot hash: reported per record
    if (chain_->iterations > max_iterations) {
        problems_.add(zone_.origin, rrtype::NSEC3PARAM,
                      "iterations " + std::to_string(chain_->iterations) + " exceed " +
                          std::to_string(max_iterations) + " (RFC 9276; BIND 9.20 refuses such zones)");
        return;  // hashing every name that often is what RFC 9276 warns of
    }
    check_coverage();
}

void Nsec3Checker::read_records() {
    const std::uint32_t ttl = zone_.soa_minimum_ttl();
    for (const Node& node : zone_.nodes)
        if (node.find(rrtype::NSEC3))
            problems_.add(node.owner, rrtype::NSEC3, "NSEC3 record at a name that has other data");
    for (const Node& node : zone_.nsec3_nodes) {
        const RRset* set = node.find(rrtype::NSEC3);
        if (!set || set->rdatas.empty()) continue;
        if (set->rdatas.size() != 1) {
            problems_.add(node.owner, rrtype::NSEC3,
                          std::to_string(set->rdatas.size()) + " NSEC3 records at one name, must be exactly one");
            continue;
        }
        if (set->ttl != ttl)
            problems_.add(node.owner, rrtype::NSEC3,
                          "TTL " + std::to_string(set->ttl) + " differs from min(SOA MINIMUM, SOA TTL) = " +
                              std::to_string(ttl) + " (RFC 9077)");
        auto hash = owner_hash(node.owner, zone_.origin);
        if (!hash) {
            problems_.add(node.owner, rrtype::NSEC3, "owner is not a base32hex SHA-1 hash directly below the apex");
            continue;
        }
        Nsec3Record record;
        record.node = &node;
        record.hash = std::move(*hash);
        const Wire& rdata = set->rdatas.front();
        try {
            std::size_t pos = 0;
            record.params = parse_params(rdata, pos);
            if (pos >= rdata.size()) throw Error("truncated next hashed owner");
            const std::size_t hash_length = get_u8(rdata, pos);
            if (pos + 1 + hash_length > rdata.size()) throw Error("truncated next hashed owner");
            record.next_hash = rdata.substr(pos + 1, hash_length);
            pos += 1 + hash_length;
            record.types = decode_type_bitmap(rdata, pos);
        } catch (const Error& e) {
            problems_.add(node.owner, rrtype::NSEC3, std::string("malformed NSEC3: ") + e.what());
            continue;
        }
        records_.push_back(std::move(record));
    }
}

void Nsec3Checker::check_nsec3param() {
    const Wire& apex = zone_.origin;
    const RRset* param = zone_.apex().find(rrtype::NSEC3PARAM);
    if (!param || param->rdatas.empty()) {
        problems_.add(apex, rrtype::NSEC3PARAM, "missing at the apex of an NSEC3-signed zone");
        return;
    }
    if (param->rdatas.size() != 1) {
        problems_.add(apex, rrtype::NSEC3PARAM,
                      std::to_string(param->rdatas.size()) + " NSEC3PARAM records, must be exactly one");
        return;
    }
    try {
        std::size_t pos = 0;
        Nsec3Params p = parse_params(param->rdatas.front(), pos);
        if (pos != param->rdatas.front().size()) throw Error("trailing octets");
        if (p.flags != 0) problems_.add(apex, rrtype::NSEC3PARAM, "flags " + std::to_string(p.flags) + ", must be 0");
        chain_ = std::move(p);
    } catch (const Error& e) {
        problems_.add(apex, rrtype::NSEC3PARAM, std::string("malformed: ") + e.what());
    }
}

void Nsec3Checker::check_record_params() {
    const bool opt_out = records_.front().params.flags & opt_out_flag;
    for (const auto& r : records_) {
        const Wire& owner = r.node->owner;
        if (r.params.algorithm != nsec3_hash_sha1)
            problems_.add(owner, rrtype::NSEC3,
                          "hash algorithm " + std::to_string(r.params.algorithm) + ", only 1 (SHA-1) is defined");
        if (r.params.algorithm != chain_->algorithm || r.params.iterations != chain_->iterations ||
            r.params.salt != chain_->salt)
            problems_.add(owner, rrtype::NSEC3,
                          "parameters (" + params_text(r.params) + ") differ from the chain's (" +
                              params_text(*chain_) + ")");
        if (r.params.flags & ~opt_out_flag)
            problems_.add(owner, rrtype::NSEC3, "unknown flags " + std::to_string(r.params.flags));
        if (static_cast<bool>(r.params.flags & opt_out_flag) != opt_out)
            problems_.add(owner, rrtype::NSEC3, "opt-out flag differs from the rest of the chain");
        if (r.next_hash.size() != sha1_size)
            problems_.add(owner, rrtype::NSEC3,
                          "next hashed owner has " + std::to_string(r.next_hash.size()) + " octets, expected 20");
    }
}

void Nsec3Checker::check_chain_order() {
    // Order by hash value ourselves rather than trust the owners' order.
    std::sort(records_.begin(), records_.end(),
              [](const Nsec3Record& a, const Nsec3Record& b) { return a.hash < b.hash; });
    for (std::size_t i = 0; i < records_.size() && !problems_.full(); ++i) {
        const Wire& expected = records_[(i + 1) % records_.size()].hash;
        if (records_[i].next_hash != expected)
            problems_.add(records_[i].node->owner, rrtype::NSEC3,
                          "next hashed owner is " + hash_text(records_[i].next_hash) + ", expected " +
                              hash_text(expected) + " (chain broken)");
    }
}

std::vector<ExpectedName> Nsec3Checker::expected_names(bool opt_out) const {
    std::vector<ExpectedName> names;
    // Empty non-terminals: names between the apex and a name with data that
    // have no data themselves. Each is required if some name below it is.
    std::unordered_map<Wire, bool> ents;
    auto is_data_node = [&](const Wire& name) {
        const Node* n = zone_.find(name);
        return n && has_data(*n);
    };
    for (const Node& node : zone_.nodes) {
        if (node.kind == NodeKind::Occluded || !has_data(node)) continue;
        ExpectedName e;
        e.name = node.owner;
        if (node.kind == NodeKind::Delegation) {
            const bool secure = node.find(rrtype::DS) != nullptr;
            e.kind = ExpectedName::Kind::Delegation;
            e.required = secure || !opt_out;  // RFC 5155 §6: opt-out skips only insecure delegations
            e.types = {rrtype::NS};
            if (secure) e.types.insert(e.types.end(), {rrtype::DS, rrtype::RRSIG});
        } else {
            e.types = data_types(node);
            e.types.push_back(rrtype::RRSIG);
        }
        const bool required = e.required;
        names.push_back(std::move(e));
        if (node.owner == zone_.origin) continue;
        for (Wire above = parent_of(node.owner); above != zone_.origin && above.size() > zone_.origin.size();
             above = parent_of(above)) {
            if (is_data_node(above)) continue;
            auto [it, inserted] = ents.try_emplace(above, required);
            if (!inserted) {
                // Names above were marked at least this strongly already.
                if (it->second || !required) break;
                it->second = true;
            }
        }
    }
    for (auto& [name, required] : ents) {
        ExpectedName e;
        e.name = name;
        e.kind = ExpectedName::Kind::EmptyNonTerminal;
        e.required = required;
        names.push_back(std::move(e));
    }
    return names;
}

void Nsec3Checker::check_coverage() {
    const bool opt_out = records_.front().params.flags & opt_out_flag;
    std::vector<ExpectedName> names = expected_names(opt_out);
    std::vector<std::pair<Wire, Wire>> occluded;  // (name, hash)
    for (const Node& node : zone_.nodes)
        if (node.kind == NodeKind::Occluded) occluded.emplace_back(node.owner, Wire());

    const std::size_t total = names.size() + occluded.size();
    parallel_for(total, options_.threads, [&](std::size_t begin, std::size_t end, unsigned) {
        for (std::size_t i = begin; i < end; ++i) {
            if (i < names.size())
                names[i].hash = nsec3_hash(names[i].name, chain_->salt, chain_->iterations);
            else
                occluded[i - names.size()].second =
                    nsec3_hash(occluded[i - names.size()].first, chain_->salt, chain_->iterations);
        }
    });
    // ENTs came from a hash map: restore a stable order for the messages.
    std::sort(names.begin(), names.end(),
              [](const ExpectedName& a, const ExpectedName& b) { return canonical_compare(a.name, b.name) < 0; });

    std::unordered_map<Wire, std::size_t> by_hash;
    by_hash.reserve(names.size());
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto [it, inserted] = by_hash.try_emplace(names[i].hash, i);
        if (!inserted)
            problems_.add(names[i].name, rrtype::NSEC3,
                          "hash collision with " + name_to_text(names[it->second].name) + " (" +
                              hash_text(names[i].hash) + "); choose another salt");
    }
    std::unordered_map<Wire, const Wire*> occluded_by_hash;
    for (const auto& [name, hash] : occluded) occluded_by_hash.emplace(hash, &name);

    for (const auto& r : records_) {
        if (problems_.full()) return;
        auto it = by_hash.find(r.hash);
        if (it == by_hash.end()) {
            auto occ = occluded_by_hash.find(r.hash);
            problems_.add(r.node->owner, rrtype::NSEC3,
                          occ != occluded_by_hash.end()
                              ? "NSEC3 for the occluded name " + name_to_text(*occ->second) + " (below a zone cut)"
                              : std::string("matches no name of the zone"));
            continue;
        }
        ExpectedName& e = names[it->second];
        e.found = true;
        compare_bitmap(r.node->owner, rrtype::NSEC3, r.types, e.types, " (for " + name_to_text(e.name) + ")",
                       problems_);
    }
    for (const auto& e : names) {
        if (e.found || !e.required) continue;
        std::string what;
        switch (e.kind) {
            case ExpectedName::Kind::Data: what = "name with data has no NSEC3 record"; break;
            case ExpectedName::Kind::Delegation:
                what = opt_out ? "delegation with DS has no NSEC3 record (opt-out skips only delegations without DS)"
                               : "delegation has no NSEC3 record (the chain does not use opt-out)";
                break;
            case ExpectedName::Kind::EmptyNonTerminal: what = "empty non-terminal has no NSEC3 record"; break;
        }
        problems_.add(e.name, rrtype::NSEC3, what + " (hash " + hash_text(e.hash) + ")");
    }
}

}  // namespace

void check_nsec3_chain(const Zone& zone, const VerifyOptions& options, Problems& problems) {
    Nsec3Checker checker(zone, options, problems);
    checker.run();
}

}  // namespace zs::zone::verify
