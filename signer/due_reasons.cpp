#include "signer/due_reasons.hpp"

namespace zs::signer {

std::vector<std::string> due_reasons(const std::optional<RunRecord>& record, UnixTime now, const DueInputs& in) {
    std::vector<std::string> reasons;
    if (in.force) reasons.push_back("forced");
    if (!record || !record->last_success) {
        reasons.push_back("never signed");
        return reasons;
    }
    const RunRecord& r = *record;
    if (!in.output_serial) reasons.push_back("no output file");
    else if (r.output != in.output) reasons.push_back("output path changed");
    // A run killed after publishing and before recording: the record does
    // not describe the published file, whose runway is then unknown.
    else if (!r.serial || *r.serial != *in.output_serial) reasons.push_back("output differs from the run record");
    if (r.input_hash != in.input_hash) reasons.push_back("input changed");
    if (r.policy != in.policy) reasons.push_back("policy changed");
    else if (r.policy_hash != in.policy_hash) reasons.push_back("policy settings changed");
    if (r.key_plan != in.key_plan) reasons.push_back("key plan changed");
    if (!r.runway_end) reasons.push_back("signature expiration unknown");
    else if (now + in.refresh >= *r.runway_end) reasons.push_back("signatures due for refresh");
    if (in.salt_due) reasons.push_back("NSEC3 salt due");
    return reasons;
}

std::string join_reasons(const std::vector<std::string>& reasons) {
    std::string text;
    for (const auto& r : reasons) text += (text.empty() ? "" : ", ") + r;
    return text;
}

}  // namespace zs::signer
