// RFC 5155 §5: IH(salt, x, 0) = H(x || salt), IH(salt, x, k) = H(IH(salt, x, k-1) || salt),
// hash = IH(salt, owner, iterations), with x the canonical (lower-case) wire name.
#include "zone/nsec3_hash.hpp"

#include <memory>

#include <openssl/evp.h>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "zone/name.hpp"
#include "zone/openssl_handles.hpp"

namespace zs::zone {

namespace {

constexpr std::size_t sha1_size = 20;

const EVP_MD* sha1() {
    // Fetched once per process: a fetch per name would cost more than the hash.
    static const ossl::MdPtr md(EVP_MD_fetch(nullptr, "SHA1", nullptr));
    if (!md) throw Error(ossl::with_errors("cannot fetch SHA-1 for NSEC3"));
    return md.get();
}

// One context per thread, reused for every name and iteration.
EVP_MD_CTX* thread_context() {
    thread_local const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx) throw Error("cannot allocate a digest context for NSEC3");
    return ctx.get();
}

void hash_once(EVP_MD_CTX* ctx, const EVP_MD* md, const void* data, std::size_t size, const Wire& salt,
               unsigned char* out) {
    unsigned int out_size = 0;
    if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1 || EVP_DigestUpdate(ctx, data, size) != 1 ||
        EVP_DigestUpdate(ctx, salt.data(), salt.size()) != 1 || EVP_DigestFinal_ex(ctx, out, &out_size) != 1 ||
        out_size != sha1_size)
        throw Error(ossl::with_errors("NSEC3 SHA-1"));
}

}  // namespace

Wire nsec3_hash(const Wire& name, const Wire& salt, std::uint16_t iterations) {
    const EVP_MD* md = sha1();
    EVP_MD_CTX* ctx = thread_context();
    unsigned char digest[sha1_size];
    // Owners in the zone model are lower case already; lower-case anyway when
    // a caller passes another spelling (only then is a copy made).
    bool has_upper = false;
    for (char c : name) has_upper |= (c >= 'A' && c <= 'Z');
    if (has_upper) {
        const Wire lower = lowercased(name);
        hash_once(ctx, md, lower.data(), lower.size(), salt, digest);
    } else {
        hash_once(ctx, md, name.data(), name.size(), salt, digest);
    }
    for (unsigned k = 0; k < iterations; ++k) hash_once(ctx, md, digest, sha1_size, salt, digest);
    return Wire(reinterpret_cast<const char*>(digest), sha1_size);
}

Wire nsec3_owner(const Wire& hash, const Wire& zone) {
    const std::string label = to_base32hex(hash.data(), hash.size());
    if (label.empty() || label.size() > 63)
        throw Error("NSEC3 hash of " + std::to_string(hash.size()) + " octets does not make one label");
    if (1 + label.size() + zone.size() > 255) throw Error("NSEC3 owner name longer than 255 octets");
    Wire owner;
    owner.reserve(1 + label.size() + zone.size());
    put_u8(owner, static_cast<std::uint8_t>(label.size()));
    owner += label;
    owner += zone;
    return owner;
}

}  // namespace zs::zone
