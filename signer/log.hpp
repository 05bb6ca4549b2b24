// Messages for operators, on stderr: "zonesigner: error: ...",
// "zonesigner: warning: ...". Secrets never reach these functions.
#pragma once

#include <string>

namespace zs::signer {

void log_error(const std::string& text);
void log_warning(const std::string& text);
void log_info(const std::string& text);
void log_verbose(bool enabled, const std::string& text);

}  // namespace zs::signer
