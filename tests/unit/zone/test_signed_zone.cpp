#include "test_signed_zone.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "zone/name.hpp"
#include "zone/nsec3_hash.hpp"
#include "zone/type_bitmap.hpp"

namespace zs::zone::verifier_test {

void EvpPkeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

namespace {

struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigFree {
    void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

void require(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("OpenSSL failed in test: ") + what);
}

// ECDSA signatures come from OpenSSL as DER; DNSSEC wants r|s (RFC 6605 §4).
Wire ecdsa_der_to_rs(const unsigned char* der, std::size_t size, std::size_t half) {
    const unsigned char* p = der;
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size)));
    require(sig != nullptr, "d2i_ECDSA_SIG");
    const BIGNUM *r = nullptr, *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    Wire out(2 * half, '\0');
    require(BN_bn2binpad(r, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(half)) > 0, "r");
    require(BN_bn2binpad(s, reinterpret_cast<unsigned char*>(out.data() + half), static_cast<int>(half)) > 0, "s");
    return out;
}

unsigned test_rrsig_labels(const Wire& owner) {
    unsigned n = 0;
    for (std::size_t pos = 0; pos < owner.size() && owner[pos] != 0; pos += static_cast<unsigned char>(owner[pos]) + 1u)
        ++n;
    const bool wildcard = owner.size() >= 2 && owner[0] == 1 && owner[1] == '*';
    return n - (wildcard ? 1 : 0);
}

bool has_data(const Node& node) {
    return std::any_of(node.rrsets.begin(), node.rrsets.end(), [](const RRset& s) {
        return s.type != rrtype::RRSIG && s.type != rrtype::NSEC && s.type != rrtype::NSEC3;
    });
}

void insert_sorted(std::vector<Wire>& rdatas, const Wire& rdata) {
    auto it = std::lower_bound(rdatas.begin(), rdatas.end(), rdata);
    if (it == rdatas.end() || *it != rdata) rdatas.insert(it, rdata);
}

}  // namespace

std::uint16_t test_key_tag(const Wire& dnskey) {
    std::uint32_t ac = 0;
    for (std::size_t i = 0; i < dnskey.size(); ++i)
        ac += (i & 1) ? static_cast<unsigned char>(dnskey[i]) : static_cast<unsigned char>(dnskey[i]) << 8;
    ac += (ac >> 16) & 0xffff;
    return static_cast<std::uint16_t>(ac & 0xffff);
}

TestKey make_test_key(std::uint8_t algorithm, std::uint16_t flags, bool signs_dnskey, bool signs_data) {
    TestKey key;
    key.algorithm = algorithm;
    key.flags = flags;
    key.signs_dnskey = signs_dnskey;
    key.signs_data = signs_data;
    EVP_PKEY* raw = algorithm == 13 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                                    : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    require(raw != nullptr, "keygen");
    key.pkey.reset(raw);
    Wire public_key;
    if (algorithm == 13) {
        unsigned char* encoded = nullptr;
        std::size_t size = EVP_PKEY_get1_encoded_public_key(raw, &encoded);
        require(size == 65, "encoded public key");
        // Drop the 0x04 "uncompressed point" prefix: DNSKEY holds x|y.
        public_key.assign(reinterpret_cast<const char*>(encoded) + 1, size - 1);
        OPENSSL_free(encoded);
    } else {
        public_key.resize(32);
        std::size_t size = public_key.size();
        require(EVP_PKEY_get_raw_public_key(raw, reinterpret_cast<unsigned char*>(public_key.data()), &size) == 1 &&
                    size == 32,
                "raw public key");
    }
    put_u16(key.dnskey, flags);
    put_u8(key.dnskey, 3);
    put_u8(key.dnskey, algorithm);
    key.dnskey += public_key;
    key.tag = test_key_tag(key.dnskey);
    return key;
}

