// DS RDATA (RFC 4034 §5.1.4, RFC 4509, RFC 6605 §3): digest over the
// canonical owner name followed by the DNSKEY RDATA.
#include <openssl/evp.h>

#include "common/error.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/name.hpp"
#include "zone/openssl_handles.hpp"

namespace zs::zone {

Wire make_ds_rdata(const Wire& owner, const Wire& dnskey_rdata, std::uint8_t digest) {
    const EVP_MD* md = digest == digest_type::SHA256   ? EVP_sha256()
                       : digest == digest_type::SHA384 ? EVP_sha384()
                                                       : nullptr;
    if (md == nullptr)
        throw Error("DS digest type " + std::to_string(digest) + " not supported (only 2, SHA-256, and 4, SHA-384)");
    Wire input = lowercased(owner);
    input += dnskey_rdata;
    unsigned char value[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(input.data(), input.size(), value, &size, md, nullptr) != 1)
        throw Error(ossl::with_errors("DS digest"));
    Wire rdata;
    rdata.reserve(4 + size);
    put_u16(rdata, key_tag(dnskey_rdata));
    put_u8(rdata, dnskey_algorithm_of(dnskey_rdata));
    put_u8(rdata, digest);
    rdata.append(reinterpret_cast<const char*>(value), size);
    return rdata;
}

}  // namespace zs::zone
