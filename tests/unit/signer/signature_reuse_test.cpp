// Incremental re-signing: when a cached signature may be published again,
// the signature cache's file format (round trip and damage), and the
// RRset signer taking signatures and text over from a previous signing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include "common/atomic_file.hpp"
#include "common/checksum.hpp"
#include "hsm/openssl_file_signer.hpp"
#include "keymgr/zone_keys.hpp"
#include "signer/previous_signing.hpp"
#include "signer/signature_cache.hpp"
#include "signer/signature_reuse.hpp"
#include "signer/signing_engine.hpp"
#include "zone/dnssec_algorithm.hpp"
#include "zone/name.hpp"
#include "zone/rrsig.hpp"
#include "zone/zone_writer.hpp"

using namespace zs;
using namespace zs::signer;
using namespace zs::zone;
namespace fs = std::filesystem;

namespace {

const UnixTime kNow = 1'800'000'000;
const Wire kOrigin = name_from_text("example.", Wire(1, '\0'));

Wire rrsig_rdata(std::uint32_t inception, std::uint32_t expiration, std::uint16_t key_tag = 4711,
                 std::uint8_t algorithm = 13, std::uint32_t ttl = 3600, std::uint16_t type = rrtype::A,
                 std::uint8_t labels = 2, const Wire& signer = kOrigin) {
    RrsigFields f;
    f.type_covered = type;
    f.algorithm = algorithm;
    f.labels = labels;
    f.original_ttl = ttl;
    f.expiration = expiration;
    f.inception = inception;
    f.key_tag = key_tag;
    f.signer = signer;
    f.signature = Wire(64, 'S');
    return encode_rrsig_rdata(f);
}

WantedRrsig wanted_a() { return WantedRrsig{rrtype::A, 13, 2, 3600, 4711, &kOrigin, false}; }

ReuseRules rules() { return ReuseRules{kNow, 5 * 86400, 14 * 86400, 7 * 86400}; }

std::uint32_t at(Seconds offset) { return static_cast<std::uint32_t>(kNow + offset); }

}  // namespace

TEST(SignatureReuse, ReusesASignatureWithMoreThanTheRefreshTimeLeft) {
    const auto expiration = reusable_rrsig(rrsig_rdata(at(-86400), at(10 * 86400)), wanted_a(), rules());
    ASSERT_TRUE(expiration.has_value());
    EXPECT_EQ(*expiration, kNow + 10 * 86400);
}

TEST(SignatureReuse, RefusesSignaturesDueForRefreshNotYetValidOrTooLong) {
    // Exactly the refresh time left is due (re-signed), one second more is not.
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(at(-86400), at(5 * 86400)), wanted_a(), rules()));
    EXPECT_TRUE(reusable_rrsig(rrsig_rdata(at(-86400), at(5 * 86400 + 1)), wanted_a(), rules()));
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(at(-86400), at(-1)), wanted_a(), rules()));  // expired
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(at(60), at(10 * 86400)), wanted_a(), rules()));  // future inception
    // The policy's validity was shortened to 14 days: a 20-day signature is made again.
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(at(-86400), at(20 * 86400)), wanted_a(), rules()));
    EXPECT_TRUE(reusable_rrsig(rrsig_rdata(at(-86400), at(14 * 86400)), wanted_a(), rules()));
}

TEST(SignatureReuse, DenialRecordsUseTheDenialValidity) {
    WantedRrsig nsec = wanted_a();
    nsec.type_covered = rrtype::NSEC;
    nsec.denial = true;
    const Wire ten_days = rrsig_rdata(at(-86400), at(10 * 86400), 4711, 13, 3600, rrtype::NSEC);
    EXPECT_FALSE(reusable_rrsig(ten_days, nsec, rules()));  // longer than the 7-day denial validity
    const Wire six_days = rrsig_rdata(at(-86400), at(6 * 86400), 4711, 13, 3600, rrtype::NSEC);
    EXPECT_TRUE(reusable_rrsig(six_days, nsec, rules()));
}