Wire test_sign(const TestKey& key, const Wire& data) {
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    require(ctx != nullptr, "EVP_MD_CTX_new");
    const EVP_MD* md = key.algorithm == 13 ? EVP_sha256() : nullptr;
    require(EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key.pkey.get()) == 1, "DigestSignInit");
    std::size_t size = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    require(EVP_DigestSign(ctx.get(), nullptr, &size, bytes, data.size()) == 1, "DigestSign size");
    std::vector<unsigned char> sig(size);
    require(EVP_DigestSign(ctx.get(), sig.data(), &size, bytes, data.size()) == 1, "DigestSign");
    if (key.algorithm == 13) return ecdsa_der_to_rs(sig.data(), size, 32);
    return Wire(reinterpret_cast<const char*>(sig.data()), size);
}

Wire a_rdata(std::uint8_t last_octet) { return Wire("\xc0\x00\x02", 3) + static_cast<char>(last_octet); }

Wire txt_rdata(const std::string& text) { return static_cast<char>(text.size()) + text; }

Wire ns_rdata(const Wire& target) { return target; }

Wire ds_rdata(std::uint16_t tag) {
    Wire w;
    put_u16(w, tag);
    put_u8(w, 13);
    put_u8(w, 2);
    w += std::string(32, '\x5a');
    return w;
}

TestSignedZone::TestSignedZone() {
    zone.origin = name("example.");
    Wire soa = name("ns1.example.") + name("hostmaster.example.");
    for (std::uint32_t v : {1u, 7200u, 3600u, 1209600u, soa_minimum}) put_u32(soa, v);
    add("example.", rrtype::SOA, 3600, soa);
    add("example.", rrtype::NS, 3600, ns_rdata(name("ns1.example.")));
    add_key(make_test_key(13, 257, true, false));
    add_key(make_test_key(13, 256, false, true));
}

Wire TestSignedZone::name(const std::string& text) const { return name_from_text(text, Wire(1, '\0')); }

void TestSignedZone::add(const std::string& owner, std::uint16_t type, std::uint32_t ttl, const Wire& rdata) {
    insert_sorted(zone.get_or_add(name(owner)).get_or_add(type, ttl).rdatas, rdata);
    zone.classify();
}

void TestSignedZone::add_key(TestKey key) {
    add("example.", rrtype::DNSKEY, 3600, key.dnskey);
    keys.push_back(std::move(key));
}

void TestSignedZone::add_standard_names() {
    add("ns1.example.", rrtype::A, 3600, a_rdata(1));
    add("www.example.", rrtype::A, 3600, a_rdata(2));
    add("www.example.", rrtype::TXT, 3600, txt_rdata("web"));
    add("a.b.example.", rrtype::TXT, 3600, txt_rdata("hello"));
    add("*.wild.example.", rrtype::A, 3600, a_rdata(4));
    add("sub.example.", rrtype::NS, 3600, ns_rdata(name("ns.sub.example.")));
    add("sub.example.", rrtype::DS, 3600, ds_rdata(4242));
    add("ns.sub.example.", rrtype::A, 3600, a_rdata(3));
    add("insecure.example.", rrtype::NS, 3600, ns_rdata(name("ns1.example.")));
    add("x.y.example.", rrtype::NS, 3600, ns_rdata(name("ns1.example.")));
}

void TestSignedZone::build_nsec_chain() {
    zone.classify();
    std::vector<Node*> chain;
    for (auto& node : zone.nodes)
        if (node.kind != NodeKind::Occluded && has_data(node)) chain.push_back(&node);
    std::vector<std::vector<std::uint16_t>> types(chain.size());
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const Node& node = *chain[i];
        if (node.kind == NodeKind::Delegation) {
            types[i] = {rrtype::NS};
            if (node.find(rrtype::DS)) types[i].push_back(rrtype::DS);
        } else {
            for (const auto& s : node.rrsets) types[i].push_back(s.type);
        }
        types[i].push_back(rrtype::RRSIG);
        types[i].push_back(rrtype::NSEC);
        std::sort(types[i].begin(), types[i].end());
    }
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const Wire& next = i + 1 < chain.size() ? chain[i + 1]->owner : zone.origin;
        chain[i]->get_or_add(rrtype::NSEC, soa_minimum).rdatas = {next + encode_type_bitmap(types[i])};
    }
}

