// A small signed zone built in memory for verifier tests: keys made with
// OpenSSL here, RRsets signed here, NSEC/NSEC3 chains built here, so the
// verifier is checked against code that is not its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "zone/rrsig.hpp"
#include "zone/zone_model.hpp"
#include "zone/zone_verifier.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace zs::zone::verifier_test {

struct EvpPkeyFree {
    void operator()(EVP_PKEY* key) const;
};

struct TestKey {
    std::unique_ptr<EVP_PKEY, EvpPkeyFree> pkey;
    std::uint8_t algorithm = 0;  // 13 (P-256) or 15 (Ed25519)
    std::uint16_t flags = 0;     // 256 ZSK, 257 KSK/CSK
    Wire dnskey;                 // DNSKEY RDATA
    std::uint16_t tag = 0;
    bool signs_dnskey = false;
    bool signs_data = false;
};

TestKey make_test_key(std::uint8_t algorithm, std::uint16_t flags, bool signs_dnskey, bool signs_data);
// RFC 4034 Appendix B, written here again so the library's key_tag is tested too.
std::uint16_t test_key_tag(const Wire& dnskey);
// Signs `data` as DNSSEC wants it (ECDSA as r|s, RFC 6605).
Wire test_sign(const TestKey& key, const Wire& data);

struct Nsec3Setup {
    Wire salt;
    std::uint16_t iterations = 0;
    bool opt_out = false;
    std::set<std::string> skip;  // presentation names left out of the chain on purpose
};

class TestSignedZone {
public:
    static constexpr std::uint32_t now = 1700000000;
    static constexpr std::uint32_t soa_minimum = 300;

    TestSignedZone();  // example. with a P-256 KSK and ZSK, unsigned, no chain yet

    Wire name(const std::string& text) const;
    void add(const std::string& owner, std::uint16_t type, std::uint32_t ttl, const Wire& rdata);
    void add_key(TestKey key);  // published in the DNSKEY RRset
    // The standard content: www, ns1, a.b (ENT b), *.wild, sub (delegation
    // with DS and glue), insecure and x.y (insecure delegations).
    void add_standard_names();

    void build_nsec_chain();
    void build_nsec3_chain(const Nsec3Setup& setup);
    // Signs every RRset that must be signed with every key of its role.
    void sign_all();
    // Replaces the RRSIGs of one RRset by fresh ones, tweaked before signing.
    void resign(const std::string& owner, std::uint16_t type,
                const std::function<void(RrsigFields&)>& tweak = {});
    // Adds one RRSIG by `key` to an RRset (for RRsets that must not be signed).
    void add_signature(Node& node, RRset& rrset, const TestKey& key,
                       const std::function<void(RrsigFields&)>& tweak = {});

    Node& node(const std::string& owner);
    RRset& rrset(const std::string& owner, std::uint16_t type);
    Node& nsec3_node_for(const std::string& owner);
    std::size_t signature_count() const;

    VerifyReport verify(VerifyMode mode = VerifyMode::Full, unsigned threads = 1) const;

    Zone zone;
    std::vector<TestKey> keys;
    Nsec3Setup nsec3;

private:
    void sign_rrset(Node& node, RRset& rrset, bool nsec3_owner);
};

// Rdata builders.
Wire a_rdata(std::uint8_t last_octet);
Wire txt_rdata(const std::string& text);
Wire ns_rdata(const Wire& target);
Wire ds_rdata(std::uint16_t tag);

// True if some problem contains all the fragments.
bool has_problem(const VerifyReport& report, std::initializer_list<std::string> fragments);
std::string problems_text(const VerifyReport& report);

}  // namespace zs::zone::verifier_test
