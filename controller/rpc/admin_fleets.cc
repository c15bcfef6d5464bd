// Admin RPCs for fleets (dmctl status, plan, up, scale, deploy, split, maintenance, backup,
// down): the FleetService does the work, these stream its events. Like converge, operations
// go on when dmctl goes away: stopping them half-way would leave a fleet half-built.
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "controller/rpc/admin_handler.h"

namespace dm {
namespace {

// Forwards events while dmctl listens; the operation goes on either way.
class EventForwarder {
 public:
  EventForwarder(grpc::ServerContext* context, grpc::ServerWriter<dm::v1::FleetEvent>* writer)
      : context_(context), writer_(writer) {}
  void operator()(const dm::v1::FleetEvent& event) {
    gone_ = gone_ || context_->IsCancelled() || !writer_->Write(event);
  }

 private:
  grpc::ServerContext* context_;
  grpc::ServerWriter<dm::v1::FleetEvent>* writer_;
  bool gone_ = false;
};

std::string FleetName(const dm::v1::FleetRequest& request) {
  return request.name().empty() ? request.file_path() : request.name();
}

}  // namespace

grpc::Status AdminHandler::FleetStatus(grpc::ServerContext* context,
                                       const dm::v1::FleetRequest* request,
                                       dm::v1::FleetStatusResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<dm::v1::FleetStatusResponse> status = fleets_->Status(*request);
  if (!status.ok()) return ToGrpcStatus(status.status());
  *response = std::move(*status);
  // Each host's health, as the health board judges it now.
  std::map<std::string, HostHealthState> health;
  for (HostHealthState& host : health_->Hosts()) health[host.name] = std::move(host);
  for (dm::v1::FleetServer& server : *response->mutable_servers()) {
    auto host = health.find(server.name());
    if (host == health.end()) continue;
    server.set_health(host->second.health);
    for (const dm::v1::CheckStatus& check : host->second.report.checks())
      if (check.state() == dm::v1::CHECK_FAILING) server.add_failing_checks(check.name());
  }
  return grpc::Status::OK;
}

grpc::Status AdminHandler::PlanFleet(grpc::ServerContext* context,
                                     const dm::v1::FleetRequest* request,
                                     grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  return ToGrpcStatus(fleets_->Plan(*request, std::ref(forward)));
}

grpc::Status AdminHandler::UpFleet(grpc::ServerContext* context,
                                   const dm::v1::FleetRequest* request,
                                   grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  absl::Status done = fleets_->Up(*request, std::ref(forward));
  if (!done.ok()) Audit("fleet.up.failed", FleetName(*request), std::string(done.message()));
  return ToGrpcStatus(done);
}

grpc::Status AdminHandler::DownFleet(grpc::ServerContext* context,
                                     const dm::v1::FleetRequest* request,
                                     grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  return ToGrpcStatus(fleets_->Down(*request, std::ref(forward)));
}

grpc::Status AdminHandler::ScaleFleet(grpc::ServerContext* context,
                                      const dm::v1::ScaleFleetRequest* request,
                                      grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  absl::Status done = fleets_->Scale(*request, std::ref(forward));
  if (!done.ok())
    Audit("fleet.scale.failed", FleetName(request->fleet()), std::string(done.message()));
  return ToGrpcStatus(done);
}

grpc::Status AdminHandler::DeployFleet(grpc::ServerContext* context,
                                       const dm::v1::DeployFleetRequest* request,
                                       grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  return ToGrpcStatus(fleets_->Deploy(*request, std::ref(forward)));
}

grpc::Status AdminHandler::MaintenanceFleet(grpc::ServerContext* context,
                                            const dm::v1::MaintenanceRequest* request,
                                            grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  return ToGrpcStatus(fleets_->Maintenance(*request, std::ref(forward)));
}

grpc::Status AdminHandler::BackupFleet(grpc::ServerContext* context,
                                       const dm::v1::FleetRequest* request,
                                       grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  return ToGrpcStatus(fleets_->Backup(*request, std::ref(forward)));
}

grpc::Status AdminHandler::ListBackups(grpc::ServerContext* context,
                                       const dm::v1::FleetRequest* request,
                                       dm::v1::ListBackupsResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<std::vector<dm::v1::Backup>> backups = fleets_->ListBackups(*request);
  if (!backups.ok()) return ToGrpcStatus(backups.status());
  for (dm::v1::Backup& b : *backups) *response->add_backups() = std::move(b);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::RestoreFleet(grpc::ServerContext* context,
                                        const dm::v1::RestoreRequest* request,
                                        grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  return ToGrpcStatus(fleets_->Restore(*request, std::ref(forward)));
}

grpc::Status AdminHandler::SplitFleet(grpc::ServerContext* context,
                                      const dm::v1::SplitRequest* request,
                                      grpc::ServerWriter<dm::v1::FleetEvent>* writer) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  EventForwarder forward(context, writer);
  absl::Status done = fleets_->Split(*request, std::ref(forward));
  if (!done.ok())
    Audit("fleet.split.failed", FleetName(request->fleet()), std::string(done.message()));
  return ToGrpcStatus(done);
}

}  // namespace dm
