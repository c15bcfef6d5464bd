// What a dmctl command runs with: where to print, and a connection to the controller made on
// first use (so that --help and usage errors never need a config file).
#ifndef DM_DMCTL_CONTEXT_H_
#define DM_DMCTL_CONTEXT_H_

#include <iostream>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dmctl/admin_client.h"

namespace dm::dmctl {

// Exit codes scripts can rely on.
enum ExitCode {
  kOk = 0,
  kFailed = 1,       // the controller refused or could not do what was asked
  kUsage = 2,        // bad command line
  kUnreachable = 3,  // no usable config, or the controller cannot be reached
};

class Context {
 public:
  Context(std::string config_flag, std::ostream& out, std::ostream& err)
      : config_flag_(std::move(config_flag)), out_(out), err_(err) {}

  // The admin API of the controller named by the config (see ResolveConfigPath). On a config
  // problem prints it and returns null: the command then exits with kUnreachable.
  AdminClient* Admin();
  const std::string& controller_address() const { return address_; }

  // --deploy-dir: the roles and cookbooks to send with fleet files ("" : found beside them).
  const std::string& deploy_dir() const { return deploy_dir_; }
  const std::string& config_flag() const { return config_flag_; }
  void set_deploy_dir(std::string dir) { deploy_dir_ = std::move(dir); }

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // Prints "dmctl: <message>" and returns the exit code for `status`.
  int Fail(const absl::Status& status);

 private:
  absl::StatusOr<std::unique_ptr<AdminClient>> Connect();

  std::string config_flag_;
  std::ostream& out_;
  std::ostream& err_;
  std::string address_;
  std::string deploy_dir_;
  std::unique_ptr<AdminClient> admin_;
};

// The config file to use: --config, then $DMCTL_CONFIG, then ~/.config/dm/dmctl.yaml.
// NotFound explaining all three if none is given or exists.
absl::StatusOr<std::string> ResolveConfigPath(const std::string& flag);

// The exit code for a failed call's status.
int ExitCodeFor(const absl::Status& status);

}  // namespace dm::dmctl

#endif  // DM_DMCTL_CONTEXT_H_
