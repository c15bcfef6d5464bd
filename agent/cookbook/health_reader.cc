#include "agent/cookbook/health_reader.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "agent/cookbook/field_reader.h"
#include "common/host_port.h"

namespace dm::cookbook {
namespace {

using health::CheckKind;
using health::CheckSpec;

// "10%" -> 0.10. nullopt (after an error) for anything else.
std::optional<double> ReadShare(FieldReader& fields, const std::string& key) {
  std::optional<std::string> text = fields.String(key);
  if (!text) return std::nullopt;
  double percent = 0;
  if (text->size() < 2 || text->back() != '%' ||
      !absl::SimpleAtod(text->substr(0, text->size() - 1), &percent) || percent <= 0 ||
      percent >= 100) {
    fields.Error(key, absl::StrCat("must be a share of the disk such as 5%, not '", *text, "'"));
    return std::nullopt;
  }
  return percent / 100;
}

// "500M", "2G", "1048576" -> bytes.
std::optional<uint64_t> ReadBytes(FieldReader& fields, const std::string& key) {
  std::optional<std::string> text = fields.String(key);
  if (!text || text->empty()) return std::nullopt;
  uint64_t unit = 1;
  std::string digits = *text;
  switch (digits.back()) {
    case 'K':
      unit = uint64_t{1} << 10;
      break;
    case 'M':
      unit = uint64_t{1} << 20;
      break;
    case 'G':
      unit = uint64_t{1} << 30;
      break;
    case 'T':
      unit = uint64_t{1} << 40;
      break;
    default:
      break;
  }
  if (unit != 1) digits.pop_back();
  uint64_t n = 0;
  if (!absl::SimpleAtoi(digits, &n) || n == 0) {
    fields.Error(key, absl::StrCat("must be a size such as 500M or 2G, not '", *text, "'"));
    return std::nullopt;
  }
  return n * unit;
}

void ReadKindFields(FieldReader& fields, CheckSpec* check) {
  const std::string kind = health::CheckKindWord(check->kind);
  switch (check->kind) {
    case CheckKind::kService: {
      check->target = fields.RequiredString(kind);
      // "nginx" means nginx.service, as systemctl reads it.
      if (!check->target.empty() && check->target.find('.') == std::string::npos)
        check->target += ".service";
      break;
    }
    case CheckKind::kHttp: {
      check->target = fields.RequiredString(kind);
      if (!check->target.empty() && check->target.rfind("http://", 0) != 0)
        fields.Error(kind, "must be an http:// URL (checks run on the host itself, in the clear)");
      if (auto status = fields.Integer("status", 100, 599)) check->expect_status = *status;
      check->body_contains = fields.String("body_contains").value_or("");
      break;
    }
    case CheckKind::kTcp: {
      check->target = fields.RequiredString(kind);
      if (!check->target.empty() && !HostPort::Parse(check->target).ok())
        fields.Error(kind, absl::StrCat("must be HOST:PORT, not '", check->target, "'"));
      break;
    }
    case CheckKind::kCommand: {
      check->argv = fields.StringList(kind);
      if (check->argv.empty() || check->argv.front().empty())
        fields.Error(kind, "must be the program and its arguments, such as [pg_isready, -q]");
      check->target = absl::StrJoin(check->argv, " ");
      break;
    }
    case CheckKind::kDisk: {
      check->target = fields.RequiredString(kind);
      if (!check->target.empty() && check->target.front() != '/')
        fields.Error(kind, "must be an absolute mount point such as /");
      if (auto share = ReadShare(fields, "min_free")) check->min_free = *share;
      if (auto share = ReadShare(fields, "min_free_inodes")) check->min_free_inodes = *share;
      if (auto bytes = ReadBytes(fields, "min_free_bytes")) check->min_free_bytes = *bytes;
      if (check->min_free == 0 && check->min_free_inodes == 0 && check->min_free_bytes == 0) {
        check->min_free = 0.05;  // the default: 5% of the space
        check->min_free_inodes = 0.05;
      }
      break;
    }
  }
}

void ReadOne(const yaml::Node& item, const std::string& where, const Attributes& attributes,
             std::vector<CheckSpec>* out, yaml::ValidationErrors* errors) {
  if (!item.IsMap() || item.entries().empty()) {
    errors->Add(item.mark(), absl::StrCat(where,
                                          ": a health check is a map starting with its "
                                          "kind, such as '- service: nginx'"));
    return;
  }
  const yaml::Node& kind_key = item.entries().front().first;
  std::optional<CheckKind> kind = health::CheckKindFromWord(kind_key.scalar());
  if (!kind) {
    errors->Add(kind_key.mark(),
                absl::StrCat(where, ": unknown health check kind '", kind_key.scalar(),
                             "' (known: ", absl::StrJoin(health::CheckKindWords(), ", "), ")"));
    return;
  }
  size_t errors_before = errors->errors().size();
  CheckSpec check;
  check.kind = *kind;
  check.declared = kind_key.mark().ToString();
  FieldReader fields(item, absl::StrCat(where, ": health check ", kind_key.scalar()), attributes,
                     errors);
  ReadKindFields(fields, &check);

  check.name = fields.String("name").value_or(
      absl::StrCat(health::CheckKindWord(check.kind), "[", check.target, "]"));
  // Only what the agent's copy (health::ChecksFromJson) reads back.
  auto within_a_day = [&](const char* key, absl::Duration d) {
    if (d >= absl::Milliseconds(1) && d <= health::kLongestCheckPeriod) return true;
    fields.Error(key, "must be from 1ms to 24h");
    return false;
  };
  if (auto interval = fields.Seconds("interval"); interval && within_a_day("interval", *interval))
    check.interval = *interval;
  // A probe may take at most the interval: runs of one check never overlap.
  check.timeout = std::min(absl::Seconds(3), check.interval);
  if (auto timeout = fields.Seconds("timeout"); timeout && within_a_day("timeout", *timeout)) {
    check.timeout = *timeout;
    if (*timeout > check.interval) fields.Error("timeout", "must not be longer than the interval");
  }
  if (auto fall = fields.Integer("fall", 1, health::kMostChecksInARow))
    check.fall = static_cast<int>(*fall);
  if (auto rise = fields.Integer("rise", 1, health::kMostChecksInARow))
    check.rise = static_cast<int>(*rise);
  check.service = fields.String("service").value_or(
      check.kind == CheckKind::kService ? check.target : std::string());
  if (!check.service.empty() && check.service.find('.') == std::string::npos)
    check.service += ".service";
  check.critical = fields.Bool("critical", check.kind != CheckKind::kDisk);
  fields.RejectUnknown();
  if (errors->errors().size() == errors_before) out->push_back(std::move(check));
}

}  // namespace

void ReadHealthChecks(const yaml::Node& list, const std::string& where,
                      const Attributes& attributes, std::vector<health::CheckSpec>* out,
                      yaml::ValidationErrors* errors) {
  if (list.IsNull()) return;
  if (!list.IsSequence()) {
    errors->Add(list.mark(), absl::StrCat(where, ": health must be a list of checks"));
    return;
  }
  for (const yaml::Node& item : list.items()) ReadOne(item, where, attributes, out, errors);
}

}  // namespace dm::cookbook
