#include "dmctl/admin_client.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "common/controller_channel.h"
#include "common/files.h"
#include "common/grpc_status.h"
#include "dm/v1/admin.grpc.pb.h"

namespace dm::dmctl {

using Stub = dm::v1::Admin::Stub;

struct AdminClient::Impl {
  std::string address;
  ChannelCredentialsPem pem;
  std::unique_ptr<Stub> stub;
  // The streaming call under way, for CancelStream (which a signal handler calls).
  std::atomic<grpc::ClientContext*> active{nullptr};

  Stub* stub_for_call() {
    if (!stub) stub = dm::v1::Admin::NewStub(CreateControllerChannel(address, pem));
    return stub.get();
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Unary(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                              Response*),
                                 const Request& request, absl::Duration deadline) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(deadline));
    Response response;
    grpc::Status status = (stub_for_call()->*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  template <typename Request, typename Message>
  absl::Status Stream(std::unique_ptr<grpc::ClientReader<Message>> (Stub::*method)(
                          grpc::ClientContext*, const Request&),
                      const Request& request, const OnMessage<Message>& on_message) {
    grpc::ClientContext context;
    active = &context;
    std::unique_ptr<grpc::ClientReader<Message>> reader =
        (stub_for_call()->*method)(&context, request);
    Message message;
    while (reader->Read(&message)) on_message(message);
    grpc::Status status = reader->Finish();
    active = nullptr;
    return FromGrpcStatus(status);
  }
};

AdminClient::AdminClient(const std::string& address, const std::string& ca_pem,
                         const std::string& cert_pem, const std::string& key_pem)
    : impl_(std::make_unique<Impl>()) {
  impl_->address = address;
  impl_->pem.ca = ca_pem;
  impl_->pem.cert = cert_pem;
  impl_->pem.key = key_pem;
}

AdminClient::~AdminClient() = default;

void AdminClient::CancelStream() {
  if (grpc::ClientContext* context = impl_->active.load()) context->TryCancel();
}

absl::StatusOr<dm::v1::ListAgentsResponse> AdminClient::ListAgents(
    const dm::v1::ListAgentsRequest& request) {
  return impl_->Unary(&Stub::ListAgents, request, kCallDeadline);
}

absl::StatusOr<dm::v1::Agent> AdminClient::GetAgent(const dm::v1::GetAgentRequest& request) {
  return impl_->Unary(&Stub::GetAgent, request, kCallDeadline);
}

absl::StatusOr<dm::v1::RemoveAgentResponse> AdminClient::RemoveAgent(
    const dm::v1::RemoveAgentRequest& request) {
  return impl_->Unary(&Stub::RemoveAgent, request, kCallDeadline);
}

absl::StatusOr<dm::v1::CreateTokenResponse> AdminClient::CreateToken(
    const dm::v1::CreateTokenRequest& request) {
  return impl_->Unary(&Stub::CreateToken, request, kCallDeadline);
}

absl::StatusOr<dm::v1::ListTokensResponse> AdminClient::ListTokens(
    const dm::v1::ListTokensRequest& request) {
  return impl_->Unary(&Stub::ListTokens, request, kCallDeadline);
}

absl::StatusOr<dm::v1::RevokeTokenResponse> AdminClient::RevokeToken(
    const dm::v1::RevokeTokenRequest& request) {
  return impl_->Unary(&Stub::RevokeToken, request, kCallDeadline);
}

absl::StatusOr<dm::v1::ListEventsResponse> AdminClient::ListEvents(
    const dm::v1::ListEventsRequest& request) {
  return impl_->Unary(&Stub::ListEvents, request, kCallDeadline);
}

absl::StatusOr<dm::v1::ListRunsResponse> AdminClient::ListRuns(
    const dm::v1::ListRunsRequest& request) {
  return impl_->Unary(&Stub::ListRuns, request, kCallDeadline);
}

absl::StatusOr<dm::v1::Run> AdminClient::GetRun(const dm::v1::GetRunRequest& request) {
  return impl_->Unary(&Stub::GetRun, request, kCallDeadline);
}

absl::StatusOr<dm::v1::ListServersResponse> AdminClient::ListServers(
    const dm::v1::ListServersRequest& request) {
  return impl_->Unary(&Stub::ListServers, request, kCallDeadline);
}

absl::StatusOr<dm::v1::DestroyServerResponse> AdminClient::DestroyServer(
    const dm::v1::DestroyServerRequest& request, absl::Duration deadline) {
  return impl_->Unary(&Stub::DestroyServer, request, deadline);
}

absl::StatusOr<dm::v1::HealResponse> AdminClient::HealFleet(const dm::v1::HealRequest& request) {
  return impl_->Unary(&Stub::HealFleet, request, kCallDeadline);
}

absl::StatusOr<dm::v1::MissingBlobsResponse> AdminClient::MissingBlobs(
    const dm::v1::MissingBlobsRequest& request) {
  return impl_->Unary(&Stub::MissingBlobs, request, kCallDeadline);
}

absl::StatusOr<dm::v1::PutBlobsResponse> AdminClient::PutBlobs(
    const dm::v1::PutBlobsRequest& request) {
  // A batch of file contents may take longer than a listing.
  return impl_->Unary(&Stub::PutBlobs, request, absl::Seconds(120));
}

absl::Status AdminClient::GitTransport(const std::string& service, const std::string& fleet, int in,
                                       int out) {
  // Shared with the thread below, which may outlive this call (see there).
  auto context = std::make_shared<grpc::ClientContext>();
  std::shared_ptr<
      grpc::ClientReaderWriter<dm::v1::GitTransportMessage, dm::v1::GitTransportMessage>>
      stream = impl_->stub_for_call()->GitTransport(context.get());
  dm::v1::GitTransportMessage first;
  first.set_service(service);
  first.set_fleet(fleet);
  if (!stream->Write(first)) return FromGrpcStatus(stream->Finish());
  auto finished = std::make_shared<std::atomic<bool>>(false);
  // git's bytes go up from a thread of their own; when git closes them, the controller is told.
  std::thread up([context, stream, finished, in] {
    std::string buffer(64 * 1024, '\0');
    for (;;) {
      const ssize_t n = ::read(in, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      dm::v1::GitTransportMessage message;
      message.set_data(buffer.data(), n);
      if (*finished || !stream->Write(message)) break;
    }
    if (!*finished) stream->WritesDone();
  });
  // git may keep its end open after the controller is done: the thread then waits in read()
  // until this process (the short-lived git-transport command) exits.
  up.detach();
  dm::v1::GitTransportMessage answer;
  while (stream->Read(&answer)) {
    if (!WriteAll(out, answer.data(), "git").ok()) break;
  }
  // The controller has answered in full (the call is over): nothing more goes up.
  *finished = true;
  return FromGrpcStatus(stream->Finish());
}

absl::StatusOr<dm::v1::SetDnsRecordResponse> AdminClient::SetDnsRecord(
    const dm::v1::SetDnsRecordRequest& request) {
  return impl_->Unary(&Stub::SetDnsRecord, request, kCallDeadline);
}

absl::StatusOr<dm::v1::ListDnsRecordsResponse> AdminClient::ListDnsRecords(
    const dm::v1::ListDnsRecordsRequest& request) {
  return impl_->Unary(&Stub::ListDnsRecords, request, kCallDeadline);
}

absl::StatusOr<dm::v1::DeleteDnsRecordResponse> AdminClient::DeleteDnsRecord(
    const dm::v1::DeleteDnsRecordRequest& request) {
  return impl_->Unary(&Stub::DeleteDnsRecord, request, kCallDeadline);
}

absl::StatusOr<dm::v1::FleetHealthResponse> AdminClient::FleetHealth(
    const dm::v1::FleetRequest& request) {
  return impl_->Unary(&Stub::FleetHealth, request, kCallDeadline);
}

absl::StatusOr<dm::v1::FleetStatusResponse> AdminClient::FleetStatus(
    const dm::v1::FleetRequest& request) {
  return impl_->Unary(&Stub::FleetStatus, request, kCallDeadline);
}

absl::StatusOr<dm::v1::ListBackupsResponse> AdminClient::ListBackups(
    const dm::v1::FleetRequest& request) {
  return impl_->Unary(&Stub::ListBackups, request, kCallDeadline);
}

absl::Status AdminClient::Exec(const dm::v1::ExecRequest& request,
                               const OnMessage<dm::v1::ExecEvent>& on_message) {
  return impl_->Stream(&Stub::Exec, request, on_message);
}

absl::Status AdminClient::Ping(const dm::v1::PingRequest& request,
                               const OnMessage<dm::v1::PingReplies>& on_message) {
  return impl_->Stream(&Stub::Ping, request, on_message);
}

absl::Status AdminClient::Converge(const dm::v1::ConvergeRequest& request,
                                   const OnMessage<dm::v1::ConvergeEvent>& on_message) {
  return impl_->Stream(&Stub::Converge, request, on_message);
}

absl::Status AdminClient::BootServer(const dm::v1::BootServerRequest& request,
                                     const OnMessage<dm::v1::ServerEvent>& on_message) {
  return impl_->Stream(&Stub::BootServer, request, on_message);
}

absl::Status AdminClient::Bootstrap(const dm::v1::BootstrapRequest& request,
                                    const OnMessage<dm::v1::ServerEvent>& on_message) {
  return impl_->Stream(&Stub::Bootstrap, request, on_message);
}

absl::Status AdminClient::PlanFleet(const dm::v1::FleetRequest& request,
                                    const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::PlanFleet, request, on_message);
}

absl::Status AdminClient::UpFleet(const dm::v1::FleetRequest& request,
                                  const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::UpFleet, request, on_message);
}

