// Small pieces shared by the OpenSSL-based signers: owning pointers for
// OpenSSL handles (each freed with its own function) and the text of
// OpenSSL's error queue, so that errors say what OpenSSL said.
#pragma once

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/evp.h>

namespace zs::hsm {

struct EvpPkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct EvpPkeyCtxFree {
    void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct EvpMdCtxFree {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct EvpMdFree {
    void operator()(EVP_MD* p) const { EVP_MD_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free_all(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;
using EvpMdPtr = std::unique_ptr<EVP_MD, EvpMdFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// Empties this thread's OpenSSL error queue and returns its entries joined
// by "; " (oldest first); empty if the queue was empty.
std::string openssl_errors();

// "what" followed by ": " and the drained error queue when it has entries.
std::string with_openssl_errors(const std::string& what);

}  // namespace zs::hsm
