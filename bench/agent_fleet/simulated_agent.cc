#include "bench/agent_fleet/simulated_agent.h"

#include "absl/time/clock.h"
#include "agent/session/session.h"
#include "common/random.h"

namespace dm::bench {

SimulatedAgent::SimulatedAgent(const std::string& address, const ChannelCredentialsPem& pem,
                               FleetCounters* counters)
    : counters_(counters) {
  grpc::ChannelArguments args = AgentStreamChannelArguments();
  // Its own TCP connection, as a real agent on its own host would have.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  channel_ = CreateControllerChannel(address, pem, args);
  stub_ = dm::v1::AgentService::NewStub(channel_);
}

void SimulatedAgent::Start() {
  started_ = true;
  context_.set_wait_for_ready(true);
  stub_->async()->Connect(&context_, this);
  dm::v1::AgentMessage hello;
  hello.mutable_hello()->set_epoch(RandomUint64() | 1);
  hello.mutable_hello()->mutable_facts()->set_hostname("sim");
  hello.mutable_hello()->mutable_facts()->set_agent_version("bench");
  Write(std::move(hello));
  StartRead(&incoming_);
  StartCall();
}

void SimulatedAgent::SendHeartbeat() {
  if (!welcomed_ || done_) return;
  dm::v1::AgentMessage heartbeat;
  heartbeat.mutable_heartbeat()->set_sent_unix_ms(absl::ToUnixMillis(absl::Now()));
  Write(std::move(heartbeat));
}

void SimulatedAgent::Write(dm::v1::AgentMessage message) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(message));
  if (!writing_) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void SimulatedAgent::OnWriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.pop_front();
  writing_ = false;
  if (ok && !queue_.empty()) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void SimulatedAgent::OnReadDone(bool ok) {
  if (!ok) return;  // OnDone follows
  if (incoming_.has_welcome() && !welcomed_) {
    welcomed_ = true;
    counters_->connected++;
  } else if (incoming_.has_command()) {
    dm::v1::AgentMessage result;
    result.set_seq(++seq_);
    result.mutable_result()->set_command_id(incoming_.command().id());
    Write(std::move(result));
    counters_->commands++;
  }
  StartRead(&incoming_);
}

void SimulatedAgent::OnDone(const grpc::Status& status) {
  if (welcomed_) counters_->connected--;
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    if (counters_->failed++ == 0) {
      std::lock_guard<std::mutex> lock(counters_->mu);
      counters_->first_error = std::to_string(status.error_code()) + ": " + status.error_message();
    }
  }
  done_ = true;
}

}  // namespace dm::bench
