#include "agent/health/check_spec.h"

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

absl::StatusOr<std::vector<CheckSpec>> ChecksFromJson(const std::string& text) {
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
      c.expect_status = j.value("expect_status", 200);
      c.body_contains = j.value("body_contains", "");
      c.min_free = j.value("min_free", 0.0);
      c.min_free_inodes = j.value("min_free_inodes", 0.0);
      c.min_free_bytes = j.value("min_free_bytes", uint64_t{0});
      c.interval = absl::Milliseconds(j.value("interval_ms", int64_t{5000}));
      c.timeout = absl::Milliseconds(j.value("timeout_ms", int64_t{3000}));
      c.fall = j.value("fall", 2);
      c.rise = j.value("rise", 2);
      c.service = j.value("service", "");
      c.critical = j.value("critical", true);
      c.declared = j.value("declared", "");
      if (c.interval <= absl::ZeroDuration() || c.timeout <= absl::ZeroDuration() || c.fall < 1 ||
          c.rise < 1) {
        return absl::InvalidArgumentError(absl::StrCat("check ", c.name, ": bad timing"));
      }
      checks.push_back(std::move(c));
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("health checks: ", e.what()));
  }
  return checks;
}

}  // namespace dm::health
