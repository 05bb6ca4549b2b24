// Streaming reads: batches in file order, the same records whatever the
// block size, batch size and thread count, the first error in file order,
// and build_zone_from_file giving the same zone as build_zone.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "zone/master_file.hpp"
#include "zone/name.hpp"
#include "zone/zone_builder.hpp"

namespace zs::zone {
namespace {

namespace fs = std::filesystem;

Wire name(const std::string& text) { return name_from_text(text, Wire(1, '\0')); }

MasterFileOptions options_for(const std::string& origin, unsigned threads = 1, std::size_t block = 1 << 20,
                              std::size_t batch = 2048) {
    MasterFileOptions options;
    options.origin = name(origin);
    options.threads = threads;
    options.read_block_size = block;
    options.batch_records = batch;
    return options;
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "zs-stream-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(path_); }
    fs::path path() const { return path_; }
    void write(const std::string& file, const std::string& text) const { std::ofstream(path_ / file) << text; }

private:
    fs::path path_;
};

// Where a record comes from and what it is, without the RDATA.
std::string place_of(const ParsedRecord& r, const std::vector<std::string>& files) {
    return name_to_text(r.owner) + " " + std::to_string(r.type) + " " + std::to_string(r.rclass) + " " +
           std::to_string(r.ttl) + " @" + fs::path(files.at(r.file_index)).filename().string() + ":" +
           std::to_string(r.line);
}

// Every record as one comparable line.
std::string describe(const ParsedRecord& r, const std::vector<std::string>& files) {
    return place_of(r, files) + " " + to_hex(r.rdata);
}

std::vector<std::string> stream_file(const std::string& path, const MasterFileOptions& options) {
    std::vector<std::string> files;
    std::vector<std::string> out;
    stream_master_file(path, options, files, [&](std::vector<ParsedRecord>& batch) {
        for (const auto& r : batch) out.push_back(describe(r, files));
    });
    return out;
}

std::string error_of(const std::function<void()>& read) {
    try {
        read();
    } catch (const InputError& e) {
        return fs::path(e.file()).filename().string() + ":" + std::to_string(e.line()) + ": " + e.message();
    }
    return "no error";
}

// Text whose records cross block boundaries in every way a small block
// size can make them: parentheses over several lines, comments inside
// them, quoted strings holding ';', '(' and escaped quotes, \DDD escapes,
// blank-owner lines, $TTL and $ORIGIN changes.
const std::string tricky_text =
    "$TTL 300\n"
    "@ IN SOA ns1 hostmaster ( 2024010101 ; serial\n"
    "        7200   ; refresh\n"
    "        3600 1209600\n"
    "        300 )\n"
    "  IN NS ns1\n"
    "ns1 A 192.0.2.1\n"
    "txt TXT \"semi;colon (paren\" \"esc\\\"aped\" \\065bc \"\\255\\000\"\n"
    "    TXT ( \"two\"\n"
    "          \"lines\" )\n"
    "; a comment line (with a parenthesis\n"
    "we\\.ird\\032name 60 IN A 192.0.2.2\n"
    "$ORIGIN sub.example.com.\n"
    "host MX 10 mail\n"
    "     AAAA 2001:db8::1\n"
    "$TTL 1h\n"
    "last DS 1 13 2 ( 0123456789abcdef0123456789abcdef\n"
    "                 0123456789abcdef0123456789abcdef )\n";

TEST(MasterStream, BatchesArriveInFileOrder) {
    std::ostringstream text;
    text << "$TTL 300\n@ SOA ns1 hostmaster 1 2 3 4 5\n";
    for (int i = 0; i < 3000; ++i) text << "h" << i << " A 192.0.2." << i % 256 << "\n TXT \"t " << i << "\"\n";
    std::vector<std::string> files;
    std::vector<std::size_t> sizes;
    std::uint32_t last_line = 0;
    bool in_order = true;
    std::size_t total = 0;
    stream_master_text(text.str(), "order.zone", options_for("example.com.", 4, 100, 7), files,
                       [&](std::vector<ParsedRecord>& batch) {
                           sizes.push_back(batch.size());
                           for (const auto& r : batch) {
                               in_order = in_order && r.line > last_line;
                               last_line = r.line;
                           }
                           total += batch.size();
                       });
    EXPECT_TRUE(in_order);
    EXPECT_EQ(total, 6001u);
    EXPECT_EQ(last_line, 6002u);
    EXPECT_EQ(sizes.size(), (6001u + 6) / 7);
    for (std::size_t size : sizes) EXPECT_LE(size, 7u);
    EXPECT_EQ(files, std::vector<std::string>{"order.zone"});
}

TEST(MasterStream, RecordsSpanningBlocksAreReadTheSameWithAnyBlockSize) {
    auto whole = read_master_text(tricky_text, "tricky.zone", options_for("example.com."));
    ASSERT_EQ(whole.records.size(), 9u);
    EXPECT_EQ(whole.records[0].line, 2u);                      // the SOA starts on line 2
    EXPECT_EQ(whole.records[1].owner, name("example.com."));  // inherited by the blank owner
    EXPECT_EQ(whole.records[4].line, 9u);
    EXPECT_EQ(whole.records[5].owner, name("we\\.ird\\032name.example.com."));
    EXPECT_EQ(whole.records[7].owner, name("host.sub.example.com."));  // inherited after $ORIGIN
    EXPECT_EQ(whole.records[8].ttl, 3600u);
    std::vector<std::string> expected;
    for (const auto& r : whole.records) expected.push_back(describe(r, whole.files));

    TempDir dir;
    dir.write("tricky.zone", tricky_text);
    const std::string path = (dir.path() / "tricky.zone").string();
    for (std::size_t block : {1, 2, 3, 4, 5, 7, 11, 16, 31, 64, 100, 257}) {
        SCOPED_TRACE("block size " + std::to_string(block));
        EXPECT_EQ(stream_file(path, options_for("example.com.", 1, block)), expected);
        EXPECT_EQ(stream_file(path, options_for("example.com.", 4, block, 2)), expected);
    }
}

TEST(MasterStream, IncludeGivesTheSameRecordsAsTheWholeRead) {
    TempDir dir;
    fs::create_directory(dir.path() / "sub");
    dir.write("main.zone",
              "$TTL 60\n"
              "@ SOA ns1 hostmaster 1 2 3 4 5\n"
              "  NS ns1\n"
              "$INCLUDE sub/child.zone child.example.com.\n"
              "after A 192.0.2.9\n"
              "      TXT \"after the include\"\n"
              "$INCLUDE sub/plain.zone\n"
              "  A 192.0.2.10\n");  // the owner before the include: includes do not change it
    dir.write("sub/child.zone",
              "$TTL 120\n"
              "www A 192.0.2.1\n"
              "    MX ( 10\n mail )\n"
              "$INCLUDE grand.zone\n"
              "www2 CNAME www\n");
    dir.write("sub/grand.zone", "$ORIGIN elsewhere.example.com.\n@ TXT \"grandchild\"\n");
    dir.write("sub/plain.zone", "plain A 192.0.2.2\n");
    const std::string path = (dir.path() / "main.zone").string();

    const std::vector<std::string> places = {
        "example.com. 6 1 60 @main.zone:2",
        "example.com. 2 1 60 @main.zone:3",
        "www.child.example.com. 1 1 120 @child.zone:2",
        "www.child.example.com. 15 1 120 @child.zone:3",
        "elsewhere.example.com. 16 1 120 @grand.zone:2",
        "www2.child.example.com. 5 1 120 @child.zone:6",
        "after.example.com. 1 1 60 @main.zone:5",
        "after.example.com. 16 1 60 @main.zone:6",
        "plain.example.com. 1 1 60 @plain.zone:1",
        "after.example.com. 1 1 60 @main.zone:8",
    };
    auto whole = read_master_file(path, options_for("example.com."));
    std::vector<std::string> whole_places, expected;
    for (const auto& r : whole.records) {
        whole_places.push_back(place_of(r, whole.files));
        expected.push_back(describe(r, whole.files));
    }
    EXPECT_EQ(whole_places, places);
    // MX 10 mail.child.example.com.: relative to the include's origin.
    EXPECT_EQ(whole.records[3].rdata, std::string("\x00\x0a", 2) + name("mail.child.example.com."));
    for (std::size_t block : {1, 3, 8, 1 << 20}) {
        SCOPED_TRACE("block size " + std::to_string(block));
        EXPECT_EQ(stream_file(path, options_for("example.com.", 1, block, 1)), expected);
        EXPECT_EQ(stream_file(path, options_for("example.com.", 4, block, 2)), expected);
    }
}

TEST(MasterStream, FirstErrorInFileOrderWinsWithFourThreads) {
    std::ostringstream good;
    good << "$TTL 300\n@ SOA ns1 hostmaster 1 2 3 4 5\n";
    for (int i = 0; i < 20000; ++i) good << "host" << i << " A 192.0.2." << i % 256 << "\n";
    const auto four = options_for("example.com.", 4, 4096, 64);
    auto read = [&](const std::string& text) {
        return error_of([&] {
            std::vector<std::string> files;
            stream_master_text(text, "big.zone", four, files, [](std::vector<ParsedRecord>&) {});
        });
    };
    std::string text = good.str();
    // A conversion error early, then a lexing error and another conversion error.
    std::string broken = text + "late A 1.2.3\nc MX 10 ( x\n";
    broken.insert(broken.find("host5000 "), "early A 300.1.1.1\n");
    EXPECT_EQ(read(broken), "big.zone:5003: bad IPv4 address in A address '300.1.1.1'");
    // A lexing error first, a conversion error after it is never reached.
    std::string lexing_first = text;
    lexing_first.insert(lexing_first.find("host7000 "), "x CH TXT y\n");
    lexing_first += "late A 1.2.3\n";
    EXPECT_EQ(read(lexing_first), "big.zone:7003: class CH not supported (only IN)");
    // A conversion error in the batch just before a lexing error.
    EXPECT_EQ(read(text + "bad AAAA 1::2::3\nx FOO 1\n"), "big.zone:20003: bad IPv6 address in AAAA address '1::2::3'");
    EXPECT_EQ(read(text + "x FOO 1\n"), "big.zone:20003: unknown type 'FOO'");
}

TEST(MasterStream, RecordsBeforeTheErrorAndTheSinksOwnException) {
    std::ostringstream text;
    text << "$TTL 300\n@ SOA ns1 hostmaster 1 2 3 4 5\n";
    for (int i = 0; i < 1000; ++i) text << "host" << i << " A 192.0.2.1\n";
    std::string broken = text.str() + "bad A 1.2.3\n" + text.str();
    std::vector<std::string> files;
    std::size_t delivered = 0;
    EXPECT_THROW(stream_master_text(broken, "b.zone", options_for("example.com.", 4, 64, 10), files,
                                    [&](std::vector<ParsedRecord>& batch) { delivered += batch.size(); }),
                 InputError);
    EXPECT_LE(delivered, 1001u);  // nothing after the error
    // An exception from the sink ends reading and passes through as it is.
    std::size_t calls = 0;
    EXPECT_THROW(stream_master_text(text.str(), "s.zone", options_for("example.com.", 4, 64, 10), files,
                                    [&](std::vector<ParsedRecord>&) {
                                        if (++calls == 3) throw std::runtime_error("sink full");
                                    }),
                 std::runtime_error);
    EXPECT_EQ(calls, 3u);
}

TEST(MasterStream, BrokenCorpusGivesTheSameErrorWithSmallBlocksAndThreads) {
    const fs::path dir = fs::path(ZS_TEST_DATA) / "broken";
    int cases = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".zone") continue;
        ++cases;
        SCOPED_TRACE(entry.path().filename().string());
        auto read_with = [&](const MasterFileOptions& options) {
            return error_of([&] { read_master_file(entry.path().string(), options); });
        };
        std::string expected = read_with(options_for("example.com."));
        EXPECT_NE(expected, "no error");
        EXPECT_EQ(read_with(options_for("example.com.", 1, 3, 1)), expected);
        EXPECT_EQ(read_with(options_for("example.com.", 4, 17, 2)), expected);
    }
    EXPECT_GE(cases, 20);
}

