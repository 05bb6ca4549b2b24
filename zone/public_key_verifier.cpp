// Software verification of RRSIG signatures with OpenSSL: RSA PKCS#1 v1.5
// (RFC 5702), ECDSA with r|s signatures (RFC 6605), pure EdDSA (RFC 8080).
//
// Speed and thread safety: the key and a verification context are set up
// once; each verify() call copies that context (no provider fetch, about a
// microsecond) and works on its own copy. The shared context and key are only
// read after construction, which OpenSSL 3 allows from many threads at once
// (openssl-threads(7)). The digests are fetched once per process.
#include <openssl/evp.h>

#include "common/error.hpp"
#include "zone/dnskey_public_key.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/ecdsa_encoding.hpp"
#include "zone/openssl_handles.hpp"

namespace zs::zone {

namespace {

EVP_MD* fetched(const char* name) {
    // Fetched on first use, then shared (EVP_MD is immutable after fetch).
    EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
    if (md == nullptr) throw Error(ossl::with_errors(std::string("cannot fetch digest ") + name));
    return md;
}

// nullptr for EdDSA, which hashes inside the signature scheme.
const EVP_MD* digest_for(std::uint8_t algorithm) {
    switch (algorithm) {
    case algorithm::RSASHA256:
    case algorithm::ECDSAP256SHA256: {
        static const ossl::MdPtr sha256(fetched("SHA256"));
        return sha256.get();
    }
    case algorithm::ECDSAP384SHA384: {
        static const ossl::MdPtr sha384(fetched("SHA384"));
        return sha384.get();
    }
    case algorithm::RSASHA512: {
        static const ossl::MdPtr sha512(fetched("SHA512"));
        return sha512.get();
    }
    default: return nullptr;
    }
}

}  // namespace

PublicKeyVerifier::PublicKeyVerifier(std::uint8_t algorithm, const Wire& public_key) : algorithm_(algorithm) {
    auto key = pkey_from_dnskey_key(algorithm, public_key);
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) throw Error("verifying " + algorithm_name(algorithm) + ": out of memory");
    // Copies finalise in place: nothing reuses a copy after verify().
    EVP_MD_CTX_set_flags(ctx.get(), EVP_MD_CTX_FLAG_FINALISE);
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(algorithm), nullptr, key.get()) != 1)
        throw Error(ossl::with_errors("verifying " + algorithm_name(algorithm) + ": cannot set up the key"));
    key_ = key.release();
    initialised_ = ctx.release();
}

PublicKeyVerifier::~PublicKeyVerifier() {
    EVP_MD_CTX_free(initialised_);
    EVP_PKEY_free(key_);
}

PublicKeyVerifier::PublicKeyVerifier(PublicKeyVerifier&& other) noexcept
    : algorithm_(other.algorithm_), key_(other.key_), initialised_(other.initialised_) {
    other.key_ = nullptr;
    other.initialised_ = nullptr;
}

PublicKeyVerifier& PublicKeyVerifier::operator=(PublicKeyVerifier&& other) noexcept {
    if (this != &other) {
        EVP_MD_CTX_free(initialised_);
        EVP_PKEY_free(key_);
        algorithm_ = other.algorithm_;
        key_ = other.key_;
        initialised_ = other.initialised_;
        other.key_ = nullptr;
        other.initialised_ = nullptr;
    }
    return *this;
}

bool PublicKeyVerifier::verify(const void* data, std::size_t size, const Wire& signature) const {
    if (initialised_ == nullptr) return false;  // moved from
    const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
    std::size_t sig_size = signature.size();
    Bytes der;
    if (const std::size_t component = ecdsa_component_size(algorithm_)) {
        // RFC 6605 §4: exactly r|s; anything else is not a signature of ours.
        if (sig_size != 2 * component) return false;
        der = ecdsa_rs_to_der(sig, sig_size);
        sig = der.data();
        sig_size = der.size();
    }
    // EVP_MD_CTX_copy_ex only reads the shared context (and takes references
    // on what it holds), so concurrent calls are safe.
    ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), initialised_) != 1)
        throw Error(ossl::with_errors("verifying " + algorithm_name(algorithm_) + " signature"));
    const int result =
        EVP_DigestVerify(ctx.get(), sig, sig_size, static_cast<const unsigned char*>(data), size);
    // A bad signature leaves an entry in the error queue; it is an answer, not an error.
    if (result != 1) ossl::clear_errors();
    return result == 1;
}

}  // namespace zs::zone
