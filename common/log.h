// Logging: one line per event on stderr (services run under systemd's journal), through spdlog,
// which stays in log.cc: its headers cost seconds of compiling in every file that includes them,
// where fmt's core costs a fraction of one. Messages are fmt format strings, checked when they
// are compiled: LogInfo("agent {} connected from {}", name, peer).
//
// Secrets never reach a log: token secrets, private keys and command environments are not passed
// to the logger anywhere. Tests grep the logs for them.
#ifndef DM_COMMON_LOG_H_
#define DM_COMMON_LOG_H_

#include <fmt/core.h>

#include <string>
#include <utility>

#include "absl/status/status.h"

namespace dm {

// `level` is one of trace, debug, info, warn, error. InvalidArgument otherwise. Until it is
// called, messages go to stderr at level info.
absl::Status InitLogging(const std::string& program, const std::string& level);

enum class LogLevel { kDebug, kInfo, kWarn, kError, kCritical };

// Writes `message` at `level` (when the level is enabled). Thread-safe.
void Log(LogLevel level, const std::string& message);

template <typename... Args>
void LogDebug(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kInfo, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void LogWarn(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kWarn, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kError, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void LogCritical(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kCritical, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace dm

#endif  // DM_COMMON_LOG_H_
