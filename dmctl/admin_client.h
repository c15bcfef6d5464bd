// dmctl's calls to the controller's admin API (proto/dm/v1/admin.proto), with gRPC kept in
// admin_client.cc. A request-response call has a deadline (30 s unless said otherwise: a hung
// controller cannot hang a script) and returns an absl::Status; a streaming call hands each
// message to `on_message` as it arrives and returns how the call ended. While an
// InterruptibleCalls lives, Ctrl-C (and SIGTERM) cancels the streaming call under way, which then
// ends with Cancelled.
//
// Not thread-safe: a dmctl command makes one call at a time.
#ifndef DM_DMCTL_ADMIN_CLIENT_H_
#define DM_DMCTL_ADMIN_CLIENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dm/v1/admin.pb.h"

namespace dm::dmctl {

// What a streaming call hands over, one message at a time.
template <typename Message>
using OnMessage = std::function<void(const Message&)>;

class AdminClient {
 public:
  // A client of the controller at `address` (HOST:PORT) that trusts only `ca_pem` and presents
  // the admin certificate. Connects on the first call.
  AdminClient(const std::string& address, const std::string& ca_pem, const std::string& cert_pem,
              const std::string& key_pem);
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  // The default deadline of a request-response call.
  static constexpr absl::Duration kCallDeadline = absl::Seconds(30);

  absl::StatusOr<dm::v1::ListAgentsResponse> ListAgents(const dm::v1::ListAgentsRequest& request);
  absl::StatusOr<dm::v1::Agent> GetAgent(const dm::v1::GetAgentRequest& request);
  absl::StatusOr<dm::v1::RemoveAgentResponse> RemoveAgent(
      const dm::v1::RemoveAgentRequest& request);
  absl::StatusOr<dm::v1::CreateTokenResponse> CreateToken(
      const dm::v1::CreateTokenRequest& request);
  absl::StatusOr<dm::v1::ListTokensResponse> ListTokens(const dm::v1::ListTokensRequest& request);
  absl::StatusOr<dm::v1::RevokeTokenResponse> RevokeToken(
      const dm::v1::RevokeTokenRequest& request);
  absl::StatusOr<dm::v1::ListEventsResponse> ListEvents(const dm::v1::ListEventsRequest& request);
  absl::StatusOr<dm::v1::ListRunsResponse> ListRuns(const dm::v1::ListRunsRequest& request);
  absl::StatusOr<dm::v1::Run> GetRun(const dm::v1::GetRunRequest& request);
  absl::StatusOr<dm::v1::ListServersResponse> ListServers(
      const dm::v1::ListServersRequest& request);
  absl::StatusOr<dm::v1::DestroyServerResponse> DestroyServer(
      const dm::v1::DestroyServerRequest& request, absl::Duration deadline = kCallDeadline);
  absl::StatusOr<dm::v1::FleetStatusResponse> FleetStatus(const dm::v1::FleetRequest& request);
  absl::StatusOr<dm::v1::ListBackupsResponse> ListBackups(const dm::v1::FleetRequest& request);
  absl::StatusOr<dm::v1::HealResponse> HealFleet(const dm::v1::HealRequest& request);
  absl::StatusOr<dm::v1::MissingBlobsResponse> MissingBlobs(
      const dm::v1::MissingBlobsRequest& request);
  absl::StatusOr<dm::v1::PutBlobsResponse> PutBlobs(const dm::v1::PutBlobsRequest& request);
  // Relays git's pack protocol for `service` of `fleet`'s repository on the controller: bytes
  // read from `in` go to the controller, its answers to `out`, until git is done.
  absl::Status GitTransport(const std::string& service, const std::string& fleet, int in, int out);
  absl::StatusOr<dm::v1::SetDnsRecordResponse> SetDnsRecord(
      const dm::v1::SetDnsRecordRequest& request);
  absl::StatusOr<dm::v1::ListDnsRecordsResponse> ListDnsRecords(
      const dm::v1::ListDnsRecordsRequest& request);
  absl::StatusOr<dm::v1::DeleteDnsRecordResponse> DeleteDnsRecord(
      const dm::v1::DeleteDnsRecordRequest& request);
  absl::StatusOr<dm::v1::FleetHealthResponse> FleetHealth(const dm::v1::FleetRequest& request);

  absl::Status Exec(const dm::v1::ExecRequest& request,
                    const OnMessage<dm::v1::ExecEvent>& on_message);
  absl::Status Ping(const dm::v1::PingRequest& request,
                    const OnMessage<dm::v1::PingReplies>& on_message);
  absl::Status Converge(const dm::v1::ConvergeRequest& request,
                        const OnMessage<dm::v1::ConvergeEvent>& on_message);
  absl::Status BootServer(const dm::v1::BootServerRequest& request,
                          const OnMessage<dm::v1::ServerEvent>& on_message);
  absl::Status Bootstrap(const dm::v1::BootstrapRequest& request,
                         const OnMessage<dm::v1::ServerEvent>& on_message);
  absl::Status PlanFleet(const dm::v1::FleetRequest& request,
                         const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status UpFleet(const dm::v1::FleetRequest& request,
                       const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status DownFleet(const dm::v1::FleetRequest& request,
                         const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status ScaleFleet(const dm::v1::ScaleFleetRequest& request,
                          const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status DeployFleet(const dm::v1::DeployFleetRequest& request,
                           const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status MaintenanceFleet(const dm::v1::MaintenanceRequest& request,
                                const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status BackupFleet(const dm::v1::FleetRequest& request,
                           const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status RestoreFleet(const dm::v1::RestoreRequest& request,
                            const OnMessage<dm::v1::FleetEvent>& on_message);
  absl::Status SplitFleet(const dm::v1::SplitRequest& request,
                          const OnMessage<dm::v1::FleetEvent>& on_message);
  // Runs until CancelStream() (dmctl events --follow ends with Ctrl-C).
  absl::Status FollowEvents(const dm::v1::FollowEventsRequest& request,
                            const OnMessage<dm::v1::Event>& on_message);

  // Cancels the streaming call under way, if any. Safe from a signal handler's point of view
  // as far as gRPC allows (what dmctl did before this class, too).
  void CancelStream();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Moves a call's answer into `out` and returns OK, or returns the call's error: for commands
// that declare the answer before the call.
template <typename T>
absl::Status MoveInto(absl::StatusOr<T> answer, T* out) {
  if (!answer.ok()) return answer.status();
  *out = std::move(*answer);
  return absl::OkStatus();
}

// While it lives, SIGINT and SIGTERM cancel `client`'s streaming call instead of ending dmctl.
class InterruptibleCalls {
 public:
  explicit InterruptibleCalls(AdminClient* client);
  ~InterruptibleCalls();
  InterruptibleCalls(const InterruptibleCalls&) = delete;
  InterruptibleCalls& operator=(const InterruptibleCalls&) = delete;
};

}  // namespace dm::dmctl

#endif  // DM_DMCTL_ADMIN_CLIENT_H_
