// Secrets (PINs, passwords) held in memory that is wiped when freed. They are
// read from a file of mode 0600 owned by the user, or from the environment;
// never from the command line, never logged.
#pragma once

#include <string>

namespace zs {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    ~Secret();
    Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
    Secret& operator=(Secret&& other) noexcept;
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

private:
    void wipe();
    std::string value_;
};

// Refuses files that are not regular, not owned by the user, or readable by
// group/others. Strips one trailing newline.
Secret read_secret_file(const std::string& path);
// Throws if the variable is unset.
Secret read_secret_env(const std::string& variable);

}  // namespace zs
