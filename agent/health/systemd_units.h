// Asks systemd how a unit stands, over its own bus (sd-bus), without spawning systemctl: a
// service check every few seconds must cost no process. libsystemd is loaded when the first
// service check runs, as libcurl is for downloads: dm-agent starts without it and runs where it
// is absent as long as no service check is declared.
//
// As root it talks to systemd's private socket (/run/systemd/private), as systemctl does: hosts
// without a D-Bus daemon have it too; otherwise the system bus.
//
// Not thread-safe: one instance per thread (the health monitor's).
#ifndef DM_AGENT_HEALTH_SYSTEMD_UNITS_H_
#define DM_AGENT_HEALTH_SYSTEMD_UNITS_H_

#include <string>

#include "absl/status/statusor.h"

struct sd_bus;

namespace dm::health {

struct UnitState {
  std::string load;    // "loaded", "not-found", ...
  std::string active;  // "active", "inactive", "failed", "activating", ...
  std::string sub;     // "running", "dead", "exited", ...
};

class SystemdUnits {
 public:
  SystemdUnits() = default;
  ~SystemdUnits();
  SystemdUnits(const SystemdUnits&) = delete;
  SystemdUnits& operator=(const SystemdUnits&) = delete;

  // Unavailable when systemd cannot be asked (no libsystemd, no bus); the connection is made
  // again on the next call.
  absl::StatusOr<UnitState> Get(const std::string& unit);

 private:
  absl::Status Connect();
  void Disconnect();

  sd_bus* bus_ = nullptr;
};

}  // namespace dm::health

#endif  // DM_AGENT_HEALTH_SYSTEMD_UNITS_H_
