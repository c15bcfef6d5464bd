// The healer's settle times, damping and caps (docs/health.md). Apart from healer.h so that the
// controller's options (rpc/controller_server.h, which main.cc compiles) stay light.
#ifndef DM_CONTROLLER_HEALTH_HEALER_OPTIONS_H_
#define DM_CONTROLLER_HEALTH_HEALER_OPTIONS_H_

#include "absl/time/time.h"

namespace dm {

struct HealerOptions {
  // How long a rung has to bring the host back before the next one.
  absl::Duration restart_settle = absl::Seconds(20);
  absl::Duration reconverge_settle = absl::Seconds(60);
  // Flapping: more than `flap_changes` changes of a host's health within `flap_window`.
  int flap_changes = 6;
  absl::Duration flap_window = absl::Minutes(10);
  // After a fleet operation (up, deploy, ...), its hosts' checks settle before anything is done:
  // checks that ran while services were being set up fail for no lasting reason.
  absl::Duration after_operation = absl::Seconds(15);
  // The same after the controller starts: the reports it kept may be stale until agents report.
  absl::Duration after_start = absl::Seconds(15);
  // Within a deploy's watch window, how long an unhealthy app node's ladder waits to see whether
  // every app node fails (the revision: rolled back) or only this one (the node: healed). Longer
  // than a rolling deploy takes between two nodes (a settle window and a converge), since a
  // revision that fails some time after it starts fails on each node that much later.
  absl::Duration deploy_grace = absl::Seconds(60);
  // Replacements per fleet per hour.
  int replacements_per_hour = 3;
  // The storm guard: more than this share of a fleet's or of all agents lost within the window.
  double storm_share = 1.0 / 3;
  absl::Duration storm_window = absl::Minutes(2);
};

}  // namespace dm

#endif  // DM_CONTROLLER_HEALTH_HEALER_OPTIONS_H_
