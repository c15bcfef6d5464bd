#include "controller/fleet/testing/fleet_test_fixture.h"

#include "absl/strings/str_cat.h"
#include "common/state_words.h"
#include "controller/providers/storage/local_directory_store.h"

namespace dm::testing {

FleetEventFn EventLog::sink() {
  return [this](const dm::v1::FleetEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(e);
  };
}

std::vector<dm::v1::FleetEvent> EventLog::events() {
  std::lock_guard<std::mutex> lock(mu_);
  return events_;
}

std::set<std::pair<std::string, std::string>> EventLog::With(dm::v1::StepStatus status) {
  std::set<std::pair<std::string, std::string>> out;
  for (const dm::v1::FleetEvent& e : events()) {
    if (e.status() == status) out.insert({e.host(), e.phase()});
  }
  return out;
}

bool EventLog::Has(const std::string& host, const std::string& phase, dm::v1::StepStatus status) {
  return With(status).count({host, phase}) > 0;
}

std::string EventLog::Text() {
  std::string text;
  for (const dm::v1::FleetEvent& e : events()) {
    absl::StrAppend(&text, e.host().empty() ? "(fleet)" : e.host(), " ", e.phase(), " ",
                    StepStatusWord(e.status()), ": ", e.message(), "\n");
  }
  return text;
}

FleetTest::FleetTest() {
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(dir_.path() + "/state.db");
  EXPECT_TRUE(store.ok()) << store.status();
  if (store.ok()) store_ = std::move(*store);
  backups_ = std::make_unique<LocalDirectoryStore>(dir_.path() + "/backups");
  audit_ = std::make_unique<AuditTrail>(store_.get(), &clock_);
  env_.store = store_.get();
  env_.world = &world_;
  env_.backups = backups_.get();
  env_.storage = &storage_;
  env_.clock = &clock_;
  env_.audit = audit_.get();
  env_.deploy_dir = std::string(DM_SOURCE_DIR) + "/deploy";
  fleets_ = std::make_unique<FleetService>(env_);
  world_.SetRevision("main", std::string(40, '1'));
}

dm::v1::FleetRequest FleetTest::File(const std::string& name, const std::string& roles,
                                     const std::string& revision, const std::string& extra) {
  dm::v1::FleetRequest request;
  request.set_file_path(absl::StrCat(dir_.path(), "/", name, ".yaml"));
  request.set_file_text(absl::StrCat(
      "name: ", name, "\ndomain: ", name, ".test\nprovider: local\nroles:\n", roles,
      "app:\n  repository: https://git.example/app.git\n  revision: ", revision,
      "\n  wsgi: app:app\n", "secrets:\n  database.password: {generate: 24}\n", extra));
  return request;
}

dm::v1::FleetRequest FleetTest::ByName(const std::string& name) {
  dm::v1::FleetRequest request;
  request.set_name(name);
  return request;
}

absl::Status FleetTest::Up(const dm::v1::FleetRequest& request, EventLog* log) {
  EventLog ignored;
  return fleets_->Up(request, (log != nullptr ? log : &ignored)->sink());
}

absl::Status FleetTest::Plan(const dm::v1::FleetRequest& request, EventLog* log) {
  return fleets_->Plan(request, log->sink());
}

FleetRecord FleetTest::Record(const std::string& fleet) {
  absl::StatusOr<FleetRecord> record = store_->GetFleet(fleet);
  EXPECT_TRUE(record.ok()) << record.status();
  return record.ok() ? *record : FleetRecord{};
}

}  // namespace dm::testing
