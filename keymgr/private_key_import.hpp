// `key import`: a private key made elsewhere (a BIND K*.private file, or a
// PEM file) becomes a key of the zone in one of our signers. The DNSKEY is
// computed from the key itself; a BIND .key file next to the .private must
// agree with it (flags and public key). hsm/ only sees DER PKCS#8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/encoding.hpp"
#include "hsm/signer.hpp"
#include "keymgr/key_db.hpp"

namespace zs::keymgr {

// A private key ready for a signer, with the DNSSEC facts known about it.
struct PrivateKeyToImport {
    PrivateKeyToImport() = default;
    ~PrivateKeyToImport();
    PrivateKeyToImport(PrivateKeyToImport&&) = default;
    PrivateKeyToImport(const PrivateKeyToImport&) = delete;
    PrivateKeyToImport& operator=(const PrivateKeyToImport&) = delete;

    std::string source;               // the file, for messages
    std::uint8_t algorithm = 0;       // DNSSEC algorithm
    Bytes pkcs8_der;                  // secret: wiped with the object
    Bytes public_key_info;            // DER SubjectPublicKeyInfo
    // From a BIND .key file, when there is one: its owner and DNSKEY RDATA.
    std::optional<std::string> published_owner;
    std::optional<std::string> published_dnskey;
};

// A BIND private key file (v1.2/v1.3): RSA (Modulus ... Coefficient),
// ECDSA P-256/P-384 and Ed25519/Ed448 (PrivateKey); and its .key file if it
// exists. `algorithm`, if given, must be the file's.
PrivateKeyToImport read_bind_key_for_import(const std::string& private_path, std::optional<std::uint8_t> algorithm);

// A PEM private key (PKCS#8 or the traditional RSA/EC forms; not
// encrypted). The algorithm follows from the key type (P-256: 13, P-384:
// 14, Ed25519: 15, Ed448: 16); RSA needs `algorithm` (default RSASHA256).
PrivateKeyToImport read_pem_key_for_import(const std::string& path, std::optional<std::uint8_t> algorithm);

enum class ImportedState {
    Active,  // in service: every record of the role omnipresent (a live zone's key)
    New,     // goal omnipresent, every record hidden: the key manager introduces it
};

// Stores the key in the signer under a new random id and records it for the
// zone (DNSKEY computed from the key, flags from the role), with its state
// and an audit entry, in one committed transaction. Refuses a key tag in use
// in the zone, and a BIND .key file that disagrees (owner, flags, key).
KeyRecord import_zone_key(KeyDb& db, hsm::Signer& signer, const std::string& zone, KeyRole role,
                          const PrivateKeyToImport& key, ImportedState state, UnixTime now);

}  // namespace zs::keymgr
