// Commands on a server during bootstrap, always as argv: each argument is quoted for the remote
// shell (ssh hands the remote side one string), and file contents travel on standard input, so
// no name, key or token from outside is ever pasted into a shell script.
#ifndef DM_BOOTSTRAP_REMOTE_HOST_H_
#define DM_BOOTSTRAP_REMOTE_HOST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bootstrap/ssh_session.h"

namespace dm {

// 'it''s' quoting for a POSIX shell: the result is always one word, whatever `word` holds.
std::string ShellQuote(const std::string& word);
// The command line for `argv`, every word quoted.
std::string QuotedCommand(const std::vector<std::string>& argv);

// The script EnsureFile runs; constant: the path, mode and owner arrive as its arguments.
extern const char kWriteFileScript[];

class RemoteHost {
 public:
  // With `sudo`, every command runs through `sudo -n` (bootstrap again, as the deploy user).
  RemoteHost(SshSession* ssh, bool sudo) : ssh_(ssh), sudo_(sudo) {}

  // The command line that Run sends for `argv` (for tests of the generated commands).
  std::string CommandFor(const std::vector<std::string>& argv) const;
  absl::StatusOr<SshResult> Run(const std::vector<std::string>& argv,
                                const std::string& input = "");
  // Runs and fails with the command's own words when it does not exit 0.
  absl::StatusOr<std::string> Check(const std::vector<std::string>& argv,
                                    const std::string& input = "");

  // Makes `path` hold `content` with `mode` ("0644") and `owner` ("root:root"), replacing it
  // atomically; true if it changed. Unchanged content (compared by SHA-256) is not sent.
  absl::StatusOr<bool> EnsureFile(const std::string& path, const std::string& content,
                                  const std::string& mode, const std::string& owner);

 private:
  SshSession* ssh_;
  bool sudo_;
};

}  // namespace dm

#endif  // DM_BOOTSTRAP_REMOTE_HOST_H_
