// Authenticated denial of existence: the NSEC chain (RFC 4034 §4, RFC 4035
// §2.3) and the NSEC3 chain (RFC 5155 §7.1). Pure functions of the zone's
// data: call after every other apex record (DNSKEY, CDS, NSEC3PARAM) is in
// place and before signing. Zone::classify() must have run.
#pragma once

#include <cstdint>

#include "zone/wire.hpp"
#include "zone/zone_model.hpp"

namespace zs::zone {

// Adds one NSEC RRset (with the given TTL) to every authoritative name and
// every delegation; glue and occluded names get none.
void add_nsec_chain(Zone& zone, std::uint32_t ttl);

struct Nsec3Parameters {
    std::uint16_t iterations = 0;
    Wire salt;          // raw octets, at most 255
    bool opt_out = false;
};

// NSEC3PARAM RDATA for the apex (flags 0, RFC 5155 §4.1.2).
Wire make_nsec3param_rdata(const Nsec3Parameters& p);

// Fills zone.nsec3_nodes with the chain: one NSEC3 per authoritative name,
// per delegation (with opt-out only those with DS), and per empty
// non-terminal leading to one of those. Throws zs::Error on a hash collision.
void add_nsec3_chain(Zone& zone, const Nsec3Parameters& p, std::uint32_t ttl);

// Removes NSEC/NSEC3/NSEC3PARAM records and all RRSIGs (before re-signing).
void strip_dnssec(Zone& zone);

}  // namespace zs::zone
