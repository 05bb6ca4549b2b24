#include "signer/policy_lookup.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "common/error.hpp"
#include "policy/policy_yaml.hpp"
#include "signer/log.hpp"

namespace zs::signer {

namespace {

bool is_regular_file(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

policy::Policy find_policy(const Config& config, const std::string& name_or_file) {
    if (is_regular_file(name_or_file)) return policy::load_policy_file(name_or_file);
    if (const policy::Policy* p = config.find_policy(name_or_file)) return *p;
    if (name_or_file == "default") return policy::default_policy();
    std::string names;
    for (const auto& n : known_policy_names(config)) names += (names.empty() ? "" : ", ") + n;
    throw UsageError("unknown policy '" + name_or_file + "': neither a file nor a policy of the configuration" +
                     (config.path.empty() ? "" : " " + config.path) + " (known policies: " + names + ")");
}

}  // namespace

std::vector<std::string> known_policy_names(const Config& config) {
    std::vector<std::string> names{"default"};
    for (const auto& p : config.policies)
        if (p.name != "default") names.push_back(p.name);
    std::sort(names.begin(), names.end());
    return names;
}

policy::Policy resolve_policy(const Config& config, const std::string& name_or_file,
                              std::vector<policy::PolicyFinding>* warnings) {
    policy::Policy p = find_policy(config, name_or_file);
    std::string errors;
    for (const auto& f : policy::check_policy(p)) {
        if (f.severity == policy::PolicyFinding::Severity::Error) {
            errors += "\n  " + f.place.text() + ": " + f.message;
        } else if (warnings) {
            warnings->push_back(f);
        } else {
            log_warning("policy " + p.name + ": " + f.place.text() + ": " + f.message);
        }
    }
    if (!errors.empty()) throw Error("policy " + p.name + " cannot be used:" + errors);
    return p;
}

}  // namespace zs::signer
