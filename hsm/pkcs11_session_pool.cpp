#include "hsm/pkcs11_session_pool.hpp"

#include <algorithm>
#include <cstdio>

namespace zs::hsm::pkcs11 {

namespace {

// Faults that take every session of the application with them, not just the
// one that saw the fault: sessions idle in the pool are dead too.
bool loses_all_sessions(CK_RV rv) {
    return rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_DEVICE_ERROR ||
           rv == CKR_SESSION_CLOSED || rv == CKR_USER_NOT_LOGGED_IN;
}

}  // namespace

SessionPool::Lease::~Lease() {
    if (entry_) pool_->give_back(std::move(entry_), keep_);
}

CK_OBJECT_HANDLE SessionPool::Lease::private_key(const Bytes& id) {
    if (auto cached = entry_->private_keys.find(id); cached != entry_->private_keys.end()) return cached->second;
    const CK_OBJECT_CLASS private_class = CKO_PRIVATE_KEY;
    auto found = session().find({attr(CKA_CLASS, private_class), attr(CKA_ID, id)});
    if (found.empty()) throw Error("no private key with this CKA_ID on the token");
    if (found.size() > 1)
        throw Error(std::to_string(found.size()) +
                    " private keys on the token share this CKA_ID; refusing to pick one");
    entry_->private_keys.emplace(id, found.front());
    return found.front();
}

SessionPool::SessionPool(std::shared_ptr<Module> module, SlotInfo token, Secret pin, unsigned max_sessions,
                         RetryPolicy retry)
    : module_(std::move(module)),
      pin_(std::move(pin)),
      max_sessions_(std::max(1u, max_sessions)),
      retry_(retry),
      token_(std::move(token)) {}

SessionPool::~SessionPool() {
    // Leases and signing contexts hold the pool alive (shared_ptr), so no
    // session is borrowed here; the idle ones close with idle_.
}

SessionPool::Lease SessionPool::acquire() {
    std::unique_lock lock(mutex_);
    session_returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_sessions_; });
    if (!idle_.empty()) {
        auto entry = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(entry));
    }
    ++open_;  // reserve the place while opening outside the lock
    stats_.peak_sessions_open = std::max(stats_.peak_sessions_open, open_);
    lock.unlock();
    try {
        return Lease(*this, open_session());
    } catch (...) {
        lock.lock();
        --open_;
        lock.unlock();
        session_returned_.notify_one();
        throw;
    }
}

void SessionPool::give_back(std::unique_ptr<PooledSession> entry, bool keep) {
    {
        std::lock_guard lock(mutex_);
        if (keep) {
            idle_.push_back(std::move(entry));
        } else {
            --open_;
        }
    }
    session_returned_.notify_one();
    // A discarded entry closes its session here, outside the lock.
}

std::unique_ptr<SessionPool::PooledSession> SessionPool::open_session() {
    CK_SLOT_ID slot;
    {
        std::lock_guard lock(mutex_);
        slot = token_.slot;
    }
    std::unique_ptr<PooledSession> entry;
    try {
        entry.reset(new PooledSession{Session(module_, slot), {}});
    } catch (const CallError& e) {
        if (e.rv() != CKR_SLOT_ID_INVALID && e.rv() != CKR_TOKEN_NOT_PRESENT && e.rv() != CKR_DEVICE_REMOVED) throw;
        // The token may have come back in another slot: look for it by its
        // serial number, label, manufacturer and model.
        std::optional<SlotInfo> moved;
        for (const SlotInfo& s : describe_slots(*module_)) {
            std::lock_guard lock(mutex_);
            if (s.token_present && s.serial == token_.serial && s.token_label == token_.token_label &&
                s.manufacturer == token_.manufacturer && s.model == token_.model)
                moved = s;
        }
        // Not there (yet): a recoverable fault, so the caller retries.
        if (!moved || moved->slot == slot) throw CallError("C_OpenSession", CKR_TOKEN_NOT_PRESENT);
        {
            std::lock_guard lock(mutex_);
            token_.slot = moved->slot;
        }
        entry.reset(new PooledSession{Session(module_, moved->slot), {}});
    }
    {
        std::lock_guard lock(mutex_);
        ++stats_.sessions_opened;
    }
    log_in_if_needed(entry->session);
    return entry;
}

void SessionPool::log_in_if_needed(Session& session) {
    if (pin_.empty() && !token_.login_required && !token_.protected_authentication_path) return;
    std::lock_guard login_lock(login_mutex_);
    if (session.logged_in()) return;
    if (pin_rejected_)
        throw CallError("C_Login", CKR_PIN_INCORRECT, "the token rejected this PIN before; it is not tried again");
    if (pin_.empty() && !token_.protected_authentication_path)
        throw Error("token '" + token_.token_label + "' requires a login, and no PIN was given");
    CK_RV rv = module_->login(session.handle(), pin_);
    {
        std::lock_guard lock(mutex_);
        ++stats_.login_calls;
    }
    if (rv == CKR_USER_ALREADY_LOGGED_IN) return;
    if (rv == CKR_PIN_INCORRECT) pin_rejected_ = true;
    check(rv, "C_Login");
}

void SessionPool::drop_idle_sessions() {
    std::vector<std::unique_ptr<PooledSession>> dead;
    {
        std::lock_guard lock(mutex_);
        dead.swap(idle_);
        open_ -= static_cast<unsigned>(dead.size());
    }
    session_returned_.notify_all();
    // `dead` closes its sessions here, outside the lock.
}

void SessionPool::wait_before_retry(const CallError& fault, unsigned attempt,
                                    std::chrono::steady_clock::time_point start, std::chrono::milliseconds& delay) {
    using namespace std::chrono;
    const auto elapsed = steady_clock::now() - start;
    if (elapsed + delay > retry_.time_limit) {
        char note[96];
        std::snprintf(note, sizeof note, "gave up after %u attempts in %.1f s", attempt,
                      duration<double>(elapsed).count());
        throw CallError(fault.function(), fault.rv(), note);
    }
    if (loses_all_sessions(fault.rv())) drop_idle_sessions();
    {
        std::lock_guard lock(mutex_);
        ++stats_.retries;
    }
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, retry_.max_delay);
}

PoolStats SessionPool::stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

SlotInfo SessionPool::token() const {
    std::lock_guard lock(mutex_);
    return token_;
}

}  // namespace zs::hsm::pkcs11
