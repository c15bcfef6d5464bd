#include "controller/store/record_protos.h"

namespace dm {

int64_t UnixMillisOrZero(absl::Time t) {
  return t == absl::InfinitePast() ? 0 : absl::ToUnixMillis(t);
}

dm::v1::Token ToProto(const TokenRecord& t) {
  dm::v1::Token out;
  out.set_id(t.id);
  out.set_role(t.role);
  out.set_uses_allowed(t.uses_allowed);
  out.set_uses_left(t.uses_left());
  out.set_created_unix_ms(UnixMillisOrZero(t.created));
  out.set_expires_unix_ms(UnixMillisOrZero(t.expires));
  out.set_revoked(t.is_revoked());
  out.set_description(t.description);
  return out;
}

dm::v1::Event ToProto(const EventRecord& e) {
  dm::v1::Event out;
  out.set_time_unix_ms(UnixMillisOrZero(e.time));
  out.set_kind(e.kind);
  out.set_subject(e.subject);
  out.set_message(e.message);
  out.set_seq(e.seq);
  out.set_fleet(e.fleet);
  out.set_outcome(e.outcome);
  return out;
}

dm::v1::Run ToProto(const RunRecord& r) {
  dm::v1::Run run;
  run.set_id(r.id);
  run.set_agent(r.agent_name);
  run.set_role(r.role);
  run.set_status(ToProto(r.status));
  run.set_dry_run(r.dry_run);
  run.set_started_unix_ms(UnixMillisOrZero(r.started));
  run.set_finished_unix_ms(UnixMillisOrZero(r.finished));
  run.set_bundle_hash(r.bundle_hash);
  run.set_resources(r.resources);
  run.set_changed(r.changed);
  run.set_failed(r.failed);
  run.set_message(r.message);
  run.set_report_json(r.report_json);
  return run;
}

dm::v1::RunStatus ToProto(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return dm::v1::RUN_RUNNING;
    case RunStatus::kConverged:
      return dm::v1::RUN_CONVERGED;
    case RunStatus::kFailed:
      return dm::v1::RUN_FAILED;
    case RunStatus::kInvalid:
      return dm::v1::RUN_INVALID;
    case RunStatus::kError:
      return dm::v1::RUN_ERROR;
    case RunStatus::kInterrupted:
      return dm::v1::RUN_INTERRUPTED;
  }
  return dm::v1::RUN_STATUS_UNSPECIFIED;
}

dm::v1::BootstrapState ToProto(BootstrapState state) {
  switch (state) {
    case BootstrapState::kNever:
      return dm::v1::BOOTSTRAP_NEVER;
    case BootstrapState::kRunning:
      return dm::v1::BOOTSTRAP_RUNNING;
    case BootstrapState::kDone:
      return dm::v1::BOOTSTRAP_DONE;
    case BootstrapState::kFailed:
      return dm::v1::BOOTSTRAP_FAILED;
  }
  return dm::v1::BOOTSTRAP_NEVER;
}

}  // namespace dm