// The zone as text: every node, its kind, its RRsets and their RDATA.
std::string describe(const BuildResult& built) {
    std::ostringstream out;
    auto nodes = [&out](const std::vector<Node>& list) {
        for (const Node& node : list) {
            out << name_to_text(node.owner) << " kind " << static_cast<int>(node.kind) << "\n";
            for (const RRset& set : node.rrsets) {
                out << "  " << set.type << " ttl " << set.ttl << "\n";
                for (const Wire& rdata : set.rdatas) out << "    " << to_hex(rdata) << "\n";
                for (const Wire& sig : set.rrsigs) out << "    sig " << to_hex(sig) << "\n";
            }
        }
    };
    nodes(built.zone.nodes);
    out << "nsec3\n";
    nodes(built.zone.nsec3_nodes);
    for (const auto& w : built.warnings) out << "warning " << w << "\n";
    for (const auto& p : built.problems) out << "problem " << p << "\n";
    out << "duplicates " << built.duplicates_removed << "\n";
    return out.str();
}

TEST(MasterStream, BuildFromFileEqualsBuildZoneOnTheSampleZones) {
    const fs::path zones = fs::path(ZS_SOURCE_DIR) / "zones";
    const std::vector<std::pair<std::string, std::string>> samples = {
        {"example.com.zone", "example.com."},
        {"minimal.zone", "minimal.example."},
        {"tld.zone", "test."},
        {"wildcard.example.zone", "wildcard.example."},
    };
    for (const auto& [file, origin] : samples) {
        SCOPED_TRACE(file);
        const std::string path = (zones / file).string();
        auto options = options_for(origin);
        BuildResult whole = build_zone(read_master_file(path, options), options.origin);
        ASSERT_GT(whole.zone.nodes.size(), 1u);
        std::string expected = describe(whole);
        EXPECT_EQ(describe(build_zone_from_file(path, options)), expected);
        EXPECT_EQ(describe(build_zone_from_file(path, options_for(origin, 2, 5, 3))), expected);
    }
    // Signed zones, kept as signed: RRSIGs attached, NSEC3 nodes apart.
    for (const char* file : {"bind-nsec.signed", "ldns-nsec3-optout.signed"}) {
        SCOPED_TRACE(file);
        const std::string path = std::string(ZS_TEST_DATA) + "/zone_verifier/" + file;
        auto options = options_for("example.");
        BuildResult whole = build_zone(read_master_file(path, options), options.origin, BuildOptions{true});
        std::string expected = describe(whole);
        EXPECT_EQ(describe(build_zone_from_file(path, options_for("example.", 4, 64, 5), BuildOptions{true})), expected);
    }
}

