#include "hsm/pkcs11_module.hpp"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>

namespace zs::hsm::pkcs11 {

namespace {

// Loaded modules by resolved path. The mutex is also held while the last
// owner finalises and unloads a module, so that a concurrent load() never
// sees a half-finalised module.
// Recursive: if creating the owning pointer fails inside load(), its
// deleter runs with the mutex already held.
std::recursive_mutex& registry_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}
std::map<std::string, std::weak_ptr<Module>>& registry() {
    static std::map<std::string, std::weak_ptr<Module>> modules;
    return modules;
}

struct LibraryCloser {
    void operator()(void* library) const { ::dlclose(library); }
};

}  // namespace

std::shared_ptr<Module> Module::load(const std::string& path) {
    auto fail = [&](const std::string& what) -> std::shared_ptr<Module> {
        throw Error("PKCS#11 module " + path + ": " + what);
    };
    if (path.empty()) throw Error("no PKCS#11 module path given");
    char resolved[PATH_MAX];
    if (!::realpath(path.c_str(), resolved)) return fail(std::string("cannot load: ") + std::strerror(errno));

    std::lock_guard lock(registry_mutex());
    if (auto existing = registry()[resolved].lock()) return existing;

    std::unique_ptr<void, LibraryCloser> library(::dlopen(resolved, RTLD_NOW | RTLD_LOCAL));
    if (!library) {
        const char* reason = ::dlerror();
        return fail(std::string("cannot load: ") + (reason ? reason : "dlopen failed"));
    }
    auto get_function_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(library.get(), "C_GetFunctionList"));
    if (!get_function_list) return fail("not a PKCS#11 module (no C_GetFunctionList)");
    CK_FUNCTION_LIST* functions = nullptr;
    if (CK_RV rv = get_function_list(&functions); rv != CKR_OK || !functions)
        return fail("C_GetFunctionList: " + rv_name(rv));

    // We call the module from several threads and let it use the OS's locks.
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = functions->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) return fail("C_Initialize: " + rv_name(rv));
    const bool finalize = rv == CKR_OK;

    std::shared_ptr<Module> module(new Module(resolved, library.release(), functions, finalize),
                                   [](Module* m) {
                                       std::lock_guard unload_lock(registry_mutex());
                                       delete m;
                                   });
    registry()[resolved] = module;
    return module;
}

Module::Module(std::string path, void* library, CK_FUNCTION_LIST* functions, bool finalize)
    : path_(std::move(path)), library_(library), functions_(functions), finalize_(finalize) {}

Module::~Module() {
    // Called with the registry mutex held (see load()).
    if (auto found = registry().find(path_); found != registry().end() && found->second.expired())
        registry().erase(found);
    if (finalize_) functions_->C_Finalize(nullptr);
    ::dlclose(library_);
}

CK_RV Module::login(CK_SESSION_HANDLE session, const Secret& pin) {
    ++login_calls_;
    const std::string& text = pin.reveal();
    auto* pin_bytes = text.empty() ? nullptr : reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(text.data()));
    return functions_->C_Login(session, CKU_USER, pin_bytes, static_cast<CK_ULONG>(text.size()));
}

std::vector<CK_SLOT_ID> Module::slot_ids(bool with_token_only) const {
    const CK_BBOOL present = with_token_only ? CK_TRUE : CK_FALSE;
    // The list can grow between the two calls (hot-plugged readers).
    for (;;) {
        CK_ULONG size = 0;
        check(functions_->C_GetSlotList(present, nullptr, &size), "C_GetSlotList");
        std::vector<CK_SLOT_ID> slots(size);
        CK_RV rv = functions_->C_GetSlotList(present, slots.data(), &size);
        if (rv == CKR_BUFFER_TOO_SMALL) continue;
        check(rv, "C_GetSlotList");
        slots.resize(size);
        return slots;
    }
}

Session::Session(std::shared_ptr<Module> module, CK_SLOT_ID slot) : module_(std::move(module)) {
    check(api().C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &handle_),
          "C_OpenSession");
}

Session::~Session() { close(); }

Session::Session(Session&& other) noexcept
    : module_(std::move(other.module_)), handle_(std::exchange(other.handle_, CK_INVALID_HANDLE)) {}

Session& Session::operator=(Session&& other) noexcept {
    if (this != &other) {
        close();
        module_ = std::move(other.module_);
        handle_ = std::exchange(other.handle_, CK_INVALID_HANDLE);
    }
    return *this;
}

void Session::close() noexcept {
    // The result does not matter: a session that is already gone (device
    // removed, token reset) is as closed as we want it.
    if (module_ && handle_ != CK_INVALID_HANDLE) module_->api().C_CloseSession(handle_);
    handle_ = CK_INVALID_HANDLE;
}

bool Session::logged_in() const {
    CK_SESSION_INFO info{};
    check(api().C_GetSessionInfo(handle_, &info), "C_GetSessionInfo");
    return info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS;
}

std::vector<CK_OBJECT_HANDLE> Session::find(const std::vector<CK_ATTRIBUTE>& match) const {
    auto* templ = const_cast<CK_ATTRIBUTE*>(match.data());
    check(api().C_FindObjectsInit(handle_, templ, static_cast<CK_ULONG>(match.size())), "C_FindObjectsInit");
    std::vector<CK_OBJECT_HANDLE> found;
    CK_RV rv = CKR_OK;
    for (;;) {
        CK_OBJECT_HANDLE batch[64];
        CK_ULONG count = 0;
        rv = api().C_FindObjects(handle_, batch, 64, &count);
        if (rv != CKR_OK || count == 0) break;
        found.insert(found.end(), batch, batch + count);
    }
    // Always end the search, or the session stays in "find" state.
    CK_RV final_rv = api().C_FindObjectsFinal(handle_);
    check(rv, "C_FindObjects");
    check(final_rv, "C_FindObjectsFinal");
    return found;
}

std::optional<Bytes> Session::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    CK_ATTRIBUTE query{type, nullptr, 0};
    CK_RV rv = api().C_GetAttributeValue(handle_, object, &query, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID) return std::nullopt;
    check(rv, "C_GetAttributeValue");
    if (query.ulValueLen == CK_UNAVAILABLE_INFORMATION) return std::nullopt;
    Bytes value(query.ulValueLen);
    query.pValue = value.data();
    rv = api().C_GetAttributeValue(handle_, object, &query, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID) return std::nullopt;
    check(rv, "C_GetAttributeValue");
    value.resize(query.ulValueLen);
    return value;
}

std::optional<CK_ULONG> Session::ulong_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    auto value = attribute(object, type);
    if (!value || value->size() != sizeof(CK_ULONG)) return std::nullopt;
    CK_ULONG result = 0;
    std::memcpy(&result, value->data(), sizeof result);
    return result;
}

std::optional<bool> Session::bool_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const {
    auto value = attribute(object, type);
    if (!value || value->size() != sizeof(CK_BBOOL)) return std::nullopt;
    return (*value)[0] != CK_FALSE;
}

std::string padded_text(const unsigned char* text, std::size_t size) {
    std::string result(reinterpret_cast<const char*>(text), size);
    // Blank-padded by the standard; some modules pad with NULs instead.
    while (!result.empty() && (result.back() == ' ' || result.back() == '\0')) result.pop_back();
    return result;
}

}  // namespace zs::hsm::pkcs11
