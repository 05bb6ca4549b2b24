// Apex checks (checklist rules 4, 7, 18, 24) and the DNSKEYs that the rest of
// the verifier checks signatures against.
#include <algorithm>
#include <map>

#include "common/error.hpp"
#include "zone/verify_internal.hpp"

namespace zs::zone::verify {

namespace {

std::string key_text(const ApexKey& key) {
    return "key tag " + std::to_string(key.tag) + " (algorithm " + std::to_string(key.algorithm) + ")";
}

void add_unique(std::vector<std::uint8_t>& list, std::uint8_t value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

void make_verifier(ApexKey& key, const Wire& apex, Problems& problems) {
    const AlgorithmInfo* info = find_algorithm(key.algorithm);
    if (!info || !info->supported) {
        problems.add(apex, rrtype::DNSKEY,
                     key_text(key) + ": algorithm " + algorithm_name(key.algorithm) +
                         " cannot be verified, its signatures are not checked");
        return;
    }
    try {
        key.verifier = std::make_unique<PublicKeyVerifier>(key.algorithm, dnskey_public_key_of(key.rdata));
    } catch (const Error& e) {
        problems.add(apex, rrtype::DNSKEY, key_text(key) + ": unusable public key: " + e.what());
    }
}

ApexKeys collect_keys(const Node& apex, const VerifyOptions& options, Problems& problems) {
    ApexKeys result;
    const RRset* dnskeys = apex.find(rrtype::DNSKEY);
    if (!dnskeys || dnskeys->rdatas.empty()) {
        problems.add(apex.owner, rrtype::DNSKEY, "no DNSKEY RRset at the apex");
        return result;
    }
    std::vector<std::uint8_t> all_algorithms;
    for (const Wire& rdata : dnskeys->rdatas) {
        if (rdata.size() < 5) {
            problems.add(apex.owner, rrtype::DNSKEY, "malformed DNSKEY record (" + std::to_string(rdata.size()) +
                                                         " octets of RDATA)");
            continue;
        }
        ApexKey key;
        key.rdata = rdata;
        key.flags = dnskey_flags_of(rdata);
        key.protocol = get_u8(rdata, 2);
        key.algorithm = dnskey_algorithm_of(rdata);
        key.tag = key_tag(rdata);
        key.zone_key = (key.flags & dnskey_flags::ZONE) && key.protocol == 3;
        key.sep = key.zone_key && (key.flags & dnskey_flags::SEP) && !(key.flags & dnskey_flags::REVOKE);
        if (key.protocol != 3)
            problems.add(apex.owner, rrtype::DNSKEY, key_text(key) + ": protocol " + std::to_string(key.protocol) +
                                                         ", must be 3");
        add_unique(all_algorithms, key.algorithm);
        if (key.zone_key) add_unique(result.algorithms, key.algorithm);
        if (key.sep) add_unique(result.sep_algorithms, key.algorithm);
        if (key.zone_key && options.mode != VerifyMode::Structure) make_verifier(key, apex.owner, problems);
        result.keys.push_back(std::move(key));
    }
    // Keys that sign without being published: matched and verified, but
    // they bring no algorithm into rule 1 (they are not in the RRset).
    for (const Wire& rdata : options.unpublished_keys) {
        if (rdata.size() < 5 || std::find(dnskeys->rdatas.begin(), dnskeys->rdatas.end(), rdata) != dnskeys->rdatas.end())
            continue;
        ApexKey key;
        key.rdata = rdata;
        key.flags = dnskey_flags_of(rdata);
        key.protocol = get_u8(rdata, 2);
        key.algorithm = dnskey_algorithm_of(rdata);
        key.tag = key_tag(rdata);
        key.zone_key = (key.flags & dnskey_flags::ZONE) && key.protocol == 3;
        key.published = false;
        if (key.zone_key && options.mode != VerifyMode::Structure) make_verifier(key, apex.owner, problems);
        result.keys.push_back(std::move(key));
    }
    for (auto algorithm : all_algorithms)
        if (std::find(result.algorithms.begin(), result.algorithms.end(), algorithm) == result.algorithms.end())
            problems.add(apex.owner, rrtype::DNSKEY,
                         "no key with the Zone flag for algorithm " + algorithm_name(algorithm));
    // Rule 4: a key tag shared by two keys makes validators try both.
    std::map<std::uint16_t, unsigned> tags;
    for (const auto& key : result.keys)
        if (key.published && ++tags[key.tag] == 2)
            problems.add(apex.owner, rrtype::DNSKEY, "key tag " + std::to_string(key.tag) + " is shared by two keys");
    std::sort(result.algorithms.begin(), result.algorithms.end());
    std::sort(result.sep_algorithms.begin(), result.sep_algorithms.end());
    return result;
}

}  // namespace

ApexKeys check_apex(const Zone& zone, const VerifyOptions& options, Problems& problems) {
    const Node& apex = zone.apex();
    const RRset* soa = apex.find(rrtype::SOA);
    if (!soa || soa->rdatas.empty())
        problems.add(apex.owner, rrtype::SOA, "no SOA record at the apex");
    else if (soa->rdatas.size() != 1)
        problems.add(apex.owner, rrtype::SOA, std::to_string(soa->rdatas.size()) + " SOA records, must be exactly one");
    const RRset* ns = apex.find(rrtype::NS);
    if (!ns || ns->rdatas.empty()) problems.add(apex.owner, rrtype::NS, "no NS records at the apex");
    if (apex.find(rrtype::DS)) problems.add(apex.owner, rrtype::DS, "DS record at the apex");
    for (std::size_t i = 1; i < zone.nodes.size(); ++i)
        if (zone.nodes[i].find(rrtype::SOA)) problems.add(zone.nodes[i].owner, rrtype::SOA, "SOA record below the apex");
    return collect_keys(apex, options, problems);
}

}  // namespace zs::zone::verify