absl::Status AdminClient::DownFleet(const dm::v1::FleetRequest& request,
                                    const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::DownFleet, request, on_message);
}

absl::Status AdminClient::ScaleFleet(const dm::v1::ScaleFleetRequest& request,
                                     const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::ScaleFleet, request, on_message);
}

absl::Status AdminClient::DeployFleet(const dm::v1::DeployFleetRequest& request,
                                      const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::DeployFleet, request, on_message);
}

absl::Status AdminClient::MaintenanceFleet(const dm::v1::MaintenanceRequest& request,
                                           const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::MaintenanceFleet, request, on_message);
}

absl::Status AdminClient::BackupFleet(const dm::v1::FleetRequest& request,
                                      const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::BackupFleet, request, on_message);
}

absl::Status AdminClient::RestoreFleet(const dm::v1::RestoreRequest& request,
                                       const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::RestoreFleet, request, on_message);
}

absl::Status AdminClient::SplitFleet(const dm::v1::SplitRequest& request,
                                     const OnMessage<dm::v1::FleetEvent>& on_message) {
  return impl_->Stream(&Stub::SplitFleet, request, on_message);
}

absl::Status AdminClient::FollowEvents(const dm::v1::FollowEventsRequest& request,
                                       const OnMessage<dm::v1::Event>& on_message) {
  return impl_->Stream(&Stub::FollowEvents, request, on_message);
}

namespace {

std::atomic<AdminClient*> g_interruptible{nullptr};

void CancelOnSignal(int) {
  if (AdminClient* client = g_interruptible.load()) client->CancelStream();
}

}  // namespace

InterruptibleCalls::InterruptibleCalls(AdminClient* client) {
  g_interruptible = client;
  std::signal(SIGINT, CancelOnSignal);
  std::signal(SIGTERM, CancelOnSignal);
}

InterruptibleCalls::~InterruptibleCalls() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  g_interruptible = nullptr;
}

}  // namespace dm::dmctl
