#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "signer/previous_output.hpp"

namespace fs = std::filesystem;
using zs::signer::previous_serial;

namespace {
std::string write(const std::string& name, const std::string& text) {
    fs::path p = fs::temp_directory_path() / ("zs-prev-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(p) << text;
    return p.string();
}
}  // namespace

TEST(PreviousOutput, ReadsTheSerialOfOurOutputAndOfMultiLineSoas) {
    EXPECT_EQ(previous_serial(write("a", "; header\nexample.\t3600\tIN\tSOA\tns1.example. h.example. 2024 1 2 3 4\n")),
              2024u);
    EXPECT_EQ(previous_serial(write("b", "example. IN SOA ns1 h (\n  4294967295 ; serial\n 1 2 3 4 )\n")),
              4294967295u);
    EXPECT_EQ(previous_serial((fs::temp_directory_path() / "zs-prev-missing-file").string()), std::nullopt);
    EXPECT_THROW(previous_serial(write("c", "example. IN A 192.0.2.1\n")), zs::Error);
}
