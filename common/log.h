// Process-wide logging setup (spdlog). Logs go to stderr; services run under systemd's journal.
//
// Secrets never reach a log: token secrets, private keys and command environments are not passed
// to the logger anywhere. Tests grep the logs for them.
#ifndef DM_COMMON_LOG_H_
#define DM_COMMON_LOG_H_

#include <string>

#include "absl/status/status.h"

namespace dm {

// `level` is one of trace, debug, info, warn, error. InvalidArgument otherwise.
absl::Status InitLogging(const std::string& program, const std::string& level);

}  // namespace dm

#endif  // DM_COMMON_LOG_H_
