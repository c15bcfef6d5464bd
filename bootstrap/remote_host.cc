#include "bootstrap/remote_host.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/tls/digest.h"

namespace dm {

const char kWriteFileScript[] =
    "set -e; umask 077; cat > \"$1.dm-new\"; chown \"$3\" \"$1.dm-new\"; chmod \"$2\" "
    "\"$1.dm-new\"; "
    "mv -f \"$1.dm-new\" \"$1\"";

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

std::string QuotedCommand(const std::vector<std::string>& argv) {
  std::vector<std::string> words;
  for (const std::string& a : argv) words.push_back(ShellQuote(a));
  return absl::StrJoin(words, " ");
}

std::string RemoteHost::CommandFor(const std::vector<std::string>& argv) const {
  std::vector<std::string> full = argv;
  if (sudo_) full.insert(full.begin(), {"sudo", "-n"});
  return QuotedCommand(full);
}

absl::StatusOr<SshResult> RemoteHost::Run(const std::vector<std::string>& argv,
                                          const std::string& input) {
  return ssh_->Run(CommandFor(argv), input);
}

absl::StatusOr<std::string> RemoteHost::Check(const std::vector<std::string>& argv,
                                              const std::string& input) {
  absl::StatusOr<SshResult> r = Run(argv, input);
  if (!r.ok()) return r.status();
  if (!r->ok()) {
    std::string why = r->err.empty() ? r->out : r->err;
    return absl::AbortedError(absl::StrCat(argv[0], " exited with ", r->exit_status, ": ", why));
  }
  return r->out;
}

absl::StatusOr<bool> RemoteHost::EnsureFile(const std::string& path, const std::string& content,
                                            const std::string& mode, const std::string& owner) {
  absl::StatusOr<SshResult> sum = Run({"sha256sum", "--", path});
  if (!sum.ok()) return sum.status();
  bool same = sum->ok() && sum->out.substr(0, 64) == Sha256Hex(content);
  if (same) {
    // Content right: owner and mode may still differ.
    absl::StatusOr<SshResult> stat = Run({"stat", "-c", "%U:%G %a", "--", path});
    if (stat.ok() && stat->ok()) {
      std::string want_mode = mode[0] == '0' && mode.size() == 4 ? mode.substr(1) : mode;
      if (stat->out == owner + " " + want_mode + "\n") return false;
    }
  }
  absl::StatusOr<std::string> written =
      Check({"sh", "-c", kWriteFileScript, "sh", path, mode, owner}, content);
  if (!written.ok()) return written.status();
  return true;
}

}  // namespace dm
