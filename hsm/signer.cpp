#include "hsm/signer.hpp"

namespace zs::hsm {

std::string to_string(KeyType t) {
    switch (t) {
        case KeyType::Rsa: return "RSA";
        case KeyType::EcP256: return "EC P-256";
        case KeyType::EcP384: return "EC P-384";
        case KeyType::Ed25519: return "Ed25519";
        case KeyType::Ed448: return "Ed448";
    }
    return "unknown key type " + std::to_string(static_cast<int>(t));
}

bool scheme_fits(KeyType type, SignScheme scheme) {
    switch (scheme) {
        case SignScheme::RsaPkcs1Sha256:
        case SignScheme::RsaPkcs1Sha512: return type == KeyType::Rsa;
        case SignScheme::EcdsaSha256: return type == KeyType::EcP256;
        case SignScheme::EcdsaSha384: return type == KeyType::EcP384;
        case SignScheme::Ed25519: return type == KeyType::Ed25519;
        case SignScheme::Ed448: return type == KeyType::Ed448;
    }
    return false;
}

std::string to_string(SignScheme s) {
    switch (s) {
        case SignScheme::RsaPkcs1Sha256: return "RSA PKCS#1 v1.5 SHA-256";
        case SignScheme::RsaPkcs1Sha512: return "RSA PKCS#1 v1.5 SHA-512";
        case SignScheme::EcdsaSha256: return "ECDSA SHA-256";
        case SignScheme::EcdsaSha384: return "ECDSA SHA-384";
        case SignScheme::Ed25519: return "Ed25519";
        case SignScheme::Ed448: return "Ed448";
    }
    return "unknown scheme " + std::to_string(static_cast<int>(s));
}

// "signer 'files': sign key 3f2a: what"; the key part is left out for
// operations that concern no key (random bytes, listing).
static std::string signer_error_text(const std::string& signer, const std::string& operation,
                                     const std::string& key_id, const std::string& what) {
    std::string text = "signer '" + signer + "': " + operation;
    if (!key_id.empty()) text += " key " + key_id;
    return text + ": " + what;
}

SignerError::SignerError(const std::string& signer, const std::string& operation, const std::string& key_id,
                         const std::string& what)
    : Error(signer_error_text(signer, operation, key_id, what)) {}

}  // namespace zs::hsm