TEST(SignatureReuse, RefusesASignatureThatIsNotTheOneThatWouldBeMade) {
    const std::uint32_t inc = at(-86400), exp = at(10 * 86400);
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(inc, exp, 4712), wanted_a(), rules()));           // other key tag
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(inc, exp, 4711, 8), wanted_a(), rules()));        // other algorithm
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(inc, exp, 4711, 13, 300), wanted_a(), rules()));  // other TTL
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(inc, exp, 4711, 13, 3600, rrtype::AAAA), wanted_a(), rules()));
    EXPECT_FALSE(reusable_rrsig(rrsig_rdata(inc, exp, 4711, 13, 3600, rrtype::A, 3), wanted_a(), rules()));
    const Wire other_zone = name_from_text("example.net.", Wire(1, '\0'));
    EXPECT_FALSE(
        reusable_rrsig(rrsig_rdata(inc, exp, 4711, 13, 3600, rrtype::A, 2, other_zone), wanted_a(), rules()));
    EXPECT_FALSE(reusable_rrsig(Wire(10, '\0'), wanted_a(), rules()));  // truncated
}

namespace {

class SignatureCacheFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("zs-sigcache-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Writes a cache for two nodes whose texts make up `output`.
    void write_cache(const std::string& path, const std::string& output_path) {
        const std::string header = "; header\n";
        const std::string text_a = "a.example. 3600 IN A 192.0.2.1\n";
        const std::string text_b = "b.example. 3600 IN A 192.0.2.2\n";
        write_file_atomically(output_path, header + text_a + text_b);
        const Wire key1 = make_dnskey_rdata(257, 13, Wire(64, 'k'));
        const Wire key2 = make_dnskey_rdata(256, 13, Wire(64, 'z'));
        zsk_tag_ = key_tag(key2);
        SignatureCacheWriter writer(path, kOrigin, class_IN, static_cast<std::uint32_t>(header.size()), {key1, key2});
        Node a = node("a.example.", key_tag(key2));
        Node b = node("b.example.", key_tag(key2));
        std::string entries;
        writer.serialize_node(entries, a, {RrsetDigest{1}}, text_a);
        writer.serialize_node(entries, b, {RrsetDigest{2}}, text_b);
        writer.append(entries, 2);
        writer.commit(file_identity(output_path));
    }

    static Node node(const std::string& owner, std::uint16_t tag) {
        Node n;
        n.owner = name_from_text(owner, Wire(1, '\0'));
        RRset set;
        set.type = rrtype::A;
        set.ttl = 3600;
        set.rdatas = {Wire("\xc0\x00\x02\x01", 4)};
        set.rrsigs = {rrsig_rdata(at(-3600), at(10 * 86400), tag)};
        n.rrsets.push_back(set);
        return n;
    }

    fs::path dir_;
    std::uint16_t zsk_tag_ = 0;
};

}  // namespace

