#include "common/failpoint.h"

#include <cstdlib>
#include <set>
#include <string>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace dm {
namespace {

const std::set<std::string, std::less<>>& Armed() {
  static const std::set<std::string, std::less<>>* armed = [] {
    auto* names = new std::set<std::string, std::less<>>;
    if (const char* value = std::getenv("DM_FAILPOINTS")) {
      for (absl::string_view name : absl::StrSplit(value, ',', absl::SkipWhitespace()))
        names->emplace(name);
    }
    return names;
  }();
  return *armed;
}

}  // namespace

void Failpoint(std::string_view name) {
  if (Armed().empty() || Armed().count(name) == 0) return;
  LogWarn("failpoint {} reached: waiting here to be killed", name);
  for (;;) absl::SleepFor(absl::Hours(1));
}

}  // namespace dm
