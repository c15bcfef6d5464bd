// dmctl token list [--json]
#include "dmctl/command.h"
#include "dmctl/output/format.h"
#include "dmctl/output/table.h"

namespace dm::dmctl {
namespace {

std::string TokenState(const dm::v1::Token& t, absl::Time now) {
  if (t.revoked()) return "revoked";
  if (absl::FromUnixMillis(t.expires_unix_ms()) <= now) return "expired";
  if (t.uses_left() == 0) return "used up";
  return "valid";
}

class TokenList : public Command {
 public:
  std::vector<std::string> Path() const override { return {"token", "list"}; }
  std::string Synopsis() const override {
    return "List join tokens (ids only: secrets are never stored)";
  }
  void AddFlags(Flags& flags) override { flags.Flag("--json", &json_, "Print a JSON array"); }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::ListTokensResponse response;
    if (absl::Status s = MoveInto(admin->ListTokens({}), &response); !s.ok()) {
      return context.Fail(s);
    }
    absl::Time now = absl::Now();
    if (json_) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& t : response.tokens()) {
        list.push_back({{"id", t.id()},
                        {"state", TokenState(t, now)},
                        {"role", t.role()},
                        {"uses_allowed", t.uses_allowed()},
                        {"uses_left", t.uses_left()},
                        {"created", JsonTime(t.created_unix_ms())},
                        {"expires", JsonTime(t.expires_unix_ms())},
                        {"description", t.description()}});
      }
      context.out() << list.dump(2) << "\n";
      return kOk;
    }
    Table table({"ID", "STATE", "ROLE", "USES LEFT", "EXPIRES", "DESCRIPTION"});
    for (const auto& t : response.tokens()) {
      table.AddRow({t.id(), TokenState(t, now), t.role().empty() ? "-" : t.role(),
                    std::to_string(t.uses_left()) + "/" + std::to_string(t.uses_allowed()),
                    Until(t.expires_unix_ms(), now), t.description()});
    }
    table.Print(context.out());
    return kOk;
  }

 private:
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewTokenList() { return std::make_unique<TokenList>(); }

}  // namespace dm::dmctl
