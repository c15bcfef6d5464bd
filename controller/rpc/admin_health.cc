// Admin RPCs for health: every host of a fleet with its checks, judged now (dmctl health), and
// self-healing switched off and on (dmctl heal).
#include "common/grpc_status.h"
#include "controller/rpc/admin_handler.h"

namespace dm {

grpc::Status AdminHandler::FleetHealth(grpc::ServerContext* context,
                                       const dm::v1::FleetRequest* request,
                                       dm::v1::FleetHealthResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  // The fleet as status finds it (by name or by its file).
  absl::StatusOr<dm::v1::FleetStatusResponse> fleet = fleets_->Status(*request);
  if (!fleet.ok()) return ToGrpcStatus(fleet.status());
  for (const HostHealthState& host : health_->Hosts(fleet->fleet())) {
    dm::v1::HostHealthView* view = response->add_hosts();
    view->set_name(host.name);
    view->set_role(host.role);
    view->set_health(host.health);
    *view->mutable_checks() = host.report.checks();
    if (host.last_seen != absl::InfinitePast())
      view->set_last_seen_unix_ms(absl::ToUnixMillis(host.last_seen));
  }
  absl::StatusOr<FleetRecord> record = store_->GetFleet(fleet->fleet());
  response->set_healing(record.ok() && record->healing);
  return grpc::Status::OK;
}

grpc::Status AdminHandler::HealFleet(grpc::ServerContext* context,
                                     const dm::v1::HealRequest* request,
                                     dm::v1::HealResponse* response) {
  if (grpc::Status s = Authorize(context); !s.ok()) return s;
  absl::StatusOr<std::string> fleet = fleets_->SetHealing(request->fleet(), request->on());
  if (!fleet.ok()) return ToGrpcStatus(fleet.status());
  response->set_fleet(*fleet);
  response->set_healing(request->on());
  return grpc::Status::OK;
}

}  // namespace dm
