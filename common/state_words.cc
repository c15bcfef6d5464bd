#include "common/state_words.h"

namespace dm {

// Every switch lists each value: a new one is a compiler warning here, not a blank in a table.

const char* StepStatusWord(dm::v1::StepStatus status) {
  switch (status) {
    case dm::v1::STEP_RUNNING:
      return "running";
    case dm::v1::STEP_OK:
      return "ok";
    case dm::v1::STEP_CHANGED:
      return "changed";
    case dm::v1::STEP_FAILED:
      return "failed";
    case dm::v1::STEP_PLANNED:
      return "planned";
    default:
      return "";
  }
}

const char* RunStatusWord(dm::v1::RunStatus status) {
  switch (status) {
    case dm::v1::RUN_RUNNING:
      return "running";
    case dm::v1::RUN_CONVERGED:
      return "converged";
    case dm::v1::RUN_FAILED:
      return "failed";
    case dm::v1::RUN_INVALID:
      return "invalid";
    case dm::v1::RUN_ERROR:
      return "error";
    case dm::v1::RUN_INTERRUPTED:
      return "interrupted";
    default:
      return "";
  }
}

const char* BootstrapStateWord(dm::v1::BootstrapState state) {
  switch (state) {
    case dm::v1::BOOTSTRAP_RUNNING:
      return "running";
    case dm::v1::BOOTSTRAP_DONE:
      return "done";
    case dm::v1::BOOTSTRAP_FAILED:
      return "failed";
    default:
      return "";
  }
}

const char* ServerStateWord(dm::v1::ServerState state) {
  switch (state) {
    case dm::v1::SERVER_RUNNING:
      return "running";
    case dm::v1::SERVER_STOPPED:
      return "stopped";
    case dm::v1::SERVER_ERROR:
      return "error";
    case dm::v1::SERVER_MISSING:
      return "missing";
    case dm::v1::SERVER_ABSENT:
      return "absent";
    case dm::v1::SERVER_CREATING:
      return "creating";
    default:
      return "";
  }
}

const char* ResourceStatusWord(dm::v1::ResourceStatus status) {
  switch (status) {
    case dm::v1::RESOURCE_OK:
      return "ok";
    case dm::v1::RESOURCE_CHANGED:
      return "changed";
    case dm::v1::RESOURCE_FAILED:
      return "failed";
    case dm::v1::RESOURCE_SKIPPED:
      return "skipped";
    default:
      return "";
  }
}

const char* AgentStateWord(dm::v1::AgentState state) {
  switch (state) {
    case dm::v1::CONNECTED:
      return "connected";
    case dm::v1::DISCONNECTED:
      return "disconnected";
    default:
      return "";
  }
}

const char* HostHealthWord(dm::v1::HostHealth health) {
  switch (health) {
    case dm::v1::HOST_HEALTHY:
      return "healthy";
    case dm::v1::HOST_DEGRADED:
      return "degraded";
    case dm::v1::HOST_UNHEALTHY:
      return "unhealthy";
    case dm::v1::HOST_LOST:
      return "lost";
    default:
      return "unknown";
  }
}

const char* CheckStateWord(dm::v1::CheckState state) {
  switch (state) {
    case dm::v1::CHECK_PASSING:
      return "passing";
    case dm::v1::CHECK_FAILING:
      return "failing";
    default:
      return "unknown";
  }
}

const char* CheckKindWord(dm::v1::CheckKind kind) {
  switch (kind) {
    case dm::v1::CHECK_SERVICE:
      return "service";
    case dm::v1::CHECK_HTTP:
      return "http";
    case dm::v1::CHECK_TCP:
      return "tcp";
    case dm::v1::CHECK_COMMAND:
      return "command";
    case dm::v1::CHECK_DISK:
      return "disk";
    default:
      return "unknown";
  }
}

}  // namespace dm
