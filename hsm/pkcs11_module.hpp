// A PKCS#11 module loaded into the process, and RAII for its sessions.
//
// A module is dlopen()ed and C_Initialize()d once per process however many
// signers use it: Cryptoki keeps its state per process, and a second
// C_Initialize only returns CKR_CRYPTOKI_ALREADY_INITIALIZED while a
// C_Finalize by one user would pull the module from under all others. So
// Module::load() hands out one shared instance per (resolved) path, and the
// last owner's release calls C_Finalize (only if we initialised it) and
// dlclose().
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <p11-kit-1/p11-kit/pkcs11.h>

#include "common/encoding.hpp"
#include "common/secret.hpp"
#include "hsm/pkcs11_error.hpp"

namespace zs::hsm::pkcs11 {

class Module {
public:
    // The loaded module for `path`, loading and initialising it (with
    // CKF_OS_LOCKING_OK: we call it from several threads) if no one in the
    // process holds it. Throws zs::Error naming the path when it cannot be
    // loaded, has no C_GetFunctionList, or fails to initialise.
    static std::shared_ptr<Module> load(const std::string& path);

    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    const std::string& path() const { return path_; }
    CK_FUNCTION_LIST& api() const { return *functions_; }

    // The only place that calls C_Login: an empty PIN logs in through the
    // token's protected authentication path (pin pad). Counted, so tests can
    // prove that a wrong PIN is presented exactly once.
    CK_RV login(CK_SESSION_HANDLE session, const Secret& pin);
    unsigned long login_calls() const { return login_calls_.load(); }

    std::vector<CK_SLOT_ID> slot_ids(bool with_token_only) const;

private:
    Module(std::string path, void* library, CK_FUNCTION_LIST* functions, bool finalize);

    std::string path_;
    void* library_ = nullptr;
    CK_FUNCTION_LIST* functions_ = nullptr;
    bool finalize_ = false;  // false if someone else in the process had initialised it
    std::atomic<unsigned long> login_calls_{0};
};

// One open session; C_CloseSession when destroyed. Move-only.
class Session {
public:
    // Opens a read-write serial session on the slot; throws CallError.
    Session(std::shared_ptr<Module> module, CK_SLOT_ID slot);
    ~Session();
    Session(Session&& other) noexcept;
    Session& operator=(Session&& other) noexcept;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    CK_SESSION_HANDLE handle() const { return handle_; }
    Module& module() const { return *module_; }
    CK_FUNCTION_LIST& api() const { return module_->api(); }

    // Whether the application is logged in as user (login state is shared
    // by all sessions of the application on the token).
    bool logged_in() const;

    // Objects matching the template (all of them, in token order).
    std::vector<CK_OBJECT_HANDLE> find(const std::vector<CK_ATTRIBUTE>& match) const;
    // One attribute's value; nullopt when the object has no such attribute
    // or it is sensitive (CKR_ATTRIBUTE_TYPE_INVALID / _SENSITIVE). Other
    // errors throw CallError.
    std::optional<Bytes> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    std::optional<CK_ULONG> ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;
    std::optional<bool> bool_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

private:
    void close() noexcept;
    std::shared_ptr<Module> module_;
    CK_SESSION_HANDLE handle_ = CK_INVALID_HANDLE;
};

// Cryptoki's fixed-width, blank-padded text fields as std::string.
std::string padded_text(const unsigned char* text, std::size_t size);

// Template entries pointing at caller-owned values.
inline CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const void* value, std::size_t size) {
    return CK_ATTRIBUTE{type, const_cast<void*>(value), static_cast<CK_ULONG>(size)};
}
template <class T>
CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const T& value) {
    return attr(type, &value, sizeof value);
}
inline CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const Bytes& value) {
    return attr(type, value.data(), value.size());
}
inline CK_ATTRIBUTE attr(CK_ATTRIBUTE_TYPE type, const std::string& value) {
    return attr(type, value.data(), value.size());
}

}  // namespace zs::hsm::pkcs11
