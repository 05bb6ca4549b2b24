// Owning pointers for the OpenSSL handles zone/ uses (each freed with its own
// function), and the text of OpenSSL's error queue so that errors say what
// OpenSSL said. zone/ may not use hsm/, hence its own small copy.
#pragma once

#include <memory>
#include <string>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

namespace zs::zone::ossl {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
    void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
    void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Free>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Free>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Free>;
using MdPtr = std::unique_ptr<EVP_MD, Free>;
using BnPtr = std::unique_ptr<BIGNUM, Free>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Free>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Free>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Free>;

// "what" followed by ": " and this thread's drained OpenSSL error queue
// (oldest first) when it has entries.
std::string with_errors(const std::string& what);
// Empties this thread's error queue (after an expected failure).
void clear_errors();

}  // namespace zs::zone::ossl
