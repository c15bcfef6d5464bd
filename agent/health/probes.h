// Runs one health check once on this host and says whether it passed, with what it saw. Only a
// command check spawns a process: service asks systemd over its bus, http and tcp use a socket,
// disk asks statvfs. Every probe ends within its check's timeout.
#ifndef DM_AGENT_HEALTH_PROBES_H_
#define DM_AGENT_HEALTH_PROBES_H_

#include <string>

#include "agent/health/check_spec.h"
#include "agent/health/systemd_units.h"

namespace dm::health {

// What a check's failure may carry to the controller (its output's end is kept).
inline constexpr size_t kMaxCheckOutput = 4096;

struct ProbeResult {
  bool passed = false;
  std::string output;  // why it failed, or a short note of what passed; <= kMaxCheckOutput
};

class Prober {
 public:
  virtual ~Prober() = default;
  virtual ProbeResult Run(const CheckSpec& check) = 0;
};

// The real probes. Not thread-safe (it keeps one systemd connection): one per monitor thread.
class HostProber final : public Prober {
 public:
  ProbeResult Run(const CheckSpec& check) override;

 private:
  ProbeResult Service(const CheckSpec& check);
  SystemdUnits units_;
};

// The parts, for tests.
ProbeResult ProbeHttp(const CheckSpec& check);
ProbeResult ProbeTcp(const CheckSpec& check);
ProbeResult ProbeCommand(const CheckSpec& check);
ProbeResult ProbeDisk(const CheckSpec& check);

}  // namespace dm::health

#endif  // DM_AGENT_HEALTH_PROBES_H_
