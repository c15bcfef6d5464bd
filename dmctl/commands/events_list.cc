// dmctl events [--fleet NAME] [--limit N] [--follow] [--json]
//
// The audit trail: enrollments, tokens, fleet operations, health checks and what healing did.
// --follow prints the recent events, then each new one as the controller records it (a server
// stream; Ctrl-C ends it). --json: an array (with --follow, one object a line) of time, kind,
// subject, message, fleet, outcome, seq.
#include <iostream>

#include "dmctl/command.h"
#include "dmctl/output/format.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

nlohmann::json EventJson(const dm::v1::Event& e) {
  return {{"time", JsonTime(e.time_unix_ms())},
          {"kind", e.kind()},
          {"subject", e.subject()},
          {"message", e.message()},
          {"fleet", e.fleet()},
          {"outcome", e.outcome()},
          {"seq", e.seq()}};
}

std::vector<std::string> EventRow(const dm::v1::Event& e) {
  return {JsonTime(e.time_unix_ms()).get<std::string>(), e.kind(), e.subject(),
          e.outcome().empty() ? "-" : e.outcome(), OneLine(e.message(), 240)};
}

const std::vector<std::string> kColumns = {"TIME", "KIND", "SUBJECT", "OUTCOME", "MESSAGE"};

class EventsList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"events"}; }
  std::string Synopsis() const override {
    return "Show the audit trail: enrollments, tokens, fleet operations, health and healing";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("--limit", &limit_, "How many of the newest events").ShowDefault();
    flags.Add("--fleet", &fleet_, "Only this fleet's events");
    flags.Flag("--follow", &follow_, "Then print each new event as it is recorded (Ctrl-C ends)");
    flags.Flag("--json", &json_,
               "Print JSON: time, kind, subject, message, fleet, outcome, seq (one a line "
               "with --follow)");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    if (follow_) return Follow(context, admin);
    dm::v1::ListEventsRequest request;
    request.set_limit(limit_);
    request.set_fleet(fleet_);
    dm::v1::ListEventsResponse response;
    if (absl::Status s = MoveInto(admin->ListEvents(request), &response); !s.ok()) {
      return context.Fail(s);
    }
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& e : response.events()) list.push_back(EventJson(e));
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    Table table(kColumns);
    for (const auto& e : response.events()) table.AddRow(EventRow(e));
    table.Print(context.out());
    return kOk;
  }

 private:
  int Follow(Context& context, AdminClient* admin) {
    dm::v1::FollowEventsRequest request;
    request.set_fleet(fleet_);
    request.set_backlog(limit_);
    InterruptibleCalls interruptible(admin);
    absl::Status s = admin->FollowEvents(request, [&](const dm::v1::Event& e) {
      if (json_) {
        context.out() << EventJson(e).dump() << std::endl;
      } else {
        // One event a line, as it comes: a table cannot know its widths in advance.
        std::vector<std::string> row = EventRow(e);
        context.out() << row[0] << "  " << row[1] << "  " << row[2] << "  " << row[3] << "  "
                      << row[4] << std::endl;
      }
    });
    if (absl::IsCancelled(s)) return kOk;  // Ctrl-C
    return s.ok() ? kOk : context.Fail(s);
  }

  uint32_t limit_ = 50;
  std::string fleet_;
  bool follow_ = false;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewEventsList() { return std::make_unique<EventsList>(); }

}  // namespace dm::dmctl
