#include "dmctl/output/format.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dm::dmctl {
namespace {

std::string Compact(absl::Duration d) {
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrCat(s / 60, "m");
  if (s < 86400) return absl::StrCat(s / 3600, "h");
  return absl::StrCat(s / 86400, "d");
}

}  // namespace

std::string Ago(int64_t unix_ms, absl::Time now) {
  if (unix_ms == 0) return "never";
  absl::Duration d = now - absl::FromUnixMillis(unix_ms);
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  return Compact(d) + " ago";
}

std::string Until(int64_t unix_ms, absl::Time now) {
  absl::Duration d = absl::FromUnixMillis(unix_ms) - now;
  if (d <= absl::ZeroDuration()) return "expired";
  return "in " + Compact(d);
}

nlohmann::json JsonTime(int64_t unix_ms) {
  if (unix_ms == 0) return nullptr;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

std::string Bytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? absl::StrCat(n, " B") : absl::StrFormat("%.1f %s", v, units[u]);
}

absl::StatusOr<absl::Duration> ParseHumanDuration(const std::string& text) {
  absl::Duration d;
  if (!text.empty() && text.back() == 'd') {
    double days = 0;
    if (absl::SimpleAtod(text.substr(0, text.size() - 1), &days) && days > 0) {
      return absl::Hours(24) * days;
    }
  } else if (absl::ParseDuration(text, &d) && d > absl::ZeroDuration()) {
    return d;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("'", text, "' is not a duration; use forms like 90s, 30m, 1h, 2h30m or 7d"));
}

std::string OneLine(const std::string& text, size_t max) {
  std::string line;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  return line.size() > max ? line.substr(0, max) + "..." : line;
}

}  // namespace dm::dmctl
