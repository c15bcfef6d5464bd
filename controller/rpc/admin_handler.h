// The admin service (dmctl's API). Every RPC runs in the same order: authenticate the admin
// certificate, validate the request, act, record an audit event for changes. One file per topic:
// admin_agents.cc, admin_tokens.cc, admin_commands.cc, admin_events.cc, admin_converge.cc,
// admin_runs.cc, admin_servers.cc, admin_fleets.cc, admin_health.cc.
//
// Uses gRPC's synchronous API: admin calls are few, and Exec blocks for the command's duration.
#ifndef DM_CONTROLLER_RPC_ADMIN_HANDLER_H_
#define DM_CONTROLLER_RPC_ADMIN_HANDLER_H_

#include "common/clock.h"
#include "controller/agents/agent_directory.h"
#include "controller/commands/command_tracker.h"
#include "controller/converge/converger.h"
#include "controller/deploy_trees/deploy_tree_store.h"
#include "controller/enrollment/token_service.h"
#include "controller/fleet/app_mirror.h"
#include "controller/fleet/fleet_service.h"
#include "controller/health/health_board.h"
#include "controller/providers/providers_config.h"
#include "controller/servers/server_manager.h"
#include "controller/store/audit_trail.h"
#include "controller/store/store.h"
#include "dm/v1/admin.grpc.pb.h"

namespace dm {

class AdminHandler final : public dm::v1::Admin::Service {
 public:
  // What the handlers act on; none is owned.
  struct Parts {
    AgentDirectory* directory = nullptr;
    TokenService* tokens = nullptr;
    CommandTracker* tracker = nullptr;
    Store* store = nullptr;
    Clock* clock = nullptr;
    const AuditTrail* audit = nullptr;
    Converger* converger = nullptr;
    ServerManager* servers = nullptr;
    FleetService* fleets = nullptr;
    HealthBoard* health = nullptr;
    const DnsProviderSet* dns = nullptr;  // by name; nullptr: none
    DeployTreeStore* trees = nullptr;     // deploy folders dmctl sends with fleets
    AppMirror* apps = nullptr;            // app repositories dmctl pushes for fleets
  };

  explicit AdminHandler(const Parts& parts)
      : directory_(parts.directory),
        tokens_(parts.tokens),
        tracker_(parts.tracker),
        store_(parts.store),
        audit_(parts.audit),
        clock_(parts.clock),
        converger_(parts.converger),
        servers_(parts.servers),
        fleets_(parts.fleets),
        health_(parts.health),
        dns_(parts.dns),
        trees_(parts.trees),
        apps_(parts.apps) {}

  grpc::Status ListAgents(grpc::ServerContext* context, const dm::v1::ListAgentsRequest* request,
                          dm::v1::ListAgentsResponse* response) override;
  grpc::Status GetAgent(grpc::ServerContext* context, const dm::v1::GetAgentRequest* request,
                        dm::v1::Agent* response) override;
  grpc::Status RemoveAgent(grpc::ServerContext* context, const dm::v1::RemoveAgentRequest* request,
                           dm::v1::RemoveAgentResponse* response) override;

  grpc::Status CreateToken(grpc::ServerContext* context, const dm::v1::CreateTokenRequest* request,
                           dm::v1::CreateTokenResponse* response) override;
  grpc::Status ListTokens(grpc::ServerContext* context, const dm::v1::ListTokensRequest* request,
                          dm::v1::ListTokensResponse* response) override;
  grpc::Status RevokeToken(grpc::ServerContext* context, const dm::v1::RevokeTokenRequest* request,
                           dm::v1::RevokeTokenResponse* response) override;

  grpc::Status Exec(grpc::ServerContext* context, const dm::v1::ExecRequest* request,
                    grpc::ServerWriter<dm::v1::ExecEvent>* writer) override;
  grpc::Status Ping(grpc::ServerContext* context, const dm::v1::PingRequest* request,
                    grpc::ServerWriter<dm::v1::PingReplies>* writer) override;

  grpc::Status ListEvents(grpc::ServerContext* context, const dm::v1::ListEventsRequest* request,
                          dm::v1::ListEventsResponse* response) override;
  grpc::Status FollowEvents(grpc::ServerContext* context,
                            const dm::v1::FollowEventsRequest* request,
                            grpc::ServerWriter<dm::v1::Event>* writer) override;
  grpc::Status FleetHealth(grpc::ServerContext* context, const dm::v1::FleetRequest* request,
                           dm::v1::FleetHealthResponse* response) override;
  grpc::Status HealFleet(grpc::ServerContext* context, const dm::v1::HealRequest* request,
                         dm::v1::HealResponse* response) override;

