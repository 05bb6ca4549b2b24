#include "signer/previous_output.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <vector>

#include "common/error.hpp"

namespace zs::signer {

std::optional<std::uint32_t> previous_serial(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        if (errno == ENOENT) return std::nullopt;
        throw SystemError("cannot read previous output", path, errno);
    }
    // Our outputs put the apex first with one RR per line; parentheses are
    // tolerated for files written by other tools.
    std::vector<std::string> tokens;
    bool in_soa = false;
    std::string line;
    for (unsigned n = 0; std::getline(in, line) && n < 100000; ++n) {
        if (auto semi = line.find(';'); semi != std::string::npos) line.erase(semi);
        std::istringstream words(line);
        std::vector<std::string> ws;
        for (std::string w; words >> w;)
            if (w != "(" && w != ")") ws.push_back(w);
        if (!in_soa) {
            for (std::size_t i = 0; i < ws.size(); ++i)
                if (ws[i] == "SOA") {
                    in_soa = true;
                    tokens.assign(ws.begin() + static_cast<long>(i) + 1, ws.end());
                    break;
                }
        } else {
            tokens.insert(tokens.end(), ws.begin(), ws.end());
        }
        if (in_soa && tokens.size() >= 3) {
            try {
                unsigned long v = std::stoul(tokens[2]);
                if (v <= 0xffffffffUL) return static_cast<std::uint32_t>(v);
            } catch (const std::exception&) {
            }
            break;
        }
    }
    throw Error("previous output " + path + " has no readable SOA serial; move it away to start afresh");
}

}  // namespace zs::signer
