// dmctl token create [--ttl 1h] [--uses 1] [--role ROLE] [--description TEXT] [--json]
#include "absl/strings/str_cat.h"
#include "dmctl/command.h"
#include "dmctl/output/format.h"

namespace dm::dmctl {
namespace {

class TokenCreate : public Command {
 public:
  std::vector<std::string> Path() const override { return {"token", "create"}; }
  std::string Synopsis() const override {
    return "Create a join token for new agents (printed once; the controller keeps only its hash)";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("--ttl", &ttl_, "How long the token stays valid: 90s, 30m, 1h, 7d").ShowDefault();
    flags.Add("--uses", &uses_, "How many agents may enroll with it")
        .ShowDefault()
        .Range(1, 100000);
    flags.Add("--role", &role_, "Role given to agents that enroll with it");
    flags.Add("--description", &description_, "A note shown by 'token list'");
    flags.Flag("--json", &json_, "Print a JSON object: token, id, role, uses, expires");
  }

  int Run(Context& context) override {
    absl::StatusOr<absl::Duration> ttl = ParseHumanDuration(ttl_);
    if (!ttl.ok()) {
      context.err() << "dmctl: --ttl: " << ttl.status().message() << "\n";
      return kUsage;
    }
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    dm::v1::CreateTokenRequest request;
    request.set_ttl_seconds(static_cast<uint32_t>(absl::ToInt64Seconds(*ttl)));
    request.set_uses(uses_);
    request.set_role(role_);
    request.set_description(description_);
    dm::v1::CreateTokenResponse response;
    if (absl::Status s = MoveInto(admin->CreateToken(request), &response); !s.ok()) {
      return context.Fail(s);
    }
    const dm::v1::Token& info = response.info();
    if (json_) {
      context.out() << nlohmann::json{{"token", response.token()},
                                      {"id", info.id()},
                                      {"role", info.role()},
                                      {"uses", info.uses_allowed()},
                                      {"expires", JsonTime(info.expires_unix_ms())}}
                           .dump(2)
                    << "\n";
      return kOk;
    }
    // The token alone on stdout, so that TOKEN=$(dmctl token create) works; the rest on stderr.
    context.out() << response.token() << "\n";
    context.err() << "token " << info.id() << ": " << info.uses_allowed()
                  << (info.uses_allowed() == 1 ? " use" : " uses") << ", expires "
                  << Until(info.expires_unix_ms(), absl::Now())
                  << (info.role().empty() ? "" : ", role " + info.role()) << "\n"
                  << "enroll an agent with: dm-agent --controller " << context.controller_address()
                  << " --token-file FILE --data-dir DIR --name NAME\n";
    return kOk;
  }

 private:
  std::string ttl_ = "1h";
  uint32_t uses_ = 1;
  std::string role_;
  std::string description_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> NewTokenCreate() { return std::make_unique<TokenCreate>(); }

}  // namespace dm::dmctl