  grpc::Status Converge(grpc::ServerContext* context, const dm::v1::ConvergeRequest* request,
                        grpc::ServerWriter<dm::v1::ConvergeEvent>* writer) override;
  grpc::Status ListRuns(grpc::ServerContext* context, const dm::v1::ListRunsRequest* request,
                        dm::v1::ListRunsResponse* response) override;
  grpc::Status GetRun(grpc::ServerContext* context, const dm::v1::GetRunRequest* request,
                      dm::v1::Run* response) override;

  grpc::Status BootServer(grpc::ServerContext* context, const dm::v1::BootServerRequest* request,
                          grpc::ServerWriter<dm::v1::ServerEvent>* writer) override;
  grpc::Status ListServers(grpc::ServerContext* context, const dm::v1::ListServersRequest* request,
                           dm::v1::ListServersResponse* response) override;
  grpc::Status DestroyServer(grpc::ServerContext* context,
                             const dm::v1::DestroyServerRequest* request,
                             dm::v1::DestroyServerResponse* response) override;
  grpc::Status Bootstrap(grpc::ServerContext* context, const dm::v1::BootstrapRequest* request,
                         grpc::ServerWriter<dm::v1::ServerEvent>* writer) override;

  grpc::Status FleetStatus(grpc::ServerContext* context, const dm::v1::FleetRequest* request,
                           dm::v1::FleetStatusResponse* response) override;
  grpc::Status PlanFleet(grpc::ServerContext* context, const dm::v1::FleetRequest* request,
                         grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status UpFleet(grpc::ServerContext* context, const dm::v1::FleetRequest* request,
                       grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status DownFleet(grpc::ServerContext* context, const dm::v1::FleetRequest* request,
                         grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status ScaleFleet(grpc::ServerContext* context, const dm::v1::ScaleFleetRequest* request,
                          grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status DeployFleet(grpc::ServerContext* context, const dm::v1::DeployFleetRequest* request,
                           grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status MaintenanceFleet(grpc::ServerContext* context,
                                const dm::v1::MaintenanceRequest* request,
                                grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status BackupFleet(grpc::ServerContext* context, const dm::v1::FleetRequest* request,
                           grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status ListBackups(grpc::ServerContext* context, const dm::v1::FleetRequest* request,
                           dm::v1::ListBackupsResponse* response) override;
  grpc::Status RestoreFleet(grpc::ServerContext* context, const dm::v1::RestoreRequest* request,
                            grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status SplitFleet(grpc::ServerContext* context, const dm::v1::SplitRequest* request,
                          grpc::ServerWriter<dm::v1::FleetEvent>* writer) override;
  grpc::Status MissingBlobs(grpc::ServerContext* context,
                            const dm::v1::MissingBlobsRequest* request,
                            dm::v1::MissingBlobsResponse* response) override;
  grpc::Status PutBlobs(grpc::ServerContext* context, const dm::v1::PutBlobsRequest* request,
                        dm::v1::PutBlobsResponse* response) override;
  grpc::Status GitTransport(grpc::ServerContext* context,
                            grpc::ServerReaderWriter<dm::v1::GitTransportMessage,
                                                     dm::v1::GitTransportMessage>* stream) override;
  grpc::Status SetDnsRecord(grpc::ServerContext* context,
                            const dm::v1::SetDnsRecordRequest* request,
                            dm::v1::SetDnsRecordResponse* response) override;
  grpc::Status ListDnsRecords(grpc::ServerContext* context,
                              const dm::v1::ListDnsRecordsRequest* request,
                              dm::v1::ListDnsRecordsResponse* response) override;
  grpc::Status DeleteDnsRecord(grpc::ServerContext* context,
                               const dm::v1::DeleteDnsRecordRequest* request,
                               dm::v1::DeleteDnsRecordResponse* response) override;

 private:
  // OK for a verified admin certificate; the refusal to return otherwise.
  grpc::Status Authorize(const grpc::ServerContext* context) const;
  // The provider `name` names, or NotFound listing those there are.
  absl::StatusOr<DnsProvider*> DnsProviderNamed(const std::string& name) const;
  void Audit(const std::string& kind, const std::string& subject, const std::string& message) {
    audit_->Record(kind, subject, message);
  }

  AgentDirectory* const directory_;
  TokenService* const tokens_;
  CommandTracker* const tracker_;
  Store* const store_;
  const AuditTrail* const audit_;
  Clock* const clock_;
  Converger* const converger_;
  ServerManager* const servers_;
  FleetService* const fleets_;
  HealthBoard* const health_;
  const DnsProviderSet* const dns_;
  DeployTreeStore* const trees_;
  AppMirror* const apps_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_RPC_ADMIN_HANDLER_H_
