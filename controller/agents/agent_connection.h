// A live stream to one agent, as the rest of the controller sees it. Implemented by the gRPC
// stream handler (rpc/agent_stream_handler.cc) and by fakes in tests.
#ifndef DM_CONTROLLER_AGENTS_AGENT_CONNECTION_H_
#define DM_CONTROLLER_AGENTS_AGENT_CONNECTION_H_

#include <string>

#include <grpcpp/support/status.h>

#include "dm/v1/agent.pb.h"

namespace dm {

// Thread-safe. Implementations never call back into the AgentDirectory from Send or Close, so
// the directory may call them while holding its lock.
class AgentConnection {
 public:
  virtual ~AgentConnection() = default;
  // Queues `message` for the agent. false if the stream has ended or its queue is full.
  virtual bool Send(const dm::v1::ControllerMessage& message) = 0;
  // Ends the stream with `status`, which the agent receives. Idempotent.
  virtual void Close(const grpc::Status& status) = 0;
  // The peer's address as gRPC reports it, e.g. "ipv4:127.0.0.1:51234".
  virtual std::string peer() const = 0;
};

}  // namespace dm

#endif  // DM_CONTROLLER_AGENTS_AGENT_CONNECTION_H_
