// The first backend: private keys as PEM files (PKCS#8, mode 0600) in a
// directory, generated and used with OpenSSL in software. The key id is the
// file's base name; "<dir>/<id>.pem".
#pragma once

#include <string>

#include "hsm/signer.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace zs::hsm {

class OpenSslFileSigner : public Signer {
public:
    OpenSslFileSigner(std::string name, std::string directory);

    const std::string& name() const override { return name_; }
    std::string type() const override { return "openssl"; }
    void generate_key(const KeyId& id, const KeySpec& spec, const std::string& label) override;
    // Writes the key as a new PEM file, like a generated one.
    void import_key(const KeyId& id, const Bytes& pkcs8_der, const std::string& label) override;
    bool has_key(const KeyId& id) override;
    Bytes public_key(const KeyId& id) override;
    std::unique_ptr<SigningContext> open_signing(const KeyId& id, SignScheme scheme) override;
    void delete_key(const KeyId& id) override;
    void set_label(const KeyId& id, const std::string& label) override;
    std::vector<KeyId> list_keys() override;
    Bytes random_bytes(std::size_t count) override;

    const std::string& directory() const { return directory_; }

private:
    std::string path_of(const KeyId& id) const;
    // Publishes the key file of a new id atomically and exclusively, then its label.
    void store_new_key(const KeyId& id, EVP_PKEY* key, const std::string& label, const std::string& operation);
    std::string name_;
    std::string directory_;
};

}  // namespace zs::hsm
