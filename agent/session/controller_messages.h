// What the agent does with each message the controller sends on its stream once the Welcome is
// in: acknowledgements free the outbox, commands start, cancellations stop them, blobs go to the
// command that asked, health requests get a report. Apart from gRPC, so that the fuzz target
// (fuzz/controller_messages_fuzzer.cc) can play the controller.
#ifndef DM_AGENT_SESSION_CONTROLLER_MESSAGES_H_
#define DM_AGENT_SESSION_CONTROLLER_MESSAGES_H_

#include <functional>

#include "agent/commands/command_dispatcher.h"
#include "agent/session/outbox.h"
#include "dm/v1/agent.pb.h"

namespace dm {

// `report_health` queues a report of every check (the controller asked for one). Messages of a
// kind this agent does not know (a newer controller's) are ignored.
void HandleControllerMessage(dm::v1::ControllerMessage message, Outbox* outbox,
                             CommandDispatcher* dispatcher,
                             const std::function<void()>& report_health);

}  // namespace dm

#endif  // DM_AGENT_SESSION_CONTROLLER_MESSAGES_H_
