#include "signer/throwaway_signers.hpp"

#include "common/error.hpp"
#include "hsm/openssl_file_signer.hpp"

namespace zs::signer {

namespace {

// Forwards to a file signer; deleting a key it does not hold is a no-op.
class LenientSigner : public hsm::Signer {
public:
    LenientSigner(std::string name, std::string directory) : inner_(std::move(name), std::move(directory)) {}
    const std::string& name() const override { return inner_.name(); }
    std::string type() const override { return inner_.type(); }
    void generate_key(const hsm::KeyId& id, const hsm::KeySpec& spec, const std::string& label) override {
        inner_.generate_key(id, spec, label);
    }
    void import_key(const hsm::KeyId& id, const Bytes& der, const std::string& label) override {
        inner_.import_key(id, der, label);
    }
    bool has_key(const hsm::KeyId& id) override { return inner_.has_key(id); }
    Bytes public_key(const hsm::KeyId& id) override { return inner_.public_key(id); }
    std::unique_ptr<hsm::SigningContext> open_signing(const hsm::KeyId& id, hsm::SignScheme scheme) override {
        return inner_.open_signing(id, scheme);
    }
    void delete_key(const hsm::KeyId& id) override {
        if (inner_.has_key(id)) inner_.delete_key(id);
    }
    void set_label(const hsm::KeyId& id, const std::string& label) override {
        if (inner_.has_key(id)) inner_.set_label(id, label);
    }
    std::vector<hsm::KeyId> list_keys() override { return inner_.list_keys(); }
    Bytes random_bytes(std::size_t count) override { return inner_.random_bytes(count); }

private:
    hsm::OpenSslFileSigner inner_;
};

}  // namespace

ThrowawaySigners::ThrowawaySigners(const Config& config) : new_keys_(config.roles.new_keys) {
    for (const auto& entry : config.signers) {
        if (entry.type != "openssl") throw Error("simulation signer '" + entry.name + "' is not a software signer");
        signers_.push_back(std::make_unique<LenientSigner>(entry.name, entry.directory));
    }
}

ThrowawaySigners::~ThrowawaySigners() = default;

hsm::Signer& ThrowawaySigners::signer_named(const std::string& name) {
    const std::string& wanted = name.empty() ? new_keys_ : name;
    for (auto& s : signers_)
        if (s->name() == wanted) return *s;
    throw Error("the simulation has no signer named '" + wanted + "'");
}

}  // namespace zs::signer
