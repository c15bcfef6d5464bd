#include "agent/health/check_spec.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace dm::health {
namespace {

constexpr struct {
  CheckKind kind;
  const char* word;
} kKinds[] = {
    {CheckKind::kService, "service"}, {CheckKind::kHttp, "http"}, {CheckKind::kTcp, "tcp"},
    {CheckKind::kCommand, "command"}, {CheckKind::kDisk, "disk"},
};

}  // namespace

const char* CheckKindWord(CheckKind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k.word;
  return "?";
}

std::optional<CheckKind> CheckKindFromWord(const std::string& word) {
  for (const auto& k : kKinds)
    if (word == k.word) return k.kind;
  return std::nullopt;
}

std::vector<std::string> CheckKindWords() {
  std::vector<std::string> words;
  for (const auto& k : kKinds) words.push_back(k.word);
  return words;
}

std::string ChecksToJson(const std::vector<CheckSpec>& checks) {
  nlohmann::json list = nlohmann::json::array();
  for (const CheckSpec& c : checks) {
    list.push_back({
        {"name", c.name},
        {"kind", CheckKindWord(c.kind)},
        {"target", c.target},
        {"argv", c.argv},
        {"expect_status", c.expect_status},
        {"body_contains", c.body_contains},
        {"min_free", c.min_free},
        {"min_free_inodes", c.min_free_inodes},
        {"min_free_bytes", c.min_free_bytes},
        {"interval_ms", absl::ToInt64Milliseconds(c.interval)},
        {"timeout_ms", absl::ToInt64Milliseconds(c.timeout)},
        {"fall", c.fall},
        {"rise", c.rise},
        {"service", c.service},
        {"critical", c.critical},
        {"declared", c.declared},
    });
  }
  return list.dump(2);
}

namespace {

// A JSON number read into an integer only when it is a whole number in [lo, hi]: nlohmann's own
// conversion of 6e37 to an int is undefined behaviour. Throws a json exception otherwise.
template <typename Int>
Int WholeNumberField(const nlohmann::json& j, const char* key, Int fallback, uint64_t lo,
                     uint64_t hi) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (it->is_number_integer() && (it->is_number_unsigned() || it->get<int64_t>() >= 0)) {
    const uint64_t value = it->get<uint64_t>();
    if (value >= lo && value <= hi) return static_cast<Int>(value);
  }
  throw nlohmann::json::other_error::create(
      501, absl::StrCat("'", key, "' must be a whole number from ", lo, " to ", hi), &*it);
}

double FractionField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  double value = it->get<double>();  // a type_error unless a number
  if (!(value >= 0 && value <= 1)) {
    throw nlohmann::json::other_error::create(501, absl::StrCat("'", key, "' must be from 0 to 1"),
                                              &*it);
  }
  return value;
}

}  // namespace

absl::StatusOr<std::vector<CheckSpec>> ChecksFromJson(const std::string& text) {
  const uint64_t longest_ms = absl::ToInt64Milliseconds(kLongestCheckPeriod);
  std::vector<CheckSpec> checks;
  try {
    nlohmann::json list = nlohmann::json::parse(text);
    if (!list.is_array()) return absl::InvalidArgumentError("health checks: not a JSON list");
    for (const nlohmann::json& j : list) {
      CheckSpec c;
      c.name = j.at("name").get<std::string>();
      std::optional<CheckKind> kind = CheckKindFromWord(j.at("kind").get<std::string>());
      if (!kind) return absl::InvalidArgumentError(absl::StrCat("check ", c.name, ": bad kind"));
      c.kind = *kind;
      c.target = j.value("target", "");
      c.argv = j.value("argv", std::vector<std::string>{});
      c.expect_status = WholeNumberField<int>(j, "expect_status", 200, 100, 599);
      c.body_contains = j.value("body_contains", "");
      c.min_free = FractionField(j, "min_free");
      c.min_free_inodes = FractionField(j, "min_free_inodes");
      c.min_free_bytes = WholeNumberField<uint64_t>(j, "min_free_bytes", 0, 0, UINT64_MAX);
      c.interval =
          absl::Milliseconds(WholeNumberField<int64_t>(j, "interval_ms", 5000, 1, longest_ms));
      c.timeout =
          absl::Milliseconds(WholeNumberField<int64_t>(j, "timeout_ms", 3000, 1, longest_ms));
      c.fall = WholeNumberField<int>(j, "fall", 2, 1, kMostChecksInARow);
      c.rise = WholeNumberField<int>(j, "rise", 2, 1, kMostChecksInARow);
      c.service = j.value("service", "");
      c.critical = j.value("critical", true);
      c.declared = j.value("declared", "");
      checks.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("health checks: ", e.what()));
  }
  return checks;
}

}  // namespace dm::health
