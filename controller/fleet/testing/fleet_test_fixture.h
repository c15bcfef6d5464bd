// What a fleet operation's unit test runs against: a real SQLite store and a local backup
// directory in a temporary folder, the in-memory FakeFleetWorld, a fake clock (every wait
// passes at once), the repository's own roles and cookbooks, and the FleetService that dmctl's
// calls reach. Events are recorded for the test to read.
#ifndef DM_CONTROLLER_FLEET_TESTING_FLEET_TEST_FIXTURE_H_
#define DM_CONTROLLER_FLEET_TESTING_FLEET_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/temp_dir.h"
#include "controller/fleet/fleet_env.h"
#include "controller/fleet/fleet_service.h"
#include "controller/fleet/testing/fake_fleet_world.h"
#include "controller/providers/providers_config.h"
#include "controller/store/audit_trail.h"
#include "controller/store/sqlite_store.h"

namespace dm::testing {

// The events one operation reported, in order. Thread-safe.
class EventLog {
 public:
  FleetEventFn sink();
  std::vector<dm::v1::FleetEvent> events();
  // (host, phase) of every event with `status`.
  std::set<std::pair<std::string, std::string>> With(dm::v1::StepStatus status);
  bool Has(const std::string& host, const std::string& phase, dm::v1::StepStatus status);
  // Every event as "host phase status: message", one per line, for failure messages.
  std::string Text();

 private:
  std::mutex mu_;
  std::vector<dm::v1::FleetEvent> events_;
};

class FleetTest : public ::testing::Test {
 protected:
  FleetTest();

  // A fleet file's request: `roles` as YAML lines ("  appnode: 2\n"), app at revision `revision`.
  dm::v1::FleetRequest File(const std::string& name, const std::string& roles,
                            const std::string& revision = "main", const std::string& extra = "");
  dm::v1::FleetRequest ByName(const std::string& name);

  // Runs an up and returns its outcome; `log` gets its events.
  absl::Status Up(const dm::v1::FleetRequest& request, EventLog* log = nullptr);
  absl::Status Plan(const dm::v1::FleetRequest& request, EventLog* log);
  // The fleet's record as stored.
  FleetRecord Record(const std::string& fleet);

  TempDir dir_;
  // Starts now: backups in the local store carry the files' real times.
  FakeClock clock_{absl::Now()};
  FakeFleetWorld world_{&clock_};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<ObjectStore> backups_;
  std::unique_ptr<AuditTrail> audit_;
  StorageSet storage_;  // the controller's media stores: none unless a test adds one
  FleetEnv env_;
  std::unique_ptr<FleetService> fleets_;
};

}  // namespace dm::testing

#endif  // DM_CONTROLLER_FLEET_TESTING_FLEET_TEST_FIXTURE_H_
