// A health check as a role or a cookbook declares it (docs/health.md): what to probe, how often,
// and how many results in a row change its state. Plain values: the cookbook engine reads them
// from YAML (cookbook/health_reader.h), the agent keeps them as JSON across its restarts and runs
// them (health/health_monitor.h).
#ifndef DM_AGENT_HEALTH_CHECK_SPEC_H_
#define DM_AGENT_HEALTH_CHECK_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm::health {

enum class CheckKind {
  kService,  // a systemd unit is active (asked of systemd over its bus)
  kHttp,     // GET a URL: the expected status, optionally a substring of the body
  kTcp,      // a TCP connect succeeds
  kCommand,  // a program exits 0 within the timeout
  kDisk,     // free space and inodes on a mount stay above a threshold
};

const char* CheckKindWord(CheckKind kind);  // "service", "http", ...
std::optional<CheckKind> CheckKindFromWord(const std::string& word);
std::vector<std::string> CheckKindWords();

// What a check may ask for, whether it is read from YAML (health.yaml, a role) or from the JSON
// the agent keeps: an interval or timeout of whole milliseconds up to a day, fall and rise of 1
// to 100.
inline constexpr absl::Duration kLongestCheckPeriod = absl::Hours(24);
inline constexpr int kMostChecksInARow = 100;

struct CheckSpec {
  std::string name;  // unique on a host; by default "KIND[TARGET]", like a resource's id
  CheckKind kind = CheckKind::kService;
  // The unit (service), URL (http), HOST:PORT (tcp) or mount point (disk).
  std::string target;
  std::vector<std::string> argv;  // command

  int expect_status = 200;    // http
  std::string body_contains;  // http; "" accepts any body

  // disk: the smallest free share of space and of inodes (0 to 1) and free bytes; 0 = no limit.
  double min_free = 0;
  double min_free_inodes = 0;
  uint64_t min_free_bytes = 0;

  absl::Duration interval = absl::Seconds(5);
  absl::Duration timeout = absl::Seconds(3);
  int fall = 2;  // failures in a row before a passing check is failing
  int rise = 2;  // passes in a row before a failing check is passing

  std::string service;   // the systemd unit a restart restarts; "" when there is none
  bool critical = true;  // a failing critical check makes the host unhealthy, others degraded
  std::string declared;  // "roles/loadbalancer.yaml:9:5", for messages
};

// The agent keeps its checks as this JSON text (a list), written by ChecksToJson.
std::string ChecksToJson(const std::vector<CheckSpec>& checks);
absl::StatusOr<std::vector<CheckSpec>> ChecksFromJson(const std::string& text);

}  // namespace dm::health

#endif  // DM_AGENT_HEALTH_CHECK_SPEC_H_
