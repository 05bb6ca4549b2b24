// The RFC examples in tests/data/kat/ (see its README.md): key tags, DS
// digests, the signed data, verification, and for the deterministic
// algorithms the signature reproduced byte for byte from the RFC's private key.
#include <optional>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "common/time_format.hpp"
#include "crypto_test_support.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/ecdsa_encoding.hpp"
#include "zone/rrsig.hpp"

namespace zs::zone {
namespace {

using namespace test;

std::string kat_path(const std::string& file) { return std::string(ZS_TEST_DATA) + "/kat/" + file; }

std::uint16_t type_number(const std::string& mnemonic) {
    if (mnemonic == "A") return rrtype::A;
    if (mnemonic == "MX") return rrtype::MX;
    throw std::runtime_error("test data uses an unexpected type " + mnemonic);
}

std::string join(const std::vector<std::string>& tokens, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < tokens.size(); ++i) out += tokens[i];
    return out;
}

void require(bool condition, const std::string& line) {
    if (!condition) throw std::runtime_error("unexpected line in test data: " + line);
}

std::uint32_t time_of(const std::string& text) {
    const auto t = parse_time(text);
    if (!t) throw std::runtime_error("bad time in test data: " + text);
    return static_cast<std::uint32_t>(*t);
}

// One example file, records in presentation form (README.md).
struct Example {
    Wire key_owner;
    Wire dnskey;
    std::optional<Wire> ds;
    Wire owner;
    RRset rrset;
    RrsigFields rrsig;

    explicit Example(const std::string& text) {
        std::istringstream lines(text);
        std::string line;
        while (std::getline(lines, line)) {
            line = line.substr(0, line.find(';'));
            std::istringstream words(line);
            std::vector<std::string> t;
            for (std::string w; words >> w;) t.push_back(w);
            if (t.empty()) continue;
            require(t.size() >= 5 && t[2] == "IN", line);
            const Wire rr_owner = name(t[0]);
            const std::string& type = t[3];
            if (type == "DNSKEY") {
                key_owner = rr_owner;
                dnskey = make_dnskey_rdata(static_cast<std::uint16_t>(std::stoul(t[4])),
                                           static_cast<std::uint8_t>(std::stoul(t[6])), b64(join(t, 7)));
                require(t[5] == "3", line);
            } else if (type == "DS") {
                Wire rdata;
                put_u16(rdata, static_cast<std::uint16_t>(std::stoul(t[4])));
                put_u8(rdata, static_cast<std::uint8_t>(std::stoul(t[5])));
                put_u8(rdata, static_cast<std::uint8_t>(std::stoul(t[6])));
                ds = rdata + hex(join(t, 7));
            } else if (type == "RRSIG") {
                rrsig.type_covered = type_number(t[4]);
                rrsig.algorithm = static_cast<std::uint8_t>(std::stoul(t[5]));
                rrsig.labels = static_cast<std::uint8_t>(std::stoul(t[6]));
                rrsig.original_ttl = static_cast<std::uint32_t>(std::stoul(t[7]));
                rrsig.expiration = time_of(t[8]);
                rrsig.inception = time_of(t[9]);
                rrsig.key_tag = static_cast<std::uint16_t>(std::stoul(t[10]));
                rrsig.signer = name(t[11]);
                rrsig.signature = b64(join(t, 12));
            } else {
                owner = rr_owner;
                rrset.type = type_number(type);
                rrset.ttl = static_cast<std::uint32_t>(std::stoul(t[1]));
                Wire rdata;
                if (rrset.type == rrtype::A) {
                    std::istringstream quad(t[4]);
                    for (std::string octet; std::getline(quad, octet, '.');)
                        put_u8(rdata, static_cast<std::uint8_t>(std::stoul(octet)));
                } else {
                    put_u16(rdata, static_cast<std::uint16_t>(std::stoul(t[4])));
                    rdata += name(t[5]);
                }
                rrset.rdatas.push_back(rdata);
            }
        }
    }
};

struct Case {
    const char* stem;
    std::uint16_t key_tag;
    bool deterministic;
};

const Case cases[] = {
    {"rfc5702-rsasha256", 9033, true},       {"rfc5702-rsasha512", 3740, true},
    {"rfc8080-ed25519-1", 3613, true},       {"rfc8080-ed25519-2", 35217, true},
    {"rfc6605-ecdsap256sha256", 55648, false}, {"rfc6605-ecdsap384sha384", 10771, false},
};

class KnownAnswer : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override { example.emplace(read_text(kat_path(std::string(GetParam().stem) + ".txt"))); }
    std::optional<Example> example;
};