void TestSignedZone::build_nsec3_chain(const Nsec3Setup& setup) {
    nsec3 = setup;
    Wire param;
    put_u8(param, 1);
    put_u8(param, 0);
    put_u16(param, setup.iterations);
    put_u8(param, static_cast<std::uint8_t>(setup.salt.size()));
    param += setup.salt;
    add("example.", rrtype::NSEC3PARAM, 0, param);

    struct Entry {
        Wire name;
        std::vector<std::uint16_t> types;
        Wire hash;
    };
    std::vector<Entry> entries;
    std::set<Wire> ent_candidates;
    for (const auto& node : zone.nodes) {
        if (node.kind == NodeKind::Occluded || !has_data(node)) continue;
        for (Wire up = parent_of(node.owner); up.size() > zone.origin.size(); up = parent_of(up)) {
            const Node* n = zone.find(up);
            if (!n || !has_data(*n)) ent_candidates.insert(up);
        }
        Entry e{node.owner, {}, {}};
        if (node.kind == NodeKind::Delegation) {
            const bool secure = node.find(rrtype::DS) != nullptr;
            if (!secure && setup.opt_out) continue;
            e.types = {rrtype::NS};
            if (secure) e.types.insert(e.types.end(), {rrtype::DS, rrtype::RRSIG});
        } else {
            for (const auto& s : node.rrsets) e.types.push_back(s.type);
            e.types.push_back(rrtype::RRSIG);
        }
        std::sort(e.types.begin(), e.types.end());
        entries.push_back(std::move(e));
    }
    std::vector<Entry> ents;
    for (const auto& ent : ent_candidates) {
        bool leads_somewhere = std::any_of(entries.begin(), entries.end(), [&](const Entry& e) {
            return e.name != ent && is_at_or_below(e.name, ent);
        });
        if (leads_somewhere) ents.push_back(Entry{ent, {}, {}});
    }
    entries.insert(entries.end(), ents.begin(), ents.end());
    std::erase_if(entries, [&](const Entry& e) { return setup.skip.count(name_to_text(e.name)) > 0; });
    for (auto& e : entries) e.hash = nsec3_hash(e.name, setup.salt, setup.iterations);
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; });

    zone.nsec3_nodes.clear();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        Wire rdata;
        put_u8(rdata, 1);
        put_u8(rdata, setup.opt_out ? 1 : 0);
        put_u16(rdata, setup.iterations);
        put_u8(rdata, static_cast<std::uint8_t>(setup.salt.size()));
        rdata += setup.salt;
        const Wire& next = entries[(i + 1) % entries.size()].hash;
        put_u8(rdata, static_cast<std::uint8_t>(next.size()));
        rdata += next;
        rdata += encode_type_bitmap(entries[i].types);
        Node node;
        node.owner = nsec3_owner(entries[i].hash, zone.origin);
        node.get_or_add(rrtype::NSEC3, soa_minimum).rdatas = {rdata};
        zone.nsec3_nodes.push_back(std::move(node));
    }
    std::sort(zone.nsec3_nodes.begin(), zone.nsec3_nodes.end(),
              [](const Node& a, const Node& b) { return canonical_compare(a.owner, b.owner) < 0; });
}

