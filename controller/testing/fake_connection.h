// An AgentConnection that records what is sent and whether it was closed. For unit tests.
#ifndef DM_CONTROLLER_TESTING_FAKE_CONNECTION_H_
#define DM_CONTROLLER_TESTING_FAKE_CONNECTION_H_

#include <mutex>
#include <vector>

#include "controller/agents/agent_connection.h"

namespace dm {

class FakeConnection : public AgentConnection {
 public:
  bool Send(const dm::v1::ControllerMessage& message) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return false;
    sent_.push_back(message);
    return true;
  }
  void Close(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    close_status_ = status;
  }
  std::string peer() const override { return "ipv4:10.1.2.3:45678"; }

  bool closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  grpc::Status close_status() const {
    std::lock_guard<std::mutex> lock(mu_);
    return close_status_;
  }
  std::vector<dm::v1::ControllerMessage> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }

 private:
  mutable std::mutex mu_;
  bool closed_ = false;
  grpc::Status close_status_;
  std::vector<dm::v1::ControllerMessage> sent_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_TESTING_FAKE_CONNECTION_H_
