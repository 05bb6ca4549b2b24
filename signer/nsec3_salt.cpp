#include "signer/nsec3_salt.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <sstream>

#include "common/atomic_file.hpp"
#include "common/error.hpp"

namespace zs::signer {

bool salt_still_valid(std::size_t recorded_length, UnixTime created, unsigned wanted_length,
                      const std::optional<Seconds>& resalt, UnixTime now) {
    if (recorded_length != wanted_length) return false;
    if (now < created) return false;  // recorded in the future: draw again
    return !resalt || now - created < *resalt;
}

std::optional<SaltChoice> recorded_nsec3_salt(const std::string& state_root, const std::string& zone) {
    const std::string path = state_root + "/salts/" + zone + "salt";
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    std::istringstream in(read_file(path));
    std::string hex;
    long long created = 0;
    if (!(in >> hex >> created)) return std::nullopt;
    auto bytes = hex == "-" ? std::optional<Bytes>(Bytes{}) : from_hex(hex);
    if (!bytes) return std::nullopt;
    SaltChoice choice;
    choice.salt = *bytes;
    choice.created = created;
    return choice;
}

SaltChoice zone_nsec3_salt(const std::string& state_root, const std::string& zone, unsigned length,
                           const std::optional<Seconds>& resalt, UnixTime now,
                           const std::function<Bytes(std::size_t)>& random) {
    const std::string dir = state_root + "/salts";
    const std::string path = dir + "/" + zone + "salt";
    if (auto recorded = recorded_nsec3_salt(state_root, zone);
        recorded && salt_still_valid(recorded->salt.size(), recorded->created, length, resalt, now))
        return *recorded;
    SaltChoice choice;
    choice.salt = random(length);
    choice.created = now;
    choice.fresh = true;
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw SystemError("cannot create", dir, errno);
    write_file_atomically(path, to_hex(choice.salt) + " " + std::to_string(now) + "\n", 0600);
    return choice;
}

}  // namespace zs::signer