TEST_F(SignatureCacheFile, RoundTripsNodesRrsetsAndSignatures) {
    const std::string cache_path = (dir_ / "zones" / "example.sigs").string();
    const std::string output = (dir_ / "out.zone").string();
    write_cache(cache_path, output);
    EXPECT_EQ(fs::status(cache_path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    SignatureCache cache(cache_path);
    EXPECT_EQ(Wire(cache.origin()), kOrigin);
    EXPECT_EQ(cache.rclass(), class_IN);
    ASSERT_EQ(cache.keys().size(), 2u);
    EXPECT_EQ(cache.node_count(), 2u);
    EXPECT_EQ(cache.output(), file_identity(output));

    std::size_t cursor = 0;
    const Wire b_owner = name_from_text("b.example.", Wire(1, '\0'));
    const CachedNode* b = cache.find(b_owner, cursor);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(cursor, 2u);
    const std::string text = read_file(output);
    EXPECT_EQ(text.substr(b->text_offset, b->text_length), "b.example. 3600 IN A 192.0.2.2\n");
    EXPECT_EQ(b->text_checksum, checksum64("b.example. 3600 IN A 192.0.2.2\n"));
    ASSERT_EQ(b->rrset_count, 1u);
    const CachedRrset& set = cache.rrset(*b, 0);
    EXPECT_EQ(set.type, rrtype::A);
    EXPECT_EQ(set.digest, RrsetDigest{2});
    ASSERT_EQ(set.rrsig_count, 1u);
    EXPECT_EQ(cache.rrsig(set, 0).key, 1u);  // the ZSK, second in the key list
    EXPECT_EQ(Wire(cache.rrsig(set, 0).rdata), rrsig_rdata(at(-3600), at(10 * 86400), zsk_tag_));

    // Out of order (binary search) and missing names.
    cursor = 0;
    const CachedNode* a = cache.find(name_from_text("a.example.", Wire(1, '\0')), cursor);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(text.substr(a->text_offset, a->text_length), "a.example. 3600 IN A 192.0.2.1\n");
    cursor = 2;
    EXPECT_NE(cache.find(name_from_text("a.example.", Wire(1, '\0')), cursor), nullptr);
    EXPECT_EQ(cache.find(name_from_text("c.example.", Wire(1, '\0')), cursor), nullptr);
    EXPECT_EQ(cache.find(name_from_text("0.example.", Wire(1, '\0')), cursor), nullptr);
}

TEST_F(SignatureCacheFile, RefusesInconsistentFilesWhoseChecksumIsRight) {
    const std::string cache_path = (dir_ / "example.sigs").string();
    const std::string output = (dir_ / "out.zone").string();
    write_file_atomically(output, "; header\na.example. 3600 IN A 192.0.2.1\nb.example. 3600 IN A 192.0.2.2\n");
    const Wire key = make_dnskey_rdata(256, 13, Wire(64, 'z'));
    const std::string text = "a.example. 3600 IN A 192.0.2.1\n";
    auto refused = [&](const std::function<void(SignatureCacheWriter&, std::string&)>& fill,
                       std::optional<FileIdentity> identity = std::nullopt) {
        {
            SignatureCacheWriter writer(cache_path, kOrigin, class_IN, 9, {key});
            std::string entries;
            fill(writer, entries);
            writer.commit(identity.value_or(file_identity(output)));
        }
        try {
            SignatureCache cache(cache_path);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const Node a = node("a.example.", key_tag(key)), b = node("b.example.", key_tag(key));
    // Two names in order whose texts add up to the output: accepted.
    EXPECT_EQ(refused([&](SignatureCacheWriter& w, std::string& e) {
        w.serialize_node(e, a, {RrsetDigest{1}}, text);
        w.serialize_node(e, b, {RrsetDigest{2}}, text);
        w.append(e, 2);
    }), "accepted");
    EXPECT_NE(refused([&](SignatureCacheWriter& w, std::string& e) {
        w.serialize_node(e, b, {RrsetDigest{2}}, text);
        w.serialize_node(e, a, {RrsetDigest{1}}, text);
        w.append(e, 2);
    }).find("out of canonical order"), std::string::npos);
    EXPECT_NE(refused([&](SignatureCacheWriter& w, std::string& e) {
        w.serialize_node(e, a, {RrsetDigest{1}}, text);
        w.append(e, 1);
    }).find("do not add up"), std::string::npos);
    EXPECT_NE(refused([&](SignatureCacheWriter& w, std::string& e) {
        w.serialize_node(e, a, {RrsetDigest{1}}, text);
        w.serialize_node(e, b, {RrsetDigest{2}}, text);
        w.append(e, 2);
        w.append("junk", 0);
    }).find("unexpected bytes after the last node"), std::string::npos);
    EXPECT_NE(refused([&](SignatureCacheWriter& w, std::string& e) {
        w.serialize_node(e, a, {RrsetDigest{1}}, text);
        w.append(e, 3);
    }).find("truncated"), std::string::npos);
    Node bad_owner = a;
    bad_owner.owner = Wire("\x05" "ab", 3);
    EXPECT_NE(refused([&](SignatureCacheWriter& w, std::string& e) {
        w.serialize_node(e, bad_owner, {RrsetDigest{1}}, text);
        w.append(e, 1);
    }).find("is not a domain name"), std::string::npos);
    // Another zonesigner version's cache (the version follows the magic).
    std::string other = read_file(cache_path);
    other[8 + 1] = 'X';
    const std::size_t summed = other.size() - 16;
    const std::uint64_t sum = checksum64(std::string_view(other).substr(0, summed));
    for (int i = 0; i < 8; ++i) other[summed + i] = static_cast<char>(sum >> (56 - 8 * i));
    write_file_atomically(cache_path, other, 0600);
    try {
        SignatureCache cache(cache_path);
        ADD_FAILURE() << "another version's cache accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("written by zonesigner X"), std::string::npos) << e.what();
    }
}

TEST_F(SignatureCacheFile, RefusesDamagedFilesAsAWhole) {
    const std::string cache_path = (dir_ / "example.sigs").string();
    const std::string output = (dir_ / "out.zone").string();
    write_cache(cache_path, output);
    const std::string good = read_file(cache_path);
    auto damaged = [&](const std::string& bytes) {
        write_file_atomically(cache_path, bytes, 0600);
        try {
            SignatureCache cache(cache_path);
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(cache_path), std::string::npos) << e.what();
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(damaged(good.substr(0, good.size() - 1)).find("incomplete"), std::string::npos);
    EXPECT_NE(damaged(good.substr(0, good.size() / 2)).find("damaged"), std::string::npos);
    EXPECT_NE(damaged("XX" + good.substr(2)).find("not a zonesigner signature cache"), std::string::npos);
    std::string wrong_count = good;
    wrong_count[wrong_count.size() - 64 + 7] = 3;  // node count 3 instead of 2
    EXPECT_NE(damaged(wrong_count).find("checksum mismatch"), std::string::npos);
    std::string flipped_signature = good;
    flipped_signature[good.size() - 64 - 10] ^= 1;  // a bit of the last RRSIG's signature
    EXPECT_NE(damaged(flipped_signature).find("checksum mismatch"), std::string::npos);
    EXPECT_EQ(damaged(good), "accepted");
}

namespace {

// Two keys in an OpenSSL file signer, a small zone, and the pieces of the
// pipeline that sign it window-less: sign every node, format, write the
// output and the cache, as sign_pipeline does.
class IncrementalSigning : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("zs-incremental-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "keys");
        files_ = std::make_unique<hsm::OpenSslFileSigner>("files", (dir_ / "keys").string());
        ksk_ = add_key("ksk", keymgr::KeyRole::Ksk, 257);
        zsk_ = add_key("zsk", keymgr::KeyRole::Zsk, 256);
        times_.validity = 14 * 86400;
        times_.denial_validity = 14 * 86400;
        times_.jitter = 86400;
        times_.inception_offset = 3600;
        zone_ = make_zone();
    }
    void TearDown() override { fs::remove_all(dir_); }

    SigningKey add_key(const std::string& id, keymgr::KeyRole role, std::uint16_t flags) {
        files_->generate_key(id, hsm::KeySpec{hsm::KeyType::Ed25519, 0}, id);
        keymgr::KeyRecord k;
        k.zone = "example.";
        k.role = role;
        k.algorithm = 15;
        k.flags = flags;
        k.signer = "files";
        k.native_id = id;
        k.dnskey_rdata = make_dnskey_rdata(flags, 15, public_key_from_spki(15, files_->public_key(id)));
        k.key_tag = key_tag(k.dnskey_rdata);
        return SigningKey{k, files_.get(), keymgr::signs_dnskey(k), keymgr::signs_zone(k)};
    }

    static Zone make_zone() {
        Zone z;
        z.origin = kOrigin;
        for (const char* owner : {"example.", "a.example.", "b.example.", "c.example."}) {
            Node n;
            n.owner = name_from_text(owner, Wire(1, '\0'));
            RRset set;
            set.type = rrtype::A;
            set.ttl = 3600;
            set.rdatas = {Wire("\xc0\x00\x02", 3) + Wire(1, static_cast<char>(z.nodes.size() + 1))};
            n.rrsets.push_back(set);
            z.nodes.push_back(n);
        }
        return z;
    }

    struct Result {
        SigningStats stats;
        std::vector<bool> copied;  // per node: text taken from the previous output
        std::string text;
    };

    // Signs every node at `now`, reusing from the cache and output of the
    // previous call when there is one, and writes both anew.
    // damage: runs after the output is written and before the cache that
    // describes it is finished (so the cache records the damaged file).
    Result sign(UnixTime now, const std::vector<SigningKey>& keys, bool copy_names = true,
                const std::function<void()>& damage = {}) {
        const std::string cache_path = (dir_ / "example.sigs").string();
        const std::string output = (dir_ / "out.zone").string();
        PreviousSigning previous = load_previous_signing(cache_path, output);
        EXPECT_EQ(previous.warning, "");
        ReuseSource reuse =
            reuse_source(previous, keys, ReuseRules{now, 5 * 86400, times_.validity, times_.denial_validity});
        reuse.copy_names = copy_names;
        times_.now = now;
        std::vector<Wire> dnskeys;
        for (const auto& k : keys) dnskeys.push_back(k.record.dnskey_rdata);
        const std::string header = "; test header\n";
        SignatureCacheWriter writer(cache_path, kOrigin, class_IN, static_cast<std::uint32_t>(header.size()), dnskeys);
        RrsetSigner rrset_signer(zone_, keys, times_, &reuse, true);
        Result r;
        r.text = header;
        std::string entries;
        for (Node& node : zone_.nodes) {
            const std::size_t start = r.text.size();
            const bool copied = rrset_signer.sign_node(node, r.stats, r.text);
            r.copied.push_back(copied);
            if (!copied) append_node_text(r.text, node, class_IN);
            rrset_signer.append_cache_entry(entries, writer, node, std::string_view(r.text).substr(start));
        }
        writer.append(entries, zone_.nodes.size());
        previous.cache.reset();
        previous.output = UniqueFd();
        write_file_atomically(output, r.text);
        if (damage) damage();
        writer.commit(file_identity(output));
        return r;
    }

    fs::path dir_;
    std::unique_ptr<hsm::OpenSslFileSigner> files_;
    SigningKey ksk_, zsk_;
    SignatureTimes times_;
    Zone zone_;
};

}  // namespace

TEST_F(IncrementalSigning, UnchangedDataKeepsItsSignaturesAndText) {
    const Result first = sign(kNow, {ksk_, zsk_});
    EXPECT_EQ(first.stats.signatures, 4u);
    EXPECT_EQ(first.stats.reused, 0u);
    const std::vector<Wire> before = zone_.nodes[2].rrsets[0].rrsigs;

    // Copied whole: text and cache entry, the node itself left unsigned.
    const Result second = sign(kNow + 86400, {ksk_, zsk_});
    EXPECT_EQ(second.stats.signatures, 0u);
    EXPECT_EQ(second.stats.reused, 4u);
    EXPECT_EQ(second.stats.reused_names, 4u);
    EXPECT_EQ(second.text, first.text);
    EXPECT_TRUE(zone_.nodes[2].rrsets[0].rrsigs.empty());
    EXPECT_EQ(second.stats.earliest_expiration, first.stats.earliest_expiration);
    // The cache written from copied entries serves the next run as well.
    const Result third = sign(kNow + 2 * 86400, {ksk_, zsk_});
    EXPECT_EQ(third.stats.reused_names, 4u);
    EXPECT_EQ(third.text, first.text);
    // Without copying (full verification), the signatures are put back in
    // the nodes, flagged as reused, and formatted to the same text.
    const Result fourth = sign(kNow + 3 * 86400, {ksk_, zsk_}, false);
    EXPECT_EQ(fourth.stats.reused, 4u);
    EXPECT_EQ(fourth.stats.reused_names, 0u);
    EXPECT_EQ(fourth.text, first.text);
    EXPECT_EQ(zone_.nodes[2].rrsets[0].rrsigs, before);
    EXPECT_EQ(zone_.nodes[2].rrsets[0].reused_rrsigs, 1u);
}

TEST_F(IncrementalSigning, OnlyChangedRrsetsAreSignedAgain) {
    sign(kNow, {ksk_, zsk_});
    zone_.nodes[1].rrsets[0].rdatas = {Wire("\xc0\x00\x02\x63", 4)};  // a.example. changed
    zone_.nodes[3].rrsets[0].ttl = 300;                               // c.example.'s TTL changed
    const Result r = sign(kNow + 3600, {ksk_, zsk_});
    EXPECT_EQ(r.stats.signatures, 2u);
    EXPECT_EQ(r.stats.reused, 2u);
    EXPECT_EQ(r.copied, (std::vector<bool>{true, false, true, false}));
    const RrsigFields fresh = decode_rrsig_rdata(zone_.nodes[1].rrsets[0].rrsigs.at(0));
    EXPECT_EQ(fresh.inception, static_cast<std::uint32_t>(kNow + 3600 - 3600));
    EXPECT_EQ(zone_.nodes[1].rrsets[0].reused_rrsigs, 0u);
    // The fresh signatures verify: the digest did not let an old one through.
    for (std::size_t n : {1u, 3u}) {
        const RRset& set = zone_.nodes[n].rrsets[0];
        const RrsigFields f = decode_rrsig_rdata(set.rrsigs.at(0));
        EXPECT_EQ(f.original_ttl, set.ttl);
        Wire data;
        build_signed_data(data, f, zone_.nodes[n].owner, class_IN, set);
        PublicKeyVerifier verifier(15, dnskey_public_key_of(zsk_.record.dnskey_rdata));
        EXPECT_TRUE(verifier.verify(data.data(), data.size(), f.signature));
    }
}

TEST_F(IncrementalSigning, SignaturesNearingExpirationAreRefreshed) {
    const Result first = sign(kNow, {ksk_, zsk_});
    // 14-day validity, up to 1 day of jitter, 5-day refresh: after 8 days
    // nothing is due, after 9 days everything is.
    EXPECT_EQ(sign(kNow + 8 * 86400 - 3600, {ksk_, zsk_}).stats.reused, 4u);
    const Result late = sign(kNow + 9 * 86400, {ksk_, zsk_});
    EXPECT_EQ(late.stats.reused, 0u);
    EXPECT_EQ(late.stats.signatures, 4u);
    EXPECT_GT(late.stats.earliest_expiration, first.stats.earliest_expiration);
}

TEST_F(IncrementalSigning, ANewKeySignsEverythingAndARetiredKeysSignaturesGo) {
    sign(kNow, {ksk_, zsk_});
    const SigningKey zsk2 = add_key("zsk2", keymgr::KeyRole::Zsk, 256);
    // Both ZSKs sign: the old one's signatures are reused, the new one's made.
    const Result both = sign(kNow + 3600, {ksk_, zsk_, zsk2});
    EXPECT_EQ(both.stats.reused, 4u);
    EXPECT_EQ(both.stats.signatures, 4u);
    EXPECT_EQ(both.copied, (std::vector<bool>{false, false, false, false}));
    // The old ZSK retires: its signatures are dropped, nothing new is made.
    const Result retired = sign(kNow + 7200, {ksk_, zsk2});
    EXPECT_EQ(retired.stats.signatures, 0u);
    EXPECT_EQ(retired.stats.reused, 4u);
    for (const Node& n : zone_.nodes) EXPECT_EQ(n.rrsets[0].rrsigs.size(), 1u);
    EXPECT_EQ(decode_rrsig_rdata(zone_.nodes[1].rrsets[0].rrsigs[0]).key_tag, zsk2.record.key_tag);
    EXPECT_EQ(retired.copied, (std::vector<bool>{false, false, false, false}));
    // Next time the text is the same again and is copied.
    EXPECT_EQ(sign(kNow + 10800, {ksk_, zsk2}).copied, (std::vector<bool>{true, true, true, true}));
    // The same keys in another order: copied entries get their key indices
    // translated, and the cache they make serves the run after.
    EXPECT_EQ(sign(kNow + 14400, {zsk2, ksk_}).copied, (std::vector<bool>{true, true, true, true}));
    const Result after = sign(kNow + 18000, {zsk2, ksk_});
    EXPECT_EQ(after.copied, (std::vector<bool>{true, true, true, true}));
    EXPECT_EQ(after.stats.reused, 4u);
    EXPECT_EQ(after.stats.signatures, 0u);
}

TEST_F(IncrementalSigning, AnEditedOutputIsFormattedAgainButItsSignaturesStillServe) {
    sign(kNow, {ksk_, zsk_});
    {
        std::ofstream edit((dir_ / "out.zone").string(), std::ios::app);
        edit << "; edited by hand\n";
    }
    const Result r = sign(kNow + 3600, {ksk_, zsk_});
    EXPECT_EQ(r.stats.reused, 4u);
    EXPECT_EQ(r.stats.reused_names, 0u);
    EXPECT_EQ(r.copied, (std::vector<bool>{false, false, false, false}));
}

TEST_F(IncrementalSigning, AnOutputChangedInPlaceIsNotCopiedFrom) {
    sign(kNow, {ksk_, zsk_});
    // Same size, same modification time, one byte different: the change
    // time tells (it cannot be set back by hand).
    const fs::path output = dir_ / "out.zone";
    const auto mtime = fs::last_write_time(output);
    std::string text = read_file(output.string());
    const std::size_t pos = text.find("192.0.2.2");
    ASSERT_NE(pos, std::string::npos);
    text[pos + 8] = '9';
    {
        std::ofstream rewrite(output.string(), std::ios::in | std::ios::out | std::ios::binary);
        rewrite.write(text.data(), static_cast<std::streamsize>(text.size()));
    }
    fs::last_write_time(output, mtime);
    const Result r = sign(kNow + 3600, {ksk_, zsk_});
    EXPECT_EQ(r.stats.reused, 4u);
    EXPECT_EQ(r.stats.reused_names, 0u);
    EXPECT_EQ(r.text.find("192.0.2.9"), std::string::npos);
}

TEST_F(IncrementalSigning, ANamesTextIsCopiedOnlyWithItsChecksum) {
    const Result first = sign(kNow, {ksk_, zsk_}, true, [&] {
        // The output changes after its names' checksums were taken, yet the
        // cache records this very file: only the checksum can tell.
        std::string text = read_file((dir_ / "out.zone").string());
        const std::size_t pos = text.find("192.0.2.2");
        ASSERT_NE(pos, std::string::npos);
        text[pos + 8] = '9';
        std::ofstream rewrite((dir_ / "out.zone").string(), std::ios::in | std::ios::out | std::ios::binary);
        rewrite.write(text.data(), static_cast<std::streamsize>(text.size()));
    });
    const Result r = sign(kNow + 3600, {ksk_, zsk_});
    EXPECT_EQ(r.copied, (std::vector<bool>{true, false, true, true}));
    EXPECT_EQ(r.stats.reused, 4u);
    EXPECT_EQ(r.text, first.text);  // a.example. (192.0.2.2) formatted anew, as it was signed
}

TEST_F(IncrementalSigning, ANameThatBecomesADelegationAndBackIsSignedAsItIsNow) {
    sign(kNow, {ksk_, zsk_});
    // b.example. becomes a zone cut: its A is then glue-like data at a
    // delegation (not signed), and its NS is not signed either.
    Node& b = zone_.nodes[2];
    RRset ns;
    ns.type = rrtype::NS;
    ns.ttl = 3600;
    ns.rdatas = {name_from_text("ns.elsewhere.", Wire(1, '\0'))};
    b.rrsets.push_back(ns);
    std::sort(b.rrsets.begin(), b.rrsets.end(), [](const RRset& x, const RRset& y) { return x.type < y.type; });
    b.kind = NodeKind::Delegation;
    const Result cut = sign(kNow + 3600, {ksk_, zsk_});
    EXPECT_EQ(cut.copied, (std::vector<bool>{true, true, false, true}));
    EXPECT_EQ(cut.stats.signatures, 0u);
    EXPECT_EQ(cut.stats.reused, 3u);
    for (const RRset& set : zone_.nodes[2].rrsets) EXPECT_TRUE(set.rrsigs.empty()) << set.type;
    // Back to an ordinary name: its A is signed again (the cache has no
    // signature for it any more), the others stay copied.
    b.remove(rrtype::NS);
    b.kind = NodeKind::Authoritative;
    const Result back = sign(kNow + 7200, {ksk_, zsk_});
    EXPECT_EQ(back.copied, (std::vector<bool>{true, true, false, true}));
    EXPECT_EQ(back.stats.signatures, 1u);
    EXPECT_EQ(zone_.nodes[2].rrsets[0].rrsigs.size(), 1u);
}
