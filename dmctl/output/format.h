// Formatting of times, durations and sizes for people and for JSON.
#ifndef DM_DMCTL_OUTPUT_FORMAT_H_
#define DM_DMCTL_OUTPUT_FORMAT_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm::dmctl {

// "12s ago", "3m ago", "2h ago", "5d ago"; "never" for 0. `now` for tests.
std::string Ago(int64_t unix_ms, absl::Time now);
// "in 59m", "in 3d", or "expired" when past.
std::string Until(int64_t unix_ms, absl::Time now);
// RFC 3339 in UTC, e.g. "2026-11-25T10:30:00Z"; JSON null for 0 ("never").
nlohmann::json JsonTime(int64_t unix_ms);
// `text` on one line of a table (whitespace runs, newlines included, become one space), at most
// `max` characters and "..." (a check's output may be a page of HTML; --json keeps it whole).
std::string OneLine(const std::string& text, size_t max);
// "1.5 GiB", "512 MiB"
std::string Bytes(uint64_t n);
// Durations as operators type them: "90s", "30m", "1h", "2h30m", "7d". InvalidArgument otherwise.
absl::StatusOr<absl::Duration> ParseHumanDuration(const std::string& text);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_OUTPUT_FORMAT_H_
