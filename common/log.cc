#include "common/log.h"

#include "absl/strings/str_cat.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace dm {

absl::Status InitLogging(const std::string& program, const std::string& level) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  // from_str answers "off" for anything it does not know.
  if (parsed == spdlog::level::off && level != "off") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown log level '", level, "' (want trace, debug, info, warn or error)"));
  }
  auto logger = spdlog::stderr_logger_mt(program);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %n: %v");
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return absl::OkStatus();
}

void Log(LogLevel level, const std::string& message) {
  switch (level) {
    case LogLevel::kDebug:
      spdlog::debug("{}", message);
      return;
    case LogLevel::kInfo:
      spdlog::info("{}", message);
      return;
    case LogLevel::kWarn:
      spdlog::warn("{}", message);
      return;
    case LogLevel::kError:
      spdlog::error("{}", message);
      return;
    case LogLevel::kCritical:
      spdlog::critical("{}", message);
      return;
  }
}

}  // namespace dm