TEST_P(KnownAnswer, KeyTagAndDs) {
    const Example& e = *example;
    EXPECT_EQ(key_tag(e.dnskey), GetParam().key_tag);
    EXPECT_EQ(e.rrsig.key_tag, GetParam().key_tag);
    EXPECT_EQ(e.rrsig.signer, e.key_owner);
    if (e.ds) {
        EXPECT_EQ(make_ds_rdata(e.key_owner, e.dnskey, get_u8(*e.ds, 3)), *e.ds);
    }
}

TEST_P(KnownAnswer, RrsigRdataRoundTrips) {
    const RrsigFields back = decode_rrsig_rdata(encode_rrsig_rdata(example->rrsig));
    EXPECT_EQ(encode_rrsig_rdata(back), encode_rrsig_rdata(example->rrsig));
    EXPECT_EQ(back.signature, example->rrsig.signature);
}

TEST_P(KnownAnswer, RfcSignatureVerifies) {
    const Example& e = *example;
    Wire data;
    build_signed_data(data, e.rrsig, e.owner, class_IN, e.rrset);
    const PublicKeyVerifier verifier(dnskey_algorithm_of(e.dnskey), dnskey_public_key_of(e.dnskey));
    EXPECT_TRUE(verifier.verify(data.data(), data.size(), e.rrsig.signature));
    // Another Original TTL is other signed data.
    RrsigFields changed = e.rrsig;
    changed.original_ttl += 1;
    build_signed_data(data, changed, e.owner, class_IN, e.rrset);
    EXPECT_FALSE(verifier.verify(data.data(), data.size(), e.rrsig.signature));
}

TEST_P(KnownAnswer, PemHoldsTheDnskeysKey) {
    const Example& e = *example;
    auto key = read_private_pem(kat_path(std::string(GetParam().stem) + ".pem"));
    const std::uint8_t alg = dnskey_algorithm_of(e.dnskey);
    EXPECT_EQ(public_key_from_spki(alg, spki_of(key.get())), dnskey_public_key_of(e.dnskey));
}

TEST_P(KnownAnswer, SignatureIsReproducedFromThePrivateKey) {
    const Example& e = *example;
    auto key = read_private_pem(kat_path(std::string(GetParam().stem) + ".pem"));
    const std::uint8_t alg = dnskey_algorithm_of(e.dnskey);
    Wire data;
    build_signed_data(data, e.rrsig, e.owner, class_IN, e.rrset);
    const Wire signature = openssl_sign(key.get(), alg, data);
    if (GetParam().deterministic) {
        EXPECT_EQ(to_base64(signature), to_base64(e.rrsig.signature));
    } else {
        // ECDSA: a fresh signature differs, but in r|s form it verifies
        // against the published DNSKEY.
        const PublicKeyVerifier verifier(alg, dnskey_public_key_of(e.dnskey));
        const Wire rs = ecdsa_der_to_rs(signature.data(), signature.size(), ecdsa_component_size(alg));
        EXPECT_NE(rs, e.rrsig.signature);
        EXPECT_TRUE(verifier.verify(data.data(), data.size(), rs));
    }
}

INSTANTIATE_TEST_SUITE_P(RfcExamples, KnownAnswer, ::testing::ValuesIn(cases), [](const auto& info) {
    std::string stem = info.param.stem;
    for (char& c : stem)
        if (c == '-') c = '_';
    return stem;
});

}  // namespace
}  // namespace zs::zone
