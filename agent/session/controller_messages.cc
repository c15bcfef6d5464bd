#include "agent/session/controller_messages.h"

namespace dm {

void HandleControllerMessage(dm::v1::ControllerMessage message, Outbox* outbox,
                             CommandDispatcher* dispatcher,
                             const std::function<void()>& report_health) {
  switch (message.body_case()) {
    case dm::v1::ControllerMessage::kAck:
      outbox->Ack(message.ack().seq());
      break;
    case dm::v1::ControllerMessage::kCommand:
      dispatcher->Start(message.command());
      break;
    case dm::v1::ControllerMessage::kCancel:
      dispatcher->Cancel(message.cancel().id());
      break;
    case dm::v1::ControllerMessage::kBlobs:
      dispatcher->DeliverBlobs(std::move(*message.mutable_blobs()));
      break;
    case dm::v1::ControllerMessage::kHealthRequest:
      report_health();
      break;
    default:
      break;
  }
}

}  // namespace dm