TEST(MasterStream, BuildFromTextReportsTheSameRuleViolations) {
    const std::string apex = "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ 3600 IN NS ns1\nns1 IN A 192.0.2.1\n";
    const std::vector<std::string> texts = {
        apex + "@ SOA ns2 hostmaster 2 7200 3600 1209600 300\n",
        apex + "a A 192.0.2.1\na CNAME b\n",
        apex + "a CNAME b\nb A 192.0.2.1\na A 192.0.2.2\n",
        apex + "d DNAME x.\nd DNAME y.\n",
        apex + "d DNAME x.\nw.d A 192.0.2.1\n",
        apex + "s DS 1 13 2 " + std::string(64, 'a') + "\n",
        apex + "out.of.zone. A 192.0.2.1\n",
        "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\nns1 A 192.0.2.1\n",
        apex + "a 60 A 192.0.2.1\nb A 192.0.2.9\na 30 A 192.0.2.2\na RRSIG A 13 2 60 20300101000000 20200101000000 1 example. AAAA\n",
        apex + "a A 192.0.2.1\na A 192.0.2.1\n",
    };
    for (const auto& text : texts) {
        SCOPED_TRACE(text);
        auto options = options_for("example.");
        auto run = [&](const std::function<BuildResult()>& build) {
            try {
                return describe(build());
            } catch (const InputError& e) {
                return std::string(e.what());
            }
        };
        std::string expected = run([&] { return build_zone(read_master_text(text, "t.zone", options), options.origin); });
        EXPECT_EQ(run([&] { return build_zone_from_text(text, "t.zone", options); }), expected);
        EXPECT_EQ(run([&] { return build_zone_from_text(text, "t.zone", options_for("example.", 4, 7, 1)); }), expected);
    }
}

// Both corpora of broken inputs (reading errors, zone rule violations) give
// the same error through build_zone_from_file as through build_zone.
TEST(MasterStream, BuildFromFileRefusesBrokenCorporaLikeBuildZone) {
    int cases = 0;
    for (const char* corpus : {"broken", "broken-zone"}) {
        for (const auto& entry : fs::directory_iterator(fs::path(ZS_TEST_DATA) / corpus)) {
            if (entry.path().extension() != ".zone") continue;
            ++cases;
            SCOPED_TRACE(entry.path().string());
            const std::string path = entry.path().string();
            auto run = [&](const std::function<BuildResult()>& build) {
                try {
                    return describe(build());
                } catch (const Error& e) {
                    return std::string(e.what());
                }
            };
            auto options = options_for("example.com.");
            std::string expected = run([&] { return build_zone(read_master_file(path, options), options.origin); });
            EXPECT_EQ(run([&] { return build_zone_from_file(path, options); }), expected);
            EXPECT_EQ(run([&] { return build_zone_from_file(path, options_for("example.com.", 4, 9, 1)); }), expected);
        }
    }
    EXPECT_GE(cases, 30);
}

}  // namespace
}  // namespace zs::zone
