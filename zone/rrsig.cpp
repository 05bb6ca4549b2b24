// RRSIG RDATA (RFC 4034 §3.1) and the signed data (§3.1.8.1, §6).
#include "zone/rrsig.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "zone/name.hpp"

namespace zs::zone {

namespace {

constexpr std::size_t fixed_header_size = 18;  // type .. key tag

// Lower-cases the name just appended at `from`. Length octets are at most 63,
// below 'A', so a plain ASCII pass over the whole name is safe.
void lowercase_tail(Wire& out, std::size_t from) {
    for (std::size_t i = from; i < out.size(); ++i)
        if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] + 32);
}

// Appends the owner as the signature covers it: if the RRSIG Labels field is
// smaller than the owner's label count, the owner was synthesised from a
// wildcard and the signed owner is "*." plus its rightmost `labels` labels
// (RFC 4034 §3.1.8.1, RFC 4035 §5.3.2). Lower case (§6.2).
void append_signed_owner(Wire& out, const Wire& owner, unsigned labels) {
    const std::size_t from = out.size();
    const auto offsets = label_offsets(owner);
    if (labels < offsets.size()) {
        out += "\x01*";
        out.append(owner, offsets[offsets.size() - labels], std::string::npos);
    } else {
        out += owner;
    }
    lowercase_tail(out, from);
}

std::size_t name_end(const Wire& rdata, std::size_t pos) {
    while (true) {
        if (pos >= rdata.size()) throw Error("RRSIG RDATA truncated in the signer name");
        const std::uint8_t length = get_u8(rdata, pos);
        if (length > 63) throw Error("RRSIG signer name has a compression pointer or bad label length");
        pos += 1 + length;
        if (length == 0) return pos;
    }
}

}  // namespace

void append_rrsig_header(Wire& out, const RrsigFields& f) {
    put_u16(out, f.type_covered);
    put_u8(out, f.algorithm);
    put_u8(out, f.labels);
    put_u32(out, f.original_ttl);
    put_u32(out, f.expiration);
    put_u32(out, f.inception);
    put_u16(out, f.key_tag);
    const std::size_t from = out.size();
    out += f.signer;
    lowercase_tail(out, from);  // RFC 4034 §6.2 item 3: RRSIG is on the list
}

Wire encode_rrsig_rdata(const RrsigFields& f) {
    Wire rdata;
    rdata.reserve(fixed_header_size + f.signer.size() + f.signature.size());
    append_rrsig_header(rdata, f);
    rdata += f.signature;
    return rdata;
}

RrsigFields decode_rrsig_rdata(const Wire& rdata) {
    RrsigFields f;
    decode_rrsig_rdata(rdata, f);
    return f;
}

void decode_rrsig_rdata(const Wire& rdata, RrsigFields& f) {
    if (rdata.size() < fixed_header_size + 1) throw Error("RRSIG RDATA truncated: " + std::to_string(rdata.size()) + " octets");
    f.type_covered = get_u16(rdata, 0);
    f.algorithm = get_u8(rdata, 2);
    f.labels = get_u8(rdata, 3);
    f.original_ttl = get_u32(rdata, 4);
    f.expiration = get_u32(rdata, 8);
    f.inception = get_u32(rdata, 12);
    f.key_tag = get_u16(rdata, 16);
    const std::size_t end = name_end(rdata, fixed_header_size);
    f.signer.assign(rdata, fixed_header_size, end - fixed_header_size);
    f.signature.assign(rdata, end);
}

void build_signed_data(Wire& out, const RrsigFields& header, const Wire& owner, std::uint16_t rclass,
                       const RRset& rrset) {
    out.clear();
    // The zone model keeps RDATA sorted and unique (RFC 4034 §6.3); check it
    // (linear) and sort copies of the pointers only when a caller broke that.
    std::vector<const Wire*> sorted;
    const bool canonical = std::adjacent_find(rrset.rdatas.begin(), rrset.rdatas.end(),
                                              [](const Wire& a, const Wire& b) { return !(a < b); }) ==
                           rrset.rdatas.end();
    if (!canonical) {
        for (const auto& rdata : rrset.rdatas) sorted.push_back(&rdata);
        std::sort(sorted.begin(), sorted.end(), [](const Wire* a, const Wire* b) { return *a < *b; });
        sorted.erase(std::unique(sorted.begin(), sorted.end(), [](const Wire* a, const Wire* b) { return *a == *b; }),
                     sorted.end());
    }

    append_rrsig_header(out, header);
    const std::size_t owner_at = out.size();
    append_signed_owner(out, owner, header.labels);
    const std::size_t owner_size = out.size() - owner_at;

    // One reservation for everything: `out` keeps its capacity between calls,
    // and the owner is copied from `out` itself without a reallocation.
    std::size_t total = out.size() + rrset.rdatas.size() * (owner_size + 10);
    for (const auto& rdata : rrset.rdatas) total += rdata.size();
    out.reserve(total);

    bool first = true;
    auto append_rr = [&](const Wire& rdata) {
        if (!first) out.append(out, owner_at, owner_size);
        first = false;
        put_u16(out, rrset.type);
        put_u16(out, rclass);
        put_u32(out, header.original_ttl);  // RFC 4034 §3.1.8.1: Original TTL, not the current TTL
        put_u16(out, static_cast<std::uint16_t>(rdata.size()));
        out += rdata;
    };
    if (canonical) {
        for (const auto& rdata : rrset.rdatas) append_rr(rdata);
    } else {
        for (const Wire* rdata : sorted) append_rr(*rdata);
    }
    if (first) out.resize(owner_at);  // an empty RRset covers no RR
}

bool serial_lt(std::uint32_t a, std::uint32_t b) {
    // RFC 1982 §3.2 with SERIAL_BITS = 32. When a and b are exactly 2^31
    // apart the comparison is undefined; we answer "not before" both ways.
    constexpr std::uint32_t half = 0x80000000u;
    return (a < b && b - a < half) || (a > b && a - b > half);
}

}  // namespace zs::zone
