// Test-only OpenSSL helpers: generate keys, sign with OpenSSL directly (the
// independent side of the known-answer and round-trip tests), read PEM files.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/encoding.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/name.hpp"
#include "zone/wire.hpp"

namespace zs::zone::test {

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

inline Pkey generate_key(std::uint8_t algorithm, unsigned rsa_bits = 1024) {
    EVP_PKEY* key = nullptr;
    switch (algorithm) {
    case algorithm::RSASHA256:
    case algorithm::RSASHA512: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits)); break;
    case algorithm::ECDSAP256SHA256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case algorithm::ECDSAP384SHA384: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case algorithm::ED25519: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case algorithm::ED448: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"); break;
    }
    if (key == nullptr) throw std::runtime_error("key generation failed");
    return Pkey(key);
}

inline Bytes spki_of(EVP_PKEY* key) {
    const int size = i2d_PUBKEY(key, nullptr);
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* out = der.data();
    i2d_PUBKEY(key, &out);
    return der;
}

inline const char* digest_name(std::uint8_t algorithm) {
    switch (algorithm) {
    case algorithm::RSASHA256:
    case algorithm::ECDSAP256SHA256: return "SHA256";
    case algorithm::RSASHA512: return "SHA512";
    case algorithm::ECDSAP384SHA384: return "SHA384";
    default: return nullptr;  // EdDSA: pure
    }
}

// What OpenSSL produces: PKCS#1 v1.5, DER for ECDSA, raw for EdDSA.
inline Wire openssl_sign(EVP_PKEY* key, std::uint8_t algorithm, const Wire& data) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (EVP_DigestSignInit_ex(ctx.get(), nullptr, digest_name(algorithm), nullptr, nullptr, key, nullptr) != 1)
        throw std::runtime_error("EVP_DigestSignInit_ex failed");
    std::size_t size = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (EVP_DigestSign(ctx.get(), nullptr, &size, in, data.size()) != 1) throw std::runtime_error("sign size");
    Wire sig(size, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, in, data.size()) != 1)
        throw std::runtime_error("EVP_DigestSign failed");
    sig.resize(size);
    return sig;
}

inline Pkey read_private_pem(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "r");
    if (file == nullptr) throw std::runtime_error("cannot open " + path);
    EVP_PKEY* key = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
    std::fclose(file);
    if (key == nullptr) throw std::runtime_error("cannot read private key from " + path);
    return Pkey(key);
}

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

inline Wire wire_of(const Bytes& b) { return Wire(b.begin(), b.end()); }
inline Bytes bytes_of(const Wire& w) { return Bytes(w.begin(), w.end()); }

inline Wire b64(std::string_view text) {
    auto bytes = from_base64(text);
    if (!bytes) throw std::runtime_error("bad base64 in test data: " + std::string(text));
    return wire_of(*bytes);
}

inline Wire hex(std::string_view text) {
    std::string compact;
    for (char c : text)
        if (c != ' ' && c != '\n') compact += c;
    auto bytes = from_hex(compact);
    if (!bytes) throw std::runtime_error("bad hex in test data: " + std::string(text));
    return wire_of(*bytes);
}

inline Wire name(std::string_view text) { return name_from_text(text, Wire(1, '\0')); }

}  // namespace zs::zone::test
