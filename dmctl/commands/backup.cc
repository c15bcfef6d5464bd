// dmctl backup create FLEET
// dmctl backup list FLEET [--json]
// dmctl backup restore FLEET [BACKUP]
//
// Database backups in the controller's object store (a directory of its machine by default).
// restore puts the site in maintenance, replaces the database in one transaction (all or
// nothing) and counts the rows; without BACKUP, the newest.
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dmctl/command.h"
#include "dmctl/fleet_request.h"
#include "dmctl/fleet_stream.h"
#include "dmctl/output/format.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

class BackupCreate : public Command {
 public:
  std::vector<std::string> Path() const override { return {"backup", "create"}; }
  std::string Synopsis() const override { return "Back the fleet's database up now"; }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    FleetProgress progress(context.out(), /*tty=*/false);
    return FollowFleetCall(
        context, "backup", *fleet,
        [](AdminClient* a, const dm::v1::FleetRequest& r,
           const OnMessage<dm::v1::FleetEvent>& on_event) { return a->BackupFleet(r, on_event); },
        progress);
  }

 private:
  std::string fleet_;
};

class BackupList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"backup", "list"}; }
  std::string Synopsis() const override {
    return "List the fleet's database backups, oldest first";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Flag("--json", &json_, "Print them as a JSON array");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ListBackupsResponse response;
    if (absl::Status s = MoveInto(admin->ListBackups(*fleet), &response); !s.ok()) {
      return context.Fail(s);
    }
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const dm::v1::Backup& b : response.backups()) {
        list.push_back({{"id", b.id()},
                        {"created", JsonTime(b.created_unix_ms())},
                        {"size", b.size()},
                        {"rows", b.rows()},
                        {"commit", b.commit()},
                        {"store", b.store()}});
      }
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    Table table({"BACKUP", "TAKEN", "SIZE", "ROWS", "APP"});
    absl::Time now = absl::Now();
    for (const dm::v1::Backup& b : response.backups()) {
      table.AddRow({b.id(), Ago(b.created_unix_ms(), now), Bytes(b.size()), b.rows(),
                    b.commit().substr(0, 12)});
    }
    table.Print(context.out());
    return kOk;
  }

 private:
  std::string fleet_;
  bool json_ = false;
};

class BackupRestore : public Command {
 public:
  std::vector<std::string> Path() const override { return {"backup", "restore"}; }
  std::string Synopsis() const override {
    return "Replace the fleet's database with a backup (the newest by default)";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("fleet", &fleet_, "The fleet's name or file").Required();
    flags.Add("backup", &backup_, "A backup id from dmctl backup list (default: the newest)");
  }
  int Run(Context& context) override {
    absl::StatusOr<dm::v1::FleetRequest> fleet = FleetRequestFor(fleet_);
    if (!fleet.ok()) return context.Fail(fleet.status());
    dm::v1::RestoreRequest request;
    *request.mutable_fleet() = *fleet;
    request.set_backup(backup_);
    FleetProgress progress(context.out(), /*tty=*/false);
    return FollowFleetCall(
        context, "restore", *fleet,
        [&](AdminClient* a, const dm::v1::FleetRequest&,
            const OnMessage<dm::v1::FleetEvent>& on_event) {
          return a->RestoreFleet(request, on_event);
        },
        progress);
  }

 private:
  std::string fleet_, backup_;
};

}  // namespace

std::unique_ptr<Command> NewBackupCreate() { return std::make_unique<BackupCreate>(); }
std::unique_ptr<Command> NewBackupList() { return std::make_unique<BackupList>(); }
std::unique_ptr<Command> NewBackupRestore() { return std::make_unique<BackupRestore>(); }

}  // namespace dm::dmctl
