#include "dmctl/fleet_stream.h"

#include "common/files.h"
#include "dmctl/app_push.h"
#include "dmctl/deploy_folder.h"

namespace dm::dmctl {

int FollowFleetCall(Context& context, const std::string& verb, const dm::v1::FleetRequest& request,
                    const FleetCall& call, FleetProgress& progress) {
  AdminClient* admin = context.Admin();
  if (admin == nullptr) return kUnreachable;
  dm::v1::FleetRequest sent = request;
  // What a fleet is converged with goes along; down and backups converge nothing.
  const bool converges = verb != "down" && verb != "backup" && verb != "restore";
  // By name: the file the fleet was last applied from, when it is on this machine (the
  // operator's), so that its roles, cookbooks and app go along as they are now.
  std::string file_path = request.file_path(), file_text = request.file_text();
  if (converges && file_text.empty() && !request.name().empty()) {
    dm::v1::FleetRequest by_name;
    by_name.set_name(request.name());
    absl::StatusOr<dm::v1::FleetStatusResponse> known = admin->FleetStatus(by_name);
    if (known.ok() && !known->file_path().empty()) {
      absl::StatusOr<std::string> text = ReadFile(known->file_path());
      if (text.ok() && FleetNameInFile(*text) == request.name()) {
        file_path = known->file_path();
        file_text = *text;
      }
    }
  }
  if (converges && !file_text.empty()) {
    const LocalRepository app = LocalAppRepository(file_path, file_text);
    const std::string fleet = FleetNameInFile(file_text);
    const bool push = !app.path.empty() && IsPushableFleetName(fleet);
    if (push) {
      if (absl::Status checked = CheckAppRepository(app); !checked.ok())
        return context.Fail(checked);
    }
    const std::string folder = FindDeployFolder(file_path, context.deploy_dir());
    if (!folder.empty()) {
      int files = 0;
      if (absl::Status attached = AttachDeployFolder(admin, folder, &sent, &files); !attached.ok())
        return context.Fail(attached);
      if (files > 0)
        context.err() << "deploy folder " << folder << ": " << files << " new files sent\n";
    }
    // A file with a bad name is sent as it is: the controller names every mistake in it.
    if (push) {
      if (absl::Status pushed = PushAppRepository(app.path, fleet, context.config_flag());
          !pushed.ok())
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
