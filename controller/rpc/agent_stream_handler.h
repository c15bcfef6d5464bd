// The agent service: one long-lived bidirectional stream per agent (AgentService.Connect), on
// gRPC's callback API so that ten thousand idle streams cost no threads.
//
// Per stream: authenticate the agent certificate, read the Hello, attach the stream to the
// AgentDirectory and answer with a Welcome (the resume point), then route heartbeats, output,
// results and health reports until either side ends the stream.
#ifndef DM_CONTROLLER_RPC_AGENT_STREAM_HANDLER_H_
#define DM_CONTROLLER_RPC_AGENT_STREAM_HANDLER_H_

#include "absl/time/time.h"
#include "common/bundle/bundle.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "controller/health/health_board.h"
#include "dm/v1/agent.grpc.pb.h"

namespace dm {

class AgentStreamHandler final : public dm::v1::AgentService::CallbackService {
 public:
  // `health` may be null (the fleet benchmark's controller-less tests): reports are dropped.
  AgentStreamHandler(AgentDirectory* directory, CommandTracker* tracker, BundleCache* bundles,
                     HealthBoard* health, absl::Duration heartbeat_interval)
      : directory_(directory),
        tracker_(tracker),
        bundles_(bundles),
        health_(health),
        heartbeat_interval_(heartbeat_interval) {}

  grpc::ServerBidiReactor<dm::v1::AgentMessage, dm::v1::ControllerMessage>* Connect(
      grpc::CallbackServerContext* context) override;

 private:
  AgentDirectory* const directory_;
  CommandTracker* const tracker_;
  BundleCache* const bundles_;
  HealthBoard* const health_;
  const absl::Duration heartbeat_interval_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_AGENT_STREAM_HANDLER_H_
