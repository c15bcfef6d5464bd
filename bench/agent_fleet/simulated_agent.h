// One simulated agent for the fleet benchmark: its own key, certificate, channel and TCP
// connection, and one AgentService stream driven by gRPC's callback API (so that ten thousand of
// them need no thread each). It speaks the real protocol: Hello, Welcome, heartbeats, and answers
// to no-op commands with sequenced, acknowledged results.
#ifndef DM_BENCH_AGENT_FLEET_SIMULATED_AGENT_H_
#define DM_BENCH_AGENT_FLEET_SIMULATED_AGENT_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "common/controller_channel.h"
#include "dm/v1/agent.grpc.pb.h"

namespace dm::bench {

struct FleetCounters {
  std::atomic<int> connected{0};
  std::atomic<int> failed{0};    // streams that ended with an error while the benchmark ran
  std::atomic<int> commands{0};  // no-ops answered
  std::mutex mu;
  std::string first_error ABSL_GUARDED_BY(mu);
};

class SimulatedAgent
    : public grpc::ClientBidiReactor<dm::v1::AgentMessage, dm::v1::ControllerMessage> {
 public:
  SimulatedAgent(const std::string& address, const ChannelCredentialsPem& pem,
                 FleetCounters* counters);

  // Dials and opens the stream; Welcome arrives later (counters->connected).
  void Start();
  void SendHeartbeat();
  // Ends the stream; OnDone follows.
  void Cancel() { context_.TryCancel(); }
  bool done() const { return !started_ || done_; }

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  void Write(dm::v1::AgentMessage message);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<dm::v1::AgentService::Stub> stub_;
  grpc::ClientContext context_;
  FleetCounters* counters_;
  dm::v1::ControllerMessage incoming_;
  std::mutex mu_;
  std::deque<dm::v1::AgentMessage> queue_ ABSL_GUARDED_BY(mu_);  // front() is in flight if writing_
  bool writing_ = false;
  std::atomic<bool> welcomed_{false};
  std::atomic<bool> started_{false};
  uint64_t seq_ = 0;
  std::atomic<bool> done_{false};
};

}  // namespace dm::bench

#endif  // DM_BENCH_AGENT_FLEET_SIMULATED_AGENT_H_
