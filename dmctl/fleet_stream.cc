#include "dmctl/fleet_stream.h"

#include "dmctl/app_push.h"
#include "dmctl/deploy_folder.h"

namespace dm::dmctl {

int FollowFleetCall(Context& context, const std::string& verb, const dm::v1::FleetRequest& request,
                    const FleetCall& call, FleetProgress& progress) {
  AdminClient* admin = context.Admin();
  if (admin == nullptr) return kUnreachable;
  dm::v1::FleetRequest sent = request;
  if (!request.file_text().empty()) {
    const std::string folder = FindDeployFolder(request.file_path(), context.deploy_dir());
    if (!folder.empty()) {
      int files = 0;
      if (absl::Status attached = AttachDeployFolder(admin, folder, &sent, &files); !attached.ok())
        return context.Fail(attached);
      if (files > 0)
        context.err() << "deploy folder " << folder << ": " << files << " new files sent\n";
    }
    const std::string app = LocalAppRepository(request.file_path(), request.file_text());
    const std::string fleet = FleetNameInFile(request.file_text());
    // A file with a bad name is sent as it is: the controller names every mistake in it.
    if (!app.empty() && IsPushableFleetName(fleet)) {
      if (absl::Status pushed = PushAppRepository(app, fleet, context.config_flag()); !pushed.ok())
        return context.Fail(pushed);
      sent.set_app_pushed(true);
    }
  }
  absl::Status status;
  {
    InterruptibleCalls interruptible(admin);
    status = call(admin, sent, [&](const dm::v1::FleetEvent& event) { progress.Show(event); });
  }
  if (absl::IsCancelled(status)) {
    context.err() << "dmctl: stopped watching; " << verb
                  << " goes on in the controller (dmctl status shows it)\n";
    return kFailed;
  }
  if (!status.ok()) {
    if (progress.shown_any()) context.out() << "\n";  // the error apart from the progress above
    return context.Fail(status);
  }
  return kOk;
}

}  // namespace dm::dmctl
