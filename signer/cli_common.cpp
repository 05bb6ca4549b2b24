#include <cstdio>
#include "signer/cli_common.hpp"

#include <iostream>
#include <thread>

#include "common/error.hpp"

namespace zs::signer {

bool parse_command(int argc, char** argv, int first, const std::string& usage, const po::options_description& opts,
                   const po::positional_options_description* positional, po::variables_map& vm) {
    try {
        auto parser = po::command_line_parser(argc - first, argv + first).options(opts);
        if (positional) parser.positional(*positional);
        else parser.positional(po::positional_options_description());
        po::store(parser.run(), vm);
        if (vm.count("help")) {
            std::cout << "usage: " << usage << "\n\n" << opts << "\n";
            return true;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(std::string(e.what()) + " (usage: " + usage + "; see --help)");
    }
    return false;
}

UnixTime time_option(const po::variables_map& vm, const std::string& name) {
    if (!vm.count(name)) return now_unix();
    const std::string text = vm[name].as<std::string>();
    auto t = parse_time(text);
    if (!t) throw UsageError("--" + name + ": '" + text + "' is not a time (YYYYMMDDHHMMSS in UTC, or unix seconds)");
    return *t;
}

Seconds duration_option(const std::string& name, const std::string& text) {
    auto d = parse_duration(text);
    if (!d) throw UsageError("--" + name + ": '" + text + "' is not a duration (e.g. 30d, 12h, 90m, 3600)");
    return *d;
}

unsigned default_threads() {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
            out += buffer;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

}  // namespace zs::signer
