#include "signer/state_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"

namespace zs::signer {

std::string default_state_dir() {
    if (const char* env = std::getenv("ZONESIGNER_STATE_DIR"); env && *env) return env;
    if (::geteuid() == 0) return "/var/lib/zonesigner";
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/zonesigner";
    if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/zonesigner";
    return "./zonesigner-state";
}

static void make_dirs(const std::string& path) {
    std::string partial;
    std::size_t pos = 0;
    while (pos != std::string::npos) {
        pos = path.find('/', pos + 1);
        partial = path.substr(0, pos);
        if (partial.empty()) continue;
        if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST)
            throw SystemError("cannot create directory", partial, errno);
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw Error(path + " is not a directory");
}

StatePaths prepare_state_dir(const std::string& root) {
    StatePaths p;
    p.root = root;
    while (p.root.size() > 1 && p.root.back() == '/') p.root.pop_back();
    make_dirs(p.root);
    p.database = p.root + "/keys.db";
    p.key_files = p.root + "/keys";
    make_dirs(p.key_files);
    return p;
}

}  // namespace zs::signer
