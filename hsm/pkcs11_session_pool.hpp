// The sessions one PKCS#11 signer has open on its token, the login that
// goes with them, and the retry of operations after recoverable faults.
//
// An operation borrows a session for its duration (one C_SignInit/C_Sign,
// one key generation...) and gives it back: at most max_sessions are open,
// and a borrower waits while all are busy. Borrowing per operation rather
// than per signing context is what lets a worker hold contexts for several
// keys (KSK and ZSK) without holding several sessions, so that
// max_sessions = worker threads can never deadlock; the mutex round trip
// costs well under a microsecond against ~75 us per token signature.
//
// Login state belongs to the application and token, not to a session: the
// pool logs in when a fresh session shows it is not logged in (first use,
// or after the token lost all sessions). A PIN the token rejected is never
// presented again, so a signer cannot burn the token's retry counter.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/secret.hpp"
#include "hsm/pkcs11_module.hpp"
#include "hsm/pkcs11_token.hpp"

namespace zs::hsm::pkcs11 {

struct RetryPolicy {
    std::chrono::milliseconds time_limit{30000};  // total time spent retrying one operation
    std::chrono::milliseconds first_delay{50};    // doubled after each fault
    std::chrono::milliseconds max_delay{2000};
};

struct PoolStats {
    unsigned long login_calls = 0;       // C_Login calls made by this pool
    unsigned long sessions_opened = 0;   // C_OpenSession successes
    unsigned long retries = 0;           // operations run again after a recoverable fault
    unsigned peak_sessions_open = 0;
};

class SessionPool {
    struct PooledSession {
        Session session;
        std::map<Bytes, CK_OBJECT_HANDLE> private_keys;  // by CKA_ID
    };

public:
    // A session borrowed for one operation; given back when destroyed, or
    // closed instead if discard() was called (its state is unknown after an
    // error).
    class Lease {
    public:
        Lease(SessionPool& pool, std::unique_ptr<PooledSession> entry) : pool_(&pool), entry_(std::move(entry)) {}
        ~Lease();
        Lease(Lease&& other) noexcept = default;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Lease& operator=(Lease&&) = delete;

        Session& session() { return entry_->session; }
        CK_FUNCTION_LIST& api() { return entry_->session.api(); }
        CK_SESSION_HANDLE handle() { return entry_->session.handle(); }
        void discard() { keep_ = false; }

        // The private key object with this CKA_ID, cached per session.
        // Throws zs::Error "no private key..." if there is none, or if there
        // are several (another application's objects: refuse to guess).
        CK_OBJECT_HANDLE private_key(const Bytes& id);
        void forget_keys() { entry_->private_keys.clear(); }

    private:
        SessionPool* pool_;
        std::unique_ptr<PooledSession> entry_;
        bool keep_ = true;
    };

    SessionPool(std::shared_ptr<Module> module, SlotInfo token, Secret pin, unsigned max_sessions,
                RetryPolicy retry);
    ~SessionPool();
    SessionPool(const SessionPool&) = delete;
    SessionPool& operator=(const SessionPool&) = delete;

    // Runs operation(Lease&) on a borrowed session. On a recoverable fault
    // (is_recoverable_fault) the session is dropped, and after a growing
    // delay the operation runs again on a fresh (logged-in) session, until
    // the retry time limit; then the last CallError is thrown, noting the
    // attempts. Any other CallError is thrown at once.
    template <class Operation>
    auto run(Operation&& operation) -> std::invoke_result_t<Operation&, Lease&>;

    PoolStats stats() const;
    SlotInfo token() const;
    Module& module() const { return *module_; }

private:
    Lease acquire();
    void give_back(std::unique_ptr<PooledSession> entry, bool keep);
    std::unique_ptr<PooledSession> open_session();
    void log_in_if_needed(Session& session);
    void drop_idle_sessions();
    // Sleeps before the next attempt, or throws when out of time.
    void wait_before_retry(const CallError& fault, unsigned attempt, std::chrono::steady_clock::time_point start,
                           std::chrono::milliseconds& delay);

    std::shared_ptr<Module> module_;
    Secret pin_;
    const unsigned max_sessions_;
    const RetryPolicy retry_;

    mutable std::mutex mutex_;  // guards everything below
    std::condition_variable session_returned_;
    SlotInfo token_;  // the slot can change when a removed token comes back
    std::vector<std::unique_ptr<PooledSession>> idle_;
    unsigned open_ = 0;  // idle + borrowed + being opened
    PoolStats stats_;

    std::mutex login_mutex_;  // one login at a time
    bool pin_rejected_ = false;
};

template <class Operation>
auto SessionPool::run(Operation&& operation) -> std::invoke_result_t<Operation&, Lease&> {
    const auto start = std::chrono::steady_clock::now();
    std::chrono::milliseconds delay = retry_.first_delay;
    for (unsigned attempt = 1;; ++attempt) {
        try {
            Lease lease = acquire();
            try {
                return operation(lease);
            } catch (const CallError&) {
                lease.discard();
                throw;
            }
        } catch (const CallError& fault) {
            if (!is_recoverable_fault(fault.rv())) throw;
            wait_before_retry(fault, attempt, start, delay);
        }
    }
}

}  // namespace zs::hsm::pkcs11
