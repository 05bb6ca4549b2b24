#include "hsm/ecdsa_signature.hpp"

#include <memory>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "common/error.hpp"

namespace zs::hsm {

namespace {
struct EcdsaSigFree {
    void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
}  // namespace

Bytes ecdsa_der_to_raw(const unsigned char* der, std::size_t der_size, std::size_t field_size) {
    const unsigned char* cursor = der;
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_size)));
    if (!sig || cursor != der + der_size) throw Error("ECDSA signature is not a valid DER SEQUENCE of two INTEGERs");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    Bytes raw(2 * field_size);
    if (BN_bn2binpad(r, raw.data(), static_cast<int>(field_size)) < 0 ||
        BN_bn2binpad(s, raw.data() + field_size, static_cast<int>(field_size)) < 0)
        throw Error("ECDSA signature value wider than " + std::to_string(field_size) + " octets");
    return raw;
}

}  // namespace zs::hsm
