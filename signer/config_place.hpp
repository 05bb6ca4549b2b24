// A place in the configuration file, for messages about what is written
// there (signer/config.hpp, signer/zone_config.hpp).
#pragma once

#include <string>

namespace zs::signer {

// Line and column are 1-based, 0 when unknown (the built-in default).
struct ConfigPlace {
    std::string file;
    unsigned line = 0;
    unsigned column = 0;
};

}  // namespace zs::signer
