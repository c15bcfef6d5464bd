// dmctl token revoke ID
#include "dmctl/command.h"

namespace dm::dmctl {
namespace {

class TokenRevoke : public Command {
 public:
  std::vector<std::string> Path() const override { return {"token", "revoke"}; }
  std::string Synopsis() const override {
    return "Revoke a join token; agents already enrolled with it are not affected";
  }
  void AddFlags(Flags& flags) override {
    flags.Add("id", &id_, "Token id (the part after the CA fingerprint, as 'token list' shows)")
        .Required();
  }

  int Run(Context& context) override {
    AdminClient* admin = context.Admin();
    if (admin == nullptr) return kUnreachable;
    // Accept the whole token too, but never send its secret back to the controller.
    std::string id = id_;
    if (id.rfind("DM1.", 0) == 0) {
      size_t last = id.rfind('.');
      size_t before = id.rfind('.', last - 1);
      id = id.substr(before + 1, last - before - 1);
    }
    dm::v1::RevokeTokenRequest request;
    request.set_id(id);
    dm::v1::RevokeTokenResponse response;
    if (absl::Status s = MoveInto(admin->RevokeToken(request), &response); !s.ok()) {
      return context.Fail(s);
    }
    context.out() << "revoked token " << response.info().id() << "\n";
    return kOk;
  }

 private:
  std::string id_;
};

}  // namespace

std::unique_ptr<Command> NewTokenRevoke() { return std::make_unique<TokenRevoke>(); }

}  // namespace dm::dmctl
