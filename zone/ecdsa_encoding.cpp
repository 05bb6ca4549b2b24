#include "zone/ecdsa_encoding.hpp"

#include <openssl/ecdsa.h>

#include "common/error.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/openssl_handles.hpp"

namespace zs::zone {

std::size_t ecdsa_component_size(std::uint8_t algorithm) {
    switch (algorithm) {
    case algorithm::ECDSAP256SHA256: return 32;
    case algorithm::ECDSAP384SHA384: return 48;
    default: return 0;
    }
}

Wire ecdsa_der_to_rs(const void* der, std::size_t der_size, std::size_t component_size) {
    const auto* cursor = static_cast<const unsigned char*>(der);
    ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_size)));
    if (!sig) throw Error(ossl::with_errors("ECDSA signature: DER does not parse"));
    if (cursor != static_cast<const unsigned char*>(der) + der_size)
        throw Error("ECDSA signature: trailing bytes after the DER sequence");
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    if (static_cast<std::size_t>(BN_num_bytes(r)) > component_size ||
        static_cast<std::size_t>(BN_num_bytes(s)) > component_size)
        throw Error("ECDSA signature: r or s is wider than " + std::to_string(component_size) + " octets");
    // Leading zero octets are kept (left padding): RFC 6605 fixes the size.
    Wire rs(2 * component_size, '\0');
    auto* out = reinterpret_cast<unsigned char*>(rs.data());
    BN_bn2binpad(r, out, static_cast<int>(component_size));
    BN_bn2binpad(s, out + component_size, static_cast<int>(component_size));
    return rs;
}

Bytes ecdsa_rs_to_der(const void* rs, std::size_t rs_size) {
    if (rs_size == 0 || rs_size % 2 != 0)
        throw Error("ECDSA signature: r|s has odd or zero length " + std::to_string(rs_size));
    const auto* in = static_cast<const unsigned char*>(rs);
    const int half = static_cast<int>(rs_size / 2);
    ossl::BnPtr r(BN_bin2bn(in, half, nullptr));
    ossl::BnPtr s(BN_bin2bn(in + half, half, nullptr));
    ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        throw Error(ossl::with_errors("ECDSA signature: cannot build DER"));
    r.release();  // owned by sig now
    s.release();
    const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (size <= 0) throw Error(ossl::with_errors("ECDSA signature: cannot encode DER"));
    Bytes der(static_cast<std::size_t>(size));
    unsigned char* out = der.data();
    i2d_ECDSA_SIG(sig.get(), &out);
    return der;
}

}  // namespace zs::zone
