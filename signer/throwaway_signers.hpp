// The signers `plan` gives the key manager: OpenSSL file signers in the
// simulation's throwaway directory, one per configured name. Keys the plan
// creates are made there; a purge of a key held elsewhere (the real HSM's
// keys, recorded in the copied database) does nothing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "keymgr/key_manager.hpp"
#include "signer/config.hpp"

namespace zs::signer {

class ThrowawaySigners : public keymgr::SignerDirectory {
public:
    // config: the workspace's configuration (openssl signers only).
    explicit ThrowawaySigners(const Config& config);
    ~ThrowawaySigners() override;

    hsm::Signer& signer_named(const std::string& name) override;
    std::string new_keys_signer_name() const override { return new_keys_; }
    bool requires_backup(const std::string&) const override { return false; }

private:
    std::vector<std::unique_ptr<hsm::Signer>> signers_;
    std::string new_keys_;
};

}  // namespace zs::signer
