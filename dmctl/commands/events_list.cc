// dmctl events [--limit N] [--json]
#include "dmctl/command.h"
#include "dmctl/output/format.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

class EventsList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"events"}; }
  std::string Synopsis() const override {
    return "Show the audit trail: enrollments and refusals, removals, token changes, commands";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("--limit", &limit_, "How many of the newest events").ShowDefault();
    flags.Flag("--json", &json_, "Print a JSON array: time, kind, subject, message");
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ListEventsRequest request;
    request.set_limit(limit_);
    dm::v1::ListEventsResponse response;
    if (absl::Status s = MoveInto(admin->ListEvents(request), &response); !s.ok()) {
      return context.Fail(s);
    }
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& e : response.events()) {
        list.push_back({{"time", JsonTime(e.time_unix_ms())},
                        {"kind", e.kind()},
                        {"subject", e.subject()},
                        {"message", e.message()}});
      }
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    Table table({"TIME", "KIND", "SUBJECT", "MESSAGE"});
    for (const auto& e : response.events()) {
      table.AddRow(
          {JsonTime(e.time_unix_ms()).get<std::string>(), e.kind(), e.subject(), e.message()});
    }
    table.Print(context.out());
    return kOk;
  }

 private:
  uint32_t limit_ = 50;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewEventsList() { return std::make_unique<EventsList>(); }

}  // namespace dm::dmctl