void TestSignedZone::add_signature(Node& node, RRset& rrset, const TestKey& key,
                                   const std::function<void(RrsigFields&)>& tweak) {
    RrsigFields f;
    f.type_covered = rrset.type;
    f.algorithm = key.algorithm;
    f.labels = static_cast<std::uint8_t>(test_rrsig_labels(node.owner));
    f.original_ttl = rrset.ttl;
    f.inception = now - 3600;
    f.expiration = now + 30 * 86400;
    f.key_tag = key.tag;
    f.signer = zone.origin;
    if (tweak) tweak(f);
    Wire data;
    build_signed_data(data, f, node.owner, zone.rclass, rrset);
    f.signature = test_sign(key, data);
    rrset.rrsigs.push_back(encode_rrsig_rdata(f));
}

void TestSignedZone::sign_rrset(Node& node, RRset& rrset, bool nsec3_owner) {
    rrset.rrsigs.clear();
    bool must_sign = nsec3_owner || node.kind == NodeKind::Authoritative ||
                     (node.kind == NodeKind::Delegation && (rrset.type == rrtype::DS || rrset.type == rrtype::NSEC));
    if (!must_sign) return;
    for (const auto& key : keys)
        if (rrset.type == rrtype::DNSKEY ? key.signs_dnskey : key.signs_data) add_signature(node, rrset, key);
}

void TestSignedZone::sign_all() {
    zone.classify();
    for (auto& node : zone.nodes)
        for (auto& rrset : node.rrsets) sign_rrset(node, rrset, false);
    for (auto& node : zone.nsec3_nodes)
        for (auto& rrset : node.rrsets) sign_rrset(node, rrset, true);
}

void TestSignedZone::resign(const std::string& owner, std::uint16_t type,
                            const std::function<void(RrsigFields&)>& tweak) {
    Node& n = node(owner);
    RRset& set = rrset(owner, type);
    set.rrsigs.clear();
    for (const auto& key : keys)
        if (type == rrtype::DNSKEY ? key.signs_dnskey : key.signs_data) add_signature(n, set, key, tweak);
}

Node& TestSignedZone::node(const std::string& owner) {
    Wire wire = name(owner);
    if (Node* n = zone.find(wire)) return *n;
    for (auto& n : zone.nsec3_nodes)
        if (n.owner == wire) return n;
    throw std::runtime_error("test zone has no node " + owner);
}

RRset& TestSignedZone::rrset(const std::string& owner, std::uint16_t type) {
    RRset* set = node(owner).find(type);
    if (!set) throw std::runtime_error("test zone has no " + owner + " " + std::to_string(type));
    return *set;
}

Node& TestSignedZone::nsec3_node_for(const std::string& owner) {
    Wire hashed = nsec3_owner(nsec3_hash(name(owner), nsec3.salt, nsec3.iterations), zone.origin);
    for (auto& n : zone.nsec3_nodes)
        if (n.owner == hashed) return n;
    throw std::runtime_error("test zone has no NSEC3 for " + owner);
}

std::size_t TestSignedZone::signature_count() const {
    std::size_t count = 0;
    for (const auto* nodes : {&zone.nodes, &zone.nsec3_nodes})
        for (const auto& node : *nodes)
            for (const auto& rrset : node.rrsets) count += rrset.rrsigs.size();
    return count;
}

VerifyReport TestSignedZone::verify(VerifyMode mode, unsigned threads) const {
    VerifyOptions options;
    options.mode = mode;
    options.now = now;
    options.threads = threads;
    options.sample_seed = 1;
    options.max_problems = 100;
    return verify_zone(zone, options);
}

bool has_problem(const VerifyReport& report, std::initializer_list<std::string> fragments) {
    return std::any_of(report.problems.begin(), report.problems.end(), [&](const std::string& p) {
        return std::all_of(fragments.begin(), fragments.end(),
                           [&](const std::string& f) { return p.find(f) != std::string::npos; });
    });
}

std::string problems_text(const VerifyReport& report) {
    std::string text;
    for (const auto& p : report.problems) text += "  " + p + "\n";
    return text.empty() ? "  (no problems)\n" : text;
}

}  // namespace zs::zone::verifier_test
