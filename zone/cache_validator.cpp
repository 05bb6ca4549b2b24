#include "zone/cache_validator.hpp"

#include <algorithm>
#include <map>

#include "common/error.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/name.hpp"
#include "zone/rr_type.hpp"
#include "zone/rrsig.hpp"

namespace zs::zone {

std::string to_string(const KeyRef& key) { return std::to_string(key.algorithm) + "/" + std::to_string(key.tag); }

namespace {

KeyRef key_of_dnskey(const Wire& dnskey) { return {key_tag(dnskey), dnskey_algorithm_of(dnskey)}; }

// A DNSKEY a validator may use for anything: a zone key, not revoked.
bool usable_zone_key(const Wire& dnskey) {
    if (dnskey.size() < 4) return false;
    const std::uint16_t flags = dnskey_flags_of(dnskey);
    return (flags & dnskey_flags::ZONE) && !(flags & dnskey_flags::REVOKE) && get_u8(dnskey, 2) == 3;
}

struct DsFields {
    KeyRef key;
    std::uint8_t digest_type = 0;
};

std::optional<DsFields> ds_fields(const Wire& ds) {
    if (ds.size() < 4) return std::nullopt;
    return DsFields{{get_u16(ds, 0), get_u8(ds, 2)}, get_u8(ds, 3)};
}

// A DS a validator can use (RFC 4035 §5.2: DS of unknown algorithms or
// digests are ignored; if none is left the delegation is insecure).
bool usable_ds(const Wire& ds) {
    auto f = ds_fields(ds);
    if (!f) return false;
    const AlgorithmInfo* info = find_algorithm(f->key.algorithm);
    return info && info->supported && (f->digest_type == digest_type::SHA256 || f->digest_type == digest_type::SHA384);
}

bool ds_matches(const Wire& origin, const Wire& ds, const Wire& dnskey) {
    auto f = ds_fields(ds);
    if (!f || !usable_ds(ds) || !(f->key == key_of_dnskey(dnskey))) return false;
    return make_ds_rdata(origin, dnskey, f->digest_type) == ds;
}

bool contains(const std::vector<KeyRef>& keys, const KeyRef& key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool has_key(const DnskeySet& set, const KeyRef& key) {
    return std::any_of(set.rdatas.begin(), set.rdatas.end(),
                       [&](const Wire& k) { return usable_zone_key(k) && key_of_dnskey(k) == key; });
}

std::string list_keys(const std::vector<KeyRef>& keys) {
    if (keys.empty()) return "no key";
    std::string text;
    for (const auto& k : keys) text += (text.empty() ? "" : ", ") + to_string(k);
    return text;
}

std::string describe_ds(const DsSet& set) {
    if (set.rdatas.empty()) return "{}";
    std::string text;
    for (const auto& ds : set.rdatas) {
        auto f = ds_fields(ds);
        text += (text.empty() ? "" : ", ") +
                (f ? to_string(f->key) + " digest " + std::to_string(f->digest_type) : std::string("(malformed)"));
    }
    return "{" + text + "}";
}

std::string describe_dnskeys(const DnskeySet& set) {
    std::string text;
    for (const auto& k : set.rdatas) {
        if (k.size() < 4) continue;
        const std::uint16_t flags = dnskey_flags_of(k);
        text += (text.empty() ? "" : ", ") + to_string(key_of_dnskey(k)) +
                ((flags & dnskey_flags::SEP) ? " (SEP)" : "") + ((flags & dnskey_flags::REVOKE) ? " (revoked)" : "");
    }
    return "{" + text + "}";
}

std::string period(UnixTime from, std::optional<UnixTime> until) {
    if (!until) return "published since " + format_iso8601(from) + " (current)";
    return "published " + format_iso8601(from) + " to " + format_iso8601(*until);
}

std::string cached_until(std::optional<UnixTime> until, std::uint32_t ttl, Seconds propagation) {
    if (!until) return "is still published";
    return "may be cached until " + format_iso8601(*until + propagation + ttl);
}

bool insecure(const DsSet& set) { return std::none_of(set.rdatas.begin(), set.rdatas.end(), usable_ds); }

// The DS set validates the DNSKEY RRset: a DS matches a key that signed it.
bool dnskey_set_secure(const Wire& origin, const DsSet& ds, const DnskeySet& dnskey) {
    for (const auto& key : dnskey.rdatas) {
        if (!usable_zone_key(key) || !contains(dnskey.signers, key_of_dnskey(key))) continue;
        for (const auto& d : ds.rdatas)
            if (ds_matches(origin, d, key)) return true;
    }
    return false;
}

bool group_validates(const SignedGroup& group, const DnskeySet& dnskey) {
    return std::any_of(group.signers.begin(), group.signers.end(),
                       [&](const KeyRef& k) { return has_key(dnskey, k); });
}

template <typename T>
void append_version(std::vector<Published<T>>& series, const T& content, UnixTime at, const char* what) {
    if (!series.empty()) {
        Published<T>& last = series.back();
        if (at < last.from)
            throw Error(std::string("publication history: ") + what + " published at " + format_iso8601(at) +
                        ", before the previous version (" + format_iso8601(last.from) + ")");
        if (last.content == content) return;
        if (at == last.from) {  // replaced in the same instant: never served
            last.content = content;
            if (series.size() >= 2 && series[series.size() - 2].content == content) {
                series.pop_back();
                series.back().until.reset();
            }
            return;
        }
        last.until = at;
    }
    series.push_back({content, at, std::nullopt});
}

}  // namespace

ZoneSnapshot snapshot_of(const Zone& zone) {
    ZoneSnapshot snapshot;
    std::map<std::vector<KeyRef>, SignedGroup> groups;
    auto signers_of = [](const RRset& set) {
        std::vector<KeyRef> keys;
        for (const auto& sig : set.rrsigs) {
            RrsigFields f = decode_rrsig_rdata(sig);
            keys.push_back({f.key_tag, f.algorithm});
        }
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        return keys;
    };
    auto add = [&](const Node& node, const RRset& set) {
        SignedGroup& g = groups[signers_of(set)];
        if (g.rrsets++ == 0) g.example = name_to_text(node.owner) + " " + type_to_text(set.type);
        g.ttl = std::max(g.ttl, set.ttl);
    };
    for (std::size_t i = 0; i < zone.nodes.size(); ++i) {
        const Node& node = zone.nodes[i];
        if (node.kind == NodeKind::Occluded) continue;
        for (const auto& set : node.rrsets) {
            if (i == 0 && set.type == rrtype::DNSKEY) {
                snapshot.dnskey.rdatas = set.rdatas;
                snapshot.dnskey.ttl = set.ttl;
                snapshot.dnskey.signers = signers_of(set);
                continue;
            }
            if (node.kind == NodeKind::Delegation && set.type != rrtype::DS && set.type != rrtype::NSEC) continue;
            add(node, set);
        }
    }
    for (const auto& node : zone.nsec3_nodes)
        for (const auto& set : node.rrsets) add(node, set);
    for (auto& [signers, group] : groups) {
        group.signers = signers;
        snapshot.data.push_back(std::move(group));
    }
    return snapshot;
}

void PublicationHistory::publish_ds(const DsSet& ds, UnixTime at) {
    DsSet sorted = ds;
    std::sort(sorted.rdatas.begin(), sorted.rdatas.end());
    append_version(ds_, sorted, at, "DS set");
}

void PublicationHistory::publish_zone(const ZoneSnapshot& snapshot, UnixTime at) {
    DnskeySet dnskey = snapshot.dnskey;
    std::sort(dnskey.rdatas.begin(), dnskey.rdatas.end());
    std::sort(dnskey.signers.begin(), dnskey.signers.end());
    append_version(dnskey_, dnskey, at, "DNSKEY RRset");
    std::vector<SignedGroup> data = snapshot.data;
    std::sort(data.begin(), data.end(), [](const auto& a, const auto& b) { return a.signers < b.signers; });
    append_version(data_, data, at, "zone data");
}

bool may_be_cached(UnixTime from, std::optional<UnixTime> until, std::uint32_t ttl, Seconds propagation,
                   UnixTime now) {
    if (from > now) return false;
    return !until || now < *until + propagation + static_cast<Seconds>(ttl);
}

std::optional<std::string> check_validation(const PublicationHistory& history, UnixTime now,
                                            const PropagationDelays& delays) {
    // Versions that may be in a cache now.
    std::vector<const Published<DsSet>*> ds_versions;
    for (const auto& v : history.ds())
        if (may_be_cached(v.from, v.until, v.content.ttl, delays.parent, now)) ds_versions.push_back(&v);
    std::vector<const Published<DnskeySet>*> dnskey_versions;
    for (const auto& v : history.dnskey())
        if (may_be_cached(v.from, v.until, v.content.ttl, delays.zone, now)) dnskey_versions.push_back(&v);
    struct GroupVersion {
        const SignedGroup* group;
        const Published<std::vector<SignedGroup>>* version;
    };
    std::vector<GroupVersion> groups;
    for (const auto& v : history.data())
        for (const auto& g : v.content)
            if (may_be_cached(v.from, v.until, g.ttl, delays.zone, now)) groups.push_back({&g, &v});

    for (const auto* ds : ds_versions) {
        if (insecure(ds->content)) continue;
        const std::string ds_text = "the parent's DS set " + describe_ds(ds->content) + " (" +
                                    period(ds->from, ds->until) + ", TTL " + std::to_string(ds->content.ttl) + ")";
        for (const auto* dnskey : dnskey_versions) {
            const std::string dnskey_text = "the DNSKEY RRset " + describe_dnskeys(dnskey->content) +
                                            " signed by " + list_keys(dnskey->content.signers) + " (" +
                                            period(dnskey->from, dnskey->until) + ", TTL " +
                                            std::to_string(dnskey->content.ttl) + ")";
            if (!dnskey_set_secure(history.origin(), ds->content, dnskey->content))
                return "validation gap: a validator holding " + ds_text + " and " + dnskey_text +
                       " cannot validate the DNSKEY RRset: no DS matches a key that signs it";
            for (const auto& gv : groups) {
                if (group_validates(*gv.group, dnskey->content)) continue;
                const SignedGroup& g = *gv.group;
                return "validation gap: a validator holding " + ds_text + ", " + dnskey_text + " and " +
                       g.example + (g.rrsets > 1 ? " (and " + std::to_string(g.rrsets - 1) + " more RRsets)" : "") +
                       " signed by " + list_keys(g.signers) + " (" + period(gv.version->from, gv.version->until) +
                       ", TTL " + std::to_string(g.ttl) + ") cannot validate " + g.example +
                       ": none of its signing keys is in that DNSKEY RRset";
            }
        }
    }
    return std::nullopt;
}

std::optional<std::string> check_destroy(const PublicationHistory& history, const KeyRef& key, UnixTime now,
                                         const PropagationDelays& delays) {
    for (const auto& v : history.ds()) {
        if (!may_be_cached(v.from, v.until, v.content.ttl, delays.parent, now)) continue;
        for (const auto& ds : v.content.rdatas) {
            auto f = ds_fields(ds);
            if (f && f->key == key)
                return "its DS (parent's DS set " + period(v.from, v.until) + ", TTL " +
                       std::to_string(v.content.ttl) + ") " + cached_until(v.until, v.content.ttl, delays.parent);
        }
    }
    for (const auto& v : history.dnskey()) {
        if (!may_be_cached(v.from, v.until, v.content.ttl, delays.zone, now)) continue;
        const std::string where = "(DNSKEY RRset " + period(v.from, v.until) + ", TTL " +
                                  std::to_string(v.content.ttl) + ") " +
                                  cached_until(v.until, v.content.ttl, delays.zone);
        for (const auto& k : v.content.rdatas)
            if (k.size() >= 4 && key_of_dnskey(k) == key) return "its DNSKEY " + where;
        if (contains(v.content.signers, key)) return "its RRSIG over the DNSKEY RRset " + where;
    }
    for (const auto& v : history.data())
        for (const auto& g : v.content)
            if (may_be_cached(v.from, v.until, g.ttl, delays.zone, now) && contains(g.signers, key))
                return "its RRSIG over " + g.example + " (" + period(v.from, v.until) + ", TTL " +
                       std::to_string(g.ttl) + ") " + cached_until(v.until, g.ttl, delays.zone);
    return std::nullopt;
}

}  // namespace zs::zone
