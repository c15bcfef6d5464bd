#include "controller/providers/dns/testing/dig.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/process.h"

namespace dm::testing {

std::string Dig(uint16_t port, const std::string& name, const std::string& type) {
  absl::StatusOr<std::string> out = RunChecked(
      {"dig", "+short", "+time=2", "+tries=2", "@127.0.0.1", "-p", absl::StrCat(port), name, type});
  if (!out.ok()) return "dig failed: " + std::string(out.status().message());
  std::vector<std::string> lines =
      absl::StrSplit(absl::StripAsciiWhitespace(*out), '\n', absl::SkipEmpty());
  std::sort(lines.begin(), lines.end());
  return absl::StrJoin(lines, "\n");
}

}  // namespace dm::testing
