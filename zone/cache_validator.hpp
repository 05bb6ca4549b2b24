// A model of validating resolvers' caches, for the key rollover simulator:
// given everything that was actually published (the parent's DS sets, the
// zone's DNSKEY RRsets and who signed what) and when, can every validator
// still validate every RRset of the zone now, whatever mix of cached and
// fresh data it holds?
//
// It deliberately knows nothing of key states, policies or the planner's
// rules: it looks only at published DNS data and TTLs, so it can catch a
// planner (or a policy edit) that gets the timing wrong.
//
// Caching model. A version of an RRset published at the primary from `from`
// until `until` may be served by a secondary (or the parent's servers) until
// `until` + propagation delay, and a resolver that fetched it at the last
// moment keeps it for its TTL: at time `now` it may still be cached iff
// from <= now < until + propagation + TTL. The current version is always
// fresh. A resolver may hold any cacheable DS set, any cacheable DNSKEY
// RRset (with its RRSIGs) and, for each other RRset, any cacheable version
// of it with its RRSIGs, in every combination. Validation (RFC 4035 §5):
// some DS of the DS set matches (key tag, algorithm, digest) a DNSKEY of the
// DNSKEY RRset that signed that RRset; then an RRset validates if one of its
// signatures is by a key (tag, algorithm) of that DNSKEY RRset. One working
// path is enough (RFC 6840 §5.11). An empty DS set, or one with no DS of a
// supported digest, makes the zone insecure: nothing to validate, no gap.
//
// Key tags identify keys: a zone never has two keys with one tag and
// algorithm at a time (the key database refuses it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time_format.hpp"
#include "zone/wire.hpp"
#include "zone/zone_model.hpp"

namespace zs::zone {

// A key as an RRSIG names it.
struct KeyRef {
    std::uint16_t tag = 0;
    std::uint8_t algorithm = 0;
    friend bool operator==(const KeyRef&, const KeyRef&) = default;
    friend auto operator<=>(const KeyRef&, const KeyRef&) = default;
};
std::string to_string(const KeyRef& key);  // "13/12345" (algorithm/tag)

// The DS set the parent serves.
struct DsSet {
    std::vector<Wire> rdatas;  // DS RDATA (key tag, algorithm, digest type, digest)
    std::uint32_t ttl = 0;
    friend bool operator==(const DsSet&, const DsSet&) = default;
};

// The zone's DNSKEY RRset and the keys of the RRSIGs over it.
struct DnskeySet {
    std::vector<Wire> rdatas;     // DNSKEY RDATA
    std::uint32_t ttl = 0;
    std::vector<KeyRef> signers;  // sorted, unique
    friend bool operator==(const DnskeySet&, const DnskeySet&) = default;
};

// The zone's other signed RRsets, grouped by the set of keys that signed
// them; a group's signatures may be cached for the largest TTL in it.
struct SignedGroup {
    std::vector<KeyRef> signers;  // sorted, unique; empty: unsigned (a defect)
    std::uint32_t ttl = 0;        // largest TTL of its RRsets
    std::size_t rrsets = 0;
    std::string example;          // one of them, "www.example. A"
    friend bool operator==(const SignedGroup&, const SignedGroup&) = default;
};

// What the zone published at one time (the parent's part kept apart: it
// changes at other times).
struct ZoneSnapshot {
    DnskeySet dnskey;
    std::vector<SignedGroup> data;  // sorted by signers
};

// The DNSSEC content of a signed zone: its DNSKEY RRset and who signed it,
// and every RRset that must be signed (authoritative data, DS and NSEC at
// delegations, NSEC3) grouped by signers. The zone must have been built with
// keep_dnssec_records and classified.
ZoneSnapshot snapshot_of(const Zone& zone);

// How long after a change the old data may still be served.
struct PropagationDelays {
    Seconds zone = 0;    // primary to the last secondary
    Seconds parent = 0;  // the parent's DS change to its last server
};

// One version of one kind of data and when it was published.
template <typename T>
struct Published {
    T content;
    UnixTime from = 0;
    std::optional<UnixTime> until;  // unset: still current
};

// Everything published so far, oldest first, in three independent series
// (a new version starts only when the content changed).
class PublicationHistory {
public:
    explicit PublicationHistory(Wire origin) : origin_(std::move(origin)) {}

    // Times must not go backwards within a series.
    void publish_ds(const DsSet& ds, UnixTime at);
    void publish_zone(const ZoneSnapshot& snapshot, UnixTime at);

    const Wire& origin() const { return origin_; }
    const std::vector<Published<DsSet>>& ds() const { return ds_; }
    const std::vector<Published<DnskeySet>>& dnskey() const { return dnskey_; }
    const std::vector<Published<std::vector<SignedGroup>>>& data() const { return data_; }

private:
    Wire origin_;
    std::vector<Published<DsSet>> ds_;
    std::vector<Published<DnskeySet>> dnskey_;
    std::vector<Published<std::vector<SignedGroup>>> data_;
};

// Whether a version may be in some cache at `now` (see the top of the file).
bool may_be_cached(UnixTime from, std::optional<UnixTime> until, std::uint32_t ttl, Seconds propagation,
                   UnixTime now);

// The first combination of cacheable versions with which a validator cannot
// validate some RRset at `now`, in words (which RRset, which versions,
// published when); nullopt if every combination validates (or the zone is
// insecure in it).
std::optional<std::string> check_validation(const PublicationHistory& history, UnixTime now,
                                            const PropagationDelays& delays);

// Whether a record of the key (its DNSKEY, a DS for it, an RRSIG by it) may
// still be cached or served at `now`: the reason in words, nullopt if none.
std::optional<std::string> check_destroy(const PublicationHistory& history, const KeyRef& key, UnixTime now,
                                         const PropagationDelays& delays);

}  // namespace zs::zone
