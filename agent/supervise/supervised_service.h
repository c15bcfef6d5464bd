// Services on hosts without systemd (containers, minimal images): `dm-agent supervise DIR`
// runs the service's command, restarts it when it exits (with backoff), forwards a reload
// signal, and stops it with its whole process group. The service resource uses this when
// /run/systemd/system is absent; dm-agent starts enabled ones again when it starts.
//
// Each service has a folder STATE/services/NAME/:
//   service.json     what to run: {"argv": [...], "user": "", "cwd": "", "env": {},
//   "reload_signal": 1} enabled          present when the service should run after the agent
//   restarts supervisor.pid   the supervisor; main.pid: the service's current process output.log
//   the service's stdout and stderr; supervisor.log: the supervisor's own notes
#ifndef DM_AGENT_SUPERVISE_SUPERVISED_SERVICE_H_
#define DM_AGENT_SUPERVISE_SUPERVISED_SERVICE_H_

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

struct ServiceSpec {
  std::vector<std::string> argv;
  std::string user, cwd;
  std::map<std::string, std::string> env;
  int reload_signal = 1;  // SIGHUP

  std::string ToJson() const;
  static absl::StatusOr<ServiceSpec> FromJson(const std::string& text);
};

class SupervisedService {
 public:
  // `agent_binary` is the dm-agent that runs `supervise`.
  SupervisedService(std::string state_dir, std::string name, std::string agent_binary);

  const std::string& dir() const { return dir_; }
  bool Running() const;
  bool Enabled() const;
  // The spec stored for it, if any: a changed spec means a restart is due.
  absl::StatusOr<ServiceSpec> StoredSpec() const;

  // Starts the supervisor with `spec` and waits until the service's process is up; fails (and
  // leaves nothing running) when it exits at once, with the end of its output.
  absl::Status Start(const ServiceSpec& spec);
  // Stops the supervisor and the service (SIGTERM, SIGKILL after `grace`).
  absl::Status Stop(absl::Duration grace = absl::Seconds(10));
  // Sends the reload signal to the service's process.
  absl::Status Reload();
  absl::Status Enable(const ServiceSpec& spec);
  absl::Status Disable();

  // The last `bytes` of output.log.
  std::string OutputTail(size_t bytes = 2000) const;

 private:
  pid_t ReadPid(const std::string& file) const;

  std::string dir_, name_, agent_binary_;
};

// `dm-agent supervise DIR`: the supervisor's main loop. Returns the process exit code.
int RunSupervisor(const std::string& dir);

// Starts every enabled supervised service under STATE/services that is not running.
void StartEnabledServices(const std::string& state_dir, const std::string& agent_binary);

}  // namespace dm

#endif  // DM_AGENT_SUPERVISE_SUPERVISED_SERVICE_H_
