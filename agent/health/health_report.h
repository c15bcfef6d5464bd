// The monitor's statuses as the controller receives them (dm.v1.HealthReport).
#ifndef DM_AGENT_HEALTH_HEALTH_REPORT_H_
#define DM_AGENT_HEALTH_HEALTH_REPORT_H_

#include <vector>

#include "agent/health/check_state.h"
#include "dm/v1/health.pb.h"

namespace dm::health {

dm::v1::HealthReport ToHealthReport(const std::vector<CheckStatus>& statuses);

}  // namespace dm::health

#endif  // DM_AGENT_HEALTH_HEALTH_REPORT_H_
