#include "bootstrap/ssh_session.h"

#include <libssh/libssh.h>
#include <sys/stat.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/files.h"

namespace dm {
namespace {

ssh_session S(void* p) { return static_cast<ssh_session>(p); }

// "ssh-ed25519 AAAA..." of the key.
std::string KeyLine(ssh_key key) {
  char* b64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) return "";
  std::string line = absl::StrCat(ssh_key_type_to_char(ssh_key_type(key)), " ", b64);
  ssh_string_free_char(b64);
  return line;
}

std::string FirstTwoWords(const std::string& line) {
  std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
  return words.size() >= 2 ? words[0] + " " + words[1] : line;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SshSession>> SshSession::Connect(const SshTarget& t) {
  ssh_session s = ssh_new();
  if (s == nullptr) return absl::InternalError("libssh: out of memory");
  std::unique_ptr<SshSession> session(new SshSession(s));
  long timeout = static_cast<long>(absl::ToInt64Seconds(t.timeout));
  int port = t.port;
  bool no = false;
  ssh_options_set(s, SSH_OPTIONS_HOST, t.host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s, SSH_OPTIONS_USER, t.user.c_str());
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);  // nothing from ~/.ssh/config
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  // Ask for the key type the provider reported, so that the server presents that key.
  std::string type = t.expected_host_key.substr(0, t.expected_host_key.find(' '));
  if (!type.empty()) ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, type.c_str());
  if (ssh_connect(s) != SSH_OK) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", t.host, ":", t.port, ": ", ssh_get_error(s)));
  }
  ssh_key server_key = nullptr;
  if (ssh_get_server_publickey(s, &server_key) != SSH_OK) {
    return absl::PermissionDeniedError(absl::StrCat(t.host, " presented no host key"));
  }
  std::string presented = KeyLine(server_key);
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  std::string fingerprint;
  if (ssh_get_publickey_hash(server_key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == SSH_OK) {
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    if (text) fingerprint = text, ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(server_key);
  if (presented.empty() || presented != FirstTwoWords(t.expected_host_key)) {
    return absl::PermissionDeniedError(
        absl::StrCat("host key mismatch for ", t.host, ": it presented ", fingerprint,
                     ", not the key the provider reported; nothing was sent (a different machine "
                     "answers at that address)"));
  }
  ssh_key key = nullptr;
  if (ssh_pki_import_privkey_file(t.private_key_path.c_str(), nullptr, nullptr, nullptr, &key) !=
      SSH_OK) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the SSH key ", t.private_key_path));
  }
  int auth = ssh_userauth_publickey(s, nullptr, key);
  ssh_key_free(key);
  if (auth == SSH_AUTH_DENIED || auth == SSH_AUTH_PARTIAL) {
    return absl::UnauthenticatedError(
        absl::StrCat("authentication refused for ", t.user, "@", t.host));
  }
  if (auth != SSH_AUTH_SUCCESS) {
    // The server did not answer (a timeout, a dropped connection): not a refusal, and worth
    // another try.
    return absl::UnavailableError(
        absl::StrCat("authenticating ", t.user, "@", t.host, ": ", ssh_get_error(s)));
  }
  return session;
}

SshSession::~SshSession() {
  ssh_disconnect(S(session_));
  ssh_free(S(session_));
}

absl::StatusOr<SshResult> SshSession::Run(const std::string& command, const std::string& input,
                                          absl::Duration timeout) {
  ssh_channel channel = ssh_channel_new(S(session_));
  if (channel == nullptr) return absl::InternalError("libssh: cannot make a channel");
  struct Closer {
    ssh_channel c;
    ~Closer() {
      ssh_channel_close(c);
      ssh_channel_free(c);
    }
  } closer{channel};
  if (ssh_channel_open_session(channel) != SSH_OK ||
      ssh_channel_request_exec(channel, command.c_str()) != SSH_OK) {
    return absl::UnavailableError(absl::StrCat("ssh: ", ssh_get_error(S(session_))));
  }
  bytes_sent_ += command.size();
  for (size_t done = 0; done < input.size();) {
    int n = ssh_channel_write(channel, input.data() + done,
                              static_cast<uint32_t>(std::min<size_t>(input.size() - done, 65536)));
    if (n < 0)
      return absl::UnavailableError(
          absl::StrCat("ssh: writing input: ", ssh_get_error(S(session_))));
    done += static_cast<size_t>(n);
  }
  bytes_sent_ += input.size();
  ssh_channel_send_eof(channel);
  SshResult result;
  absl::Time deadline = absl::Now() + timeout;
  char buf[16384];
  while (!(ssh_channel_is_eof(channel) && ssh_channel_poll(channel, 0) <= 0 &&
           ssh_channel_poll(channel, 1) <= 0)) {
    if (absl::Now() > deadline)
      return absl::DeadlineExceededError(absl::StrCat("ssh: timed out running a command"));
    bool any = false;
    for (int is_stderr : {0, 1}) {
      int n = ssh_channel_read_timeout(channel, buf, sizeof(buf), is_stderr, 100);
      if (n == SSH_ERROR)
        return absl::UnavailableError(absl::StrCat("ssh: ", ssh_get_error(S(session_))));
      if (n > 0)
        (is_stderr ? result.err : result.out).append(buf, static_cast<size_t>(n)), any = true;
    }
    if (!any && ssh_channel_is_closed(channel)) break;
  }
  for (int i = 0; i < 100 && (result.exit_status = ssh_channel_get_exit_status(channel)) == -1;
       ++i) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  return result;
}

absl::StatusOr<std::string> EnsureSshKeyPair(const std::string& private_path,
                                             const std::string& comment) {
  ssh_key key = nullptr;
  if (!PathExists(private_path)) {
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK)
      return absl::InternalError("cannot generate an SSH key");
    int rc = ssh_pki_export_privkey_file(key, nullptr, nullptr, nullptr, private_path.c_str());
    ssh_key_free(key);
    key = nullptr;
    if (rc != SSH_OK) return absl::InternalError(absl::StrCat("cannot write ", private_path));
    ::chmod(private_path.c_str(), 0600);
  }
  if (ssh_pki_import_privkey_file(private_path.c_str(), nullptr, nullptr, nullptr, &key) !=
      SSH_OK) {
    return absl::FailedPreconditionError(absl::StrCat("cannot read the SSH key ", private_path));
  }
  std::string line = KeyLine(key);
  ssh_key_free(key);
  return absl::StrCat(line, " ", comment);
}

}  // namespace dm
