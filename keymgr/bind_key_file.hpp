// BIND's key files, for `key import`: K<zone>+<alg>+<tag>.private (format
// v1.2/v1.3: "Field: value" lines, base64 values) and the matching .key
// (the DNSKEY record in master-file form). Reading only: the conversion to a
// private key is in private_key_import.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/secret.hpp"

namespace zs::keymgr {

// The fields of a .private file, values still base64; the secret ones are
// wiped with the object.
struct BindPrivateKey {
    std::string file;
    std::uint8_t algorithm = 0;
    std::map<std::string, Secret> fields;  // "Modulus", "PrivateKey", ...
    // The field's base64 text; throws InputError naming the file if missing.
    const std::string& field(const std::string& name) const;
};

// Throws InputError "FILE:LINE: ..." on a malformed file, Error if unreadable.
BindPrivateKey read_bind_private_key(const std::string& path);

// The DNSKEY of a .key file.
struct BindPublicKey {
    std::string file;
    std::string owner;         // as written, lower case, with a trailing dot
    std::uint16_t flags = 0;
    std::uint8_t algorithm = 0;
    std::string dnskey_rdata;  // wire form
};

BindPublicKey read_bind_public_key(const std::string& path);

// "dir/Kexample.com.+013+12345.private" -> "dir/Kexample.com.+013+12345.key";
// empty if the name does not end in ".private".
std::string bind_public_key_path(const std::string& private_path);

}  // namespace zs::keymgr
