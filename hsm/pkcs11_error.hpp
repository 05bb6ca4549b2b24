// PKCS#11 return codes: their names, which of them a signer may retry, and
// the exception a failed Cryptoki call raises inside the hsm layer.
#pragma once

#include <string>

#include <p11-kit-1/p11-kit/pkcs11.h>

#include "common/error.hpp"

namespace zs::hsm::pkcs11 {

// "CKR_PIN_INCORRECT"; unknown (vendor) codes as "CKR_0x80000123".
std::string rv_name(CK_RV rv);

// Faults after which the same operation can succeed on a new session:
// the session or the login was lost, the device went away (and may come
// back), or a cached object handle went stale. Everything else (wrong PIN,
// bad template, unsupported mechanism, missing key...) is permanent.
bool is_recoverable_fault(CK_RV rv);

// The name with a plain-words reading for the codes operators meet:
// "PIN locked (CKR_PIN_LOCKED)", "wrong PIN (CKR_PIN_INCORRECT)".
std::string rv_description(CK_RV rv);

// A Cryptoki function returned something other than CKR_OK.
// what(): "C_Login: wrong PIN (CKR_PIN_INCORRECT)", plus "; note" if given.
class CallError : public Error {
public:
    CallError(const std::string& function, CK_RV rv, const std::string& note = "");
    CK_RV rv() const { return rv_; }
    const std::string& function() const { return function_; }

private:
    std::string function_;
    CK_RV rv_;
};

// Throws CallError unless rv is CKR_OK.
inline void check(CK_RV rv, const char* function) {
    if (rv != CKR_OK) throw CallError(function, rv);
}

}  // namespace zs::hsm::pkcs11
