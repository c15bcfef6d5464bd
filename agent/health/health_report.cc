#include "agent/health/health_report.h"

#include "agent/health/health_monitor.h"

namespace dm::health {
namespace {

dm::v1::CheckKind KindProto(CheckKind kind) {
  switch (kind) {
    case CheckKind::kService:
      return dm::v1::CHECK_SERVICE;
    case CheckKind::kHttp:
      return dm::v1::CHECK_HTTP;
    case CheckKind::kTcp:
      return dm::v1::CHECK_TCP;
    case CheckKind::kCommand:
      return dm::v1::CHECK_COMMAND;
    case CheckKind::kDisk:
      return dm::v1::CHECK_DISK;
  }
  return dm::v1::CHECK_KIND_UNSPECIFIED;
}

dm::v1::CheckState StateProto(CheckState state) {
  switch (state) {
    case CheckState::kUnknown:
      return dm::v1::CHECK_UNKNOWN;
    case CheckState::kPassing:
      return dm::v1::CHECK_PASSING;
    case CheckState::kFailing:
      return dm::v1::CHECK_FAILING;
  }
  return dm::v1::CHECK_STATE_UNSPECIFIED;
}

}  // namespace

dm::v1::HealthReport ToHealthReport(const std::vector<CheckStatus>& statuses) {
  dm::v1::HealthReport report;
  for (const CheckStatus& s : statuses) {
    dm::v1::CheckStatus* c = report.add_checks();
    c->set_name(s.spec.name);
    c->set_kind(KindProto(s.spec.kind));
    c->set_state(StateProto(s.state));
    if (s.since != absl::InfinitePast()) c->set_since_unix_ms(absl::ToUnixMillis(s.since));
    c->set_output(s.output.substr(0, kMaxCheckOutput));
    c->set_service(s.spec.service);
    c->set_critical(s.spec.critical);
    c->set_target(s.spec.target);
    c->set_interval_ms(static_cast<uint32_t>(absl::ToInt64Milliseconds(s.spec.interval)));
    c->set_timeout_ms(static_cast<uint32_t>(absl::ToInt64Milliseconds(s.spec.timeout)));
    c->set_fall(static_cast<uint32_t>(s.spec.fall));
    c->set_rise(static_cast<uint32_t>(s.spec.rise));
  }
  report.set_digest(DigestOf(statuses));
  return report;
}

}  // namespace dm::health
