#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.hpp"
#include "zone/name.hpp"

using namespace zs::zone;

namespace {
Wire n(const std::string& text) { return name_from_text(text, Wire(1, '\0')); }
}  // namespace

// RFC 4034 §6.1: the example names in canonical order.
TEST(Name, CanonicalOrderOfRfc4034Example) {
    const std::vector<std::string> ordered = {
        "example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
        "\\001.z.example.", "*.z.example.", "\\200.z.example."};
    std::vector<Wire> names;
    for (const auto& t : ordered) names.push_back(n(t));
    std::vector<Wire> shuffled = names;
    std::reverse(shuffled.begin(), shuffled.end());
    std::swap(shuffled[1], shuffled[5]);
    std::sort(shuffled.begin(), shuffled.end(), CanonicalLess());
    EXPECT_EQ(shuffled, names);
    EXPECT_EQ(canonical_compare(n("Z.a.example."), n("z.a.example.")), 0);  // case-insensitive
    EXPECT_LT(canonical_compare(n("example."), n("a.example.")), 0);          // parent first
}

TEST(Name, TextRoundTripWithEscapes) {
    EXPECT_EQ(name_to_text(n("a\\.b.example.")), "a\\.b.example.");
    EXPECT_EQ(name_to_text(n("\\065bc.example.")), "Abc.example.");
    EXPECT_EQ(name_to_text(n("\\000.example.")), "\\000.example.");
    EXPECT_EQ(name_to_text(n(".")), ".");
    EXPECT_EQ(name_to_text(name_from_text("www", n("example.com."))), "www.example.com.");
    EXPECT_EQ(name_from_text("@", n("example.com.")), n("example.com."));
}

TEST(Name, RefusesMalformedNames) {
    EXPECT_THROW(n(std::string(64, 'a') + ".example."), zs::Error);
    EXPECT_NO_THROW(n(std::string(63, 'a') + ".example."));
    std::string long_name;
    for (int i = 0; i < 5; ++i) long_name += std::string(60, 'b') + ".";
    EXPECT_THROW(n(long_name), zs::Error);  // > 255 octets
    EXPECT_THROW(n("a..example."), zs::Error);
    EXPECT_THROW(n("\\256.example."), zs::Error);
    EXPECT_THROW(n("\\25"), zs::Error);
}

TEST(Name, LabelsWildcardsAndAncestry) {
    EXPECT_EQ(label_count(n("www.example.com.")), 3u);
    EXPECT_EQ(label_count(n(".")), 0u);
    EXPECT_EQ(rrsig_labels(n("*.example.com.")), 2u);  // RFC 4034 §3.1.3
    EXPECT_EQ(rrsig_labels(n("a.*.example.com.")), 4u);  // only a leftmost * is a wildcard
    EXPECT_TRUE(is_wildcard(n("*.example.")));
    EXPECT_FALSE(is_wildcard(n("a*.example.")));
    EXPECT_TRUE(is_at_or_below(n("a.b.example."), n("example.")));
    EXPECT_TRUE(is_at_or_below(n("example."), n("example.")));
    EXPECT_FALSE(is_at_or_below(n("aexample."), n("example.")));  // label boundary
    EXPECT_FALSE(is_at_or_below(n("example."), n("a.example.")));
    EXPECT_EQ(parent_of(n("a.b.example.")), n("b.example."));
    EXPECT_EQ(parent_of(n(".")), n("."));
    EXPECT_EQ(lowercased(n("WwW.ExAmple.")), n("www.example."));
}
