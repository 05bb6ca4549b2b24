// The RFC example signatures reproduced through the whole signing path: the
// example's private key in the OpenSSL file signer, the RRset in the zone
// model, RrsetSigner building the RFC 4034 §3.1.8.1 signed data and the RRSIG.
// RSA PKCS#1 v1.5 and Ed25519 are deterministic: the RRSIG must come out
// byte for byte as the RFC prints it. ECDSA is randomised: it must verify.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/atomic_file.hpp"
#include "hsm/openssl_file_signer.hpp"
#include "keymgr/zone_keys.hpp"
#include "signer/signing_engine.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/master_file.hpp"
#include "zone/rrsig.hpp"

namespace fs = std::filesystem;
using namespace zs;
using namespace zs::zone;

namespace {

struct Example {
    std::string name;
    bool deterministic;
};

class KnownAnswerSigning : public ::testing::TestWithParam<Example> {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("zs-kat-" + std::to_string(::getpid()) + "-" + GetParam().name);
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_P(KnownAnswerSigning, ReproducesTheRfcSignature) {
    const std::string base = std::string(ZS_TEST_DATA) + "/kat/" + GetParam().name;
    MasterFileOptions o;
    o.origin = Wire(1, '\0');
    MasterFile mf = read_master_file(base + ".txt", o);

    const ParsedRecord* dnskey = nullptr;
    const ParsedRecord* rrsig = nullptr;
    for (const auto& r : mf.records) {
        if (r.type == rrtype::DNSKEY) dnskey = &r;
        if (r.type == rrtype::RRSIG) rrsig = &r;
    }
    ASSERT_NE(dnskey, nullptr);
    ASSERT_NE(rrsig, nullptr);
    const RrsigFields expected = decode_rrsig_rdata(rrsig->rdata);

    // The covered RRset, in the zone model.
    Zone zone;
    zone.origin = expected.signer;
    Node node;
    node.owner = rrsig->owner;
    RRset set;
    set.type = expected.type_covered;
    set.ttl = expected.original_ttl;
    for (const auto& r : mf.records)
        if (r.owner == rrsig->owner && r.type == expected.type_covered) set.rdatas.push_back(r.rdata);
    ASSERT_FALSE(set.rdatas.empty());
    std::sort(set.rdatas.begin(), set.rdatas.end());
    node.rrsets.push_back(set);
    zone.nodes.push_back(node);

    // The example's key in the file signer, under an id we choose.
    hsm::OpenSslFileSigner files("files", dir_.string());
    fs::copy_file(base + ".pem", dir_ / "kat.pem");
    keymgr::KeyRecord key;
    key.zone = name_to_text(expected.signer);
    key.role = keymgr::KeyRole::Csk;
    key.algorithm = dnskey_algorithm_of(dnskey->rdata);
    key.key_tag = key_tag(dnskey->rdata);
    key.flags = dnskey_flags_of(dnskey->rdata);
    key.signer = "files";
    key.native_id = "kat";
    key.dnskey_rdata = dnskey->rdata;
    ASSERT_EQ(key.key_tag, expected.key_tag);
    // The signer's public key is the example's DNSKEY.
    EXPECT_EQ(public_key_from_spki(key.algorithm, files.public_key("kat")), dnskey_public_key_of(dnskey->rdata));

    signer::SignatureTimes times;
    times.inception_offset = 3600;
    times.now = static_cast<UnixTime>(expected.inception) + times.inception_offset;
    times.validity = static_cast<Seconds>(expected.expiration) - times.now;
    times.denial_validity = times.validity;
    times.jitter = 0;
    std::vector<signer::SigningKey> keys{{key, &files, keymgr::signs_dnskey(key), keymgr::signs_zone(key)}};
    signer::RrsetSigner rrset_signer(zone, keys, times);
    signer::SigningStats stats;
    std::string text;
    EXPECT_FALSE(rrset_signer.sign_node(zone.nodes[0], stats, text));  // no previous signing to copy from
    ASSERT_EQ(stats.signatures, 1u);
    const Wire& made = zone.nodes[0].rrsets[0].rrsigs.at(0);
    const RrsigFields got = decode_rrsig_rdata(made);
    EXPECT_EQ(got.labels, expected.labels);
    EXPECT_EQ(got.inception, expected.inception);
    EXPECT_EQ(got.expiration, expected.expiration);
    if (GetParam().deterministic) {
        EXPECT_EQ(to_hex(made), to_hex(rrsig->rdata)) << "RRSIG differs from " << GetParam().name;
    } else {
        PublicKeyVerifier verifier(key.algorithm, dnskey_public_key_of(dnskey->rdata));
        Wire data;
        build_signed_data(data, got, node.owner, class_IN, zone.nodes[0].rrsets[0]);
        EXPECT_TRUE(verifier.verify(data.data(), data.size(), got.signature));
        EXPECT_EQ(got.signature.size(), expected.signature.size());
    }
}

INSTANTIATE_TEST_SUITE_P(Rfc, KnownAnswerSigning,
                         ::testing::Values(Example{"rfc5702-rsasha256", true}, Example{"rfc5702-rsasha512", true},
                                           Example{"rfc8080-ed25519-1", true}, Example{"rfc8080-ed25519-2", true},
                                           Example{"rfc6605-ecdsap256sha256", false},
                                           Example{"rfc6605-ecdsap384sha384", false}),
                         [](const auto& info) {
                             std::string n = info.param.name;
                             for (auto& c : n)
                                 if (c == '-') c = '_';
                             return n;
                         });

}  // namespace
