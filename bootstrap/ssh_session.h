// One SSH connection to a server (libssh), for bootstrap: the host key is checked against the
// one the provider reported before anything is sent (no trust on first use), then public-key
// authentication, then commands with their exit status, output and input.
#ifndef DM_BOOTSTRAP_SSH_SESSION_H_
#define DM_BOOTSTRAP_SSH_SESSION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace dm {

struct SshTarget {
  std::string host;
  int port = 22;
  std::string user;
  std::string private_key_path;
  std::string expected_host_key;  // "ssh-ed25519 AAAA..." (a comment after it is ignored)
  absl::Duration timeout = absl::Seconds(20);
};

struct SshResult {
  int exit_status = -1;
  std::string out, err;
  bool ok() const { return exit_status == 0; }
};

class SshSession {
 public:
  // Errors: Unavailable (cannot connect), PermissionDenied "host key mismatch" (before any
  // authentication), Unauthenticated (the key was refused).
  static absl::StatusOr<std::unique_ptr<SshSession>> Connect(const SshTarget& target);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  // Runs `command` (the remote login shell parses it: build it with ShellQuote) with `input` on
  // its standard input.
  absl::StatusOr<SshResult> Run(const std::string& command, const std::string& input = "",
                                absl::Duration timeout = absl::Minutes(10));

  // Application bytes sent so far (commands and inputs), for the benchmark.
  uint64_t bytes_sent() const { return bytes_sent_; }

 private:
  explicit SshSession(void* session) : session_(session) {}
  void* session_;  // ssh_session; void* keeps libssh out of this header
  uint64_t bytes_sent_ = 0;
};

// Generates an ed25519 key pair at `private_path` (0600) if there is none; returns the public
// key line ("ssh-ed25519 AAAA... comment").
absl::StatusOr<std::string> EnsureSshKeyPair(const std::string& private_path,
                                             const std::string& comment);

}  // namespace dm

#endif  // DM_BOOTSTRAP_SSH_SESSION_H_
