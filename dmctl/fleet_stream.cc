#include "dmctl/fleet_stream.h"

#include <csignal>

#include "common/grpc_status.h"

namespace dm::dmctl {
namespace {

grpc::ClientContext* g_interruptible = nullptr;
void CancelOnSignal(int) {
  if (g_interruptible != nullptr) g_interruptible->TryCancel();
}

}  // namespace

int FollowFleetCall(Context& context, const std::string& verb, const dm::v1::FleetRequest& request,
                    const FleetCall& call, FleetProgress& progress) {
  dm::v1::Admin::Stub* admin = context.Admin();
  if (admin == nullptr) return kUnreachable;
  grpc::ClientContext rpc;
  g_interruptible = &rpc;
  std::signal(SIGINT, CancelOnSignal);
  std::unique_ptr<grpc::ClientReader<dm::v1::FleetEvent>> reader = call(admin, &rpc, request);
  dm::v1::FleetEvent event;
  while (reader->Read(&event)) progress.Show(event);
  grpc::Status status = reader->Finish();
  g_interruptible = nullptr;
  std::signal(SIGINT, SIG_DFL);
  if (status.error_code() == grpc::StatusCode::CANCELLED) {
    context.err() << "dmctl: stopped watching; " << verb
                  << " goes on in the controller (dmctl status shows it)\n";
    return kFailed;
  }
  if (!status.ok()) {
    if (progress.shown_any()) context.out() << "\n";  // the error apart from the progress above
    return context.Fail(FromGrpcStatus(status));
  }
  return kOk;
}

}  // namespace dm::dmctl
