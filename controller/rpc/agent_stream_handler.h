// The agent service: one long-lived bidirectional stream per agent (AgentService.Connect), on
// gRPC's callback API so that ten thousand idle streams cost no threads.
//
// Per stream: authenticate the agent certificate, then hand each message to an AgentSession
// (agents/agent_session.h: what messages do, and the stream's rules) until either side ends the
// stream, reading the next message later when the session says the agent sends too much.
#ifndef DM_CONTROLLER_RPC_AGENT_STREAM_HANDLER_H_
#define DM_CONTROLLER_RPC_AGENT_STREAM_HANDLER_H_

#include "controller/agents/agent_session.h"
#include "dm/v1/agent.grpc.pb.h"

namespace dm {

class AgentStreamHandler final : public dm::v1::AgentService::CallbackService {
 public:
  explicit AgentStreamHandler(const AgentSessionServices& services) : services_(services) {}

  grpc::ServerBidiReactor<dm::v1::AgentMessage, dm::v1::ControllerMessage>* Connect(
      grpc::CallbackServerContext* context) override;

 private:
  const AgentSessionServices services_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_AGENT_STREAM_HANDLER_H_
