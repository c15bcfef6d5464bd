#include "controller/fleet/app_mirror.h"

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/files.h"
#include "common/free_port.h"
#include "common/process.h"
#include "common/status_macros.h"

namespace dm {
namespace {

// Runs git without a terminal or credentials prompt; Aborted with its output on failure.
absl::StatusOr<std::string> Git(const std::vector<std::string>& args,
                                absl::Duration timeout = absl::Minutes(5)) {
  ProcessSpec spec;
  spec.argv = {"git"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = {{"GIT_TERMINAL_PROMPT", "0"}, {"GIT_ASKPASS", "/bin/false"}, {"LC_ALL", "C"}};
  spec.timeout = timeout;
  DM_ASSIGN_OR_RETURN(ProcessResult result, RunProcess(spec));
  if (!result.ok()) {
    return absl::AbortedError(absl::StrCat("git ", args.size() > 2 ? args[2] : args[0], ": ",
                                           result.Describe(), ": ",
                                           absl::StripAsciiWhitespace(result.output)));
  }
  return std::string(absl::StripAsciiWhitespace(result.output));
}

}  // namespace

absl::StatusOr<std::string> AppMirror::Sync(const std::string& fleet, const std::string& repository,
                                            const std::string& revision) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string mirror = MirrorPath(fleet);
  if (!PathExists(mirror + "/HEAD")) {
    DM_RETURN_IF_ERROR(MakeDirectories(dir_, 0755));
    DM_RETURN_IF_ERROR(Git({"init", "--quiet", "--bare", "--", mirror}).status());
    // App nodes fetch pinned commits by id; only what some ref reaches is served.
    DM_RETURN_IF_ERROR(
        Git({"-C", mirror, "config", "uploadpack.allowReachableSHA1InWant", "true"}).status());
  }
  // A local repository may belong to another user; reading it is all this does.
  std::vector<std::string> fetch = {"-c",
                                    "safe.directory=*",
                                    "-C",
                                    mirror,
                                    "fetch",
                                    "--quiet",
                                    "--prune",
                                    "--force",
                                    "--",
                                    repository,
                                    "+HEAD:refs/dm/source-head",
                                    "+refs/heads/*:refs/heads/*",
                                    "+refs/tags/*:refs/tags/*"};
  if (absl::Status fetched = Git(fetch).status(); !fetched.ok()) {
    return absl::UnavailableError(
        absl::StrCat("app repository ", repository, ": ", fetched.message()));
  }
  const std::string ref = revision == "HEAD" ? "refs/dm/source-head" : revision;
  absl::StatusOr<std::string> commit = Git(
      {"-C", mirror, "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"});
  if (!commit.ok()) {
    return absl::NotFoundError(absl::StrCat("app repository ", repository,
                                            " has no branch, tag or commit '", revision, "'"));
  }
  return *commit;
}

absl::Status AppMirror::Pin(const std::string& fleet, const std::string& commit) {
  std::lock_guard<std::mutex> lock(mu_);
  return Git({"-C", MirrorPath(fleet), "update-ref", "refs/dm/pinned/" + commit, commit}).status();
}

void AppMirror::Remove(const std::string& fleet) {
  std::lock_guard<std::mutex> lock(mu_);
  std::error_code ignored;
  std::filesystem::remove_all(MirrorPath(fleet), ignored);
  std::filesystem::remove_all(PushedPath(fleet), ignored);
}

absl::StatusOr<std::string> AppMirror::PushedRepository(const std::string& fleet) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string repository = PushedPath(fleet);
  if (!PathExists(repository + "/HEAD")) {
    DM_RETURN_IF_ERROR(MakeDirectories(dir_ + "/pushed", 0755));
    DM_RETURN_IF_ERROR(Git({"init", "--quiet", "--bare", "--", repository}).status());
    DM_RETURN_IF_ERROR(
        Git({"-C", repository, "symbolic-ref", "HEAD", "refs/dm/source-head"}).status());
  }
  return repository;
}

absl::Status AppMirror::Serve(const std::string& address) {
  DM_RETURN_IF_ERROR(MakeDirectories(dir_, 0755));
  // Not git's 9418: controllers of tests and benchmarks may share a bridge address.
  DM_ASSIGN_OR_RETURN(uint16_t port, FreeTcpPort(address));
  const std::string log = dir_ + "/git-daemon.log";
  // Read-only (upload-pack only), on the servers' network only, for the mirrors only.
  DM_ASSIGN_OR_RETURN(
      daemon_,
      ChildProcess::Start({"git", "daemon", "--reuseaddr", "--listen=" + address,
                           absl::StrCat("--port=", port), "--base-path=" + dir_, "--export-all",
                           "--max-connections=64", "--timeout=120", "--init-timeout=20", dir_},
                          log));
  absl::SleepFor(absl::Milliseconds(100));
  if (!daemon_->Running()) {
    return absl::UnavailableError(absl::StrCat("git daemon did not start on ", address, ":", port,
                                               "; see ", log, ": ", ReadFile(log).value_or("")));
  }
  std::lock_guard<std::mutex> lock(mu_);
  address_ = absl::StrCat(address, ":", port);
  return absl::OkStatus();
}

absl::Status AppMirror::ServeClouds(const std::string& listen_host, const std::string& url_host,
                                    uint16_t port) {
  DM_RETURN_IF_ERROR(MakeDirectories(dir_, 0755));
  if (port == 0) {
    DM_ASSIGN_OR_RETURN(port, FreeTcpPort(listen_host));
  }
  // git daemon asks the hook before serving anything: only listed addresses are let in.
  const std::string allow = dir_ + "/cloud-servers";
  if (!PathExists(allow)) DM_RETURN_IF_ERROR(WriteFileAtomic(allow, "", 0644));
  const std::string hook = dir_ + "/access-hook";
  DM_RETURN_IF_ERROR(WriteFileAtomic(
      hook,
      // The client's address is in REMOTE_ADDR: the hook's arguments name the daemon's own
      // (the host the client asked for, and its address and port).
      absl::StrCat("#!/bin/sh\n# git daemon's access hook (written by dm-controller): only the "
                   "controller's cloud servers.\n[ -n \"$REMOTE_ADDR\" ] || exit 1\n"
                   "exec grep -qxF -- \"$REMOTE_ADDR\" ",
                   allow, "\n"),
      0755));
  const std::string log = dir_ + "/git-daemon-clouds.log";
  DM_ASSIGN_OR_RETURN(
      cloud_daemon_,
      ChildProcess::Start(
          {"git", "daemon", "--reuseaddr", "--listen=" + listen_host, absl::StrCat("--port=", port),
           "--base-path=" + dir_, "--export-all", "--access-hook=" + hook, "--max-connections=64",
           "--timeout=120", "--init-timeout=20", dir_},
          log));
  absl::SleepFor(absl::Milliseconds(100));
  if (!cloud_daemon_->Running()) {
    return absl::UnavailableError(absl::StrCat("git daemon did not start on ", listen_host, ":",
                                               port, "; see ", log, ": ",
                                               ReadFile(log).value_or("")));
  }
  std::lock_guard<std::mutex> lock(mu_);
  cloud_address_ = absl::StrCat(url_host, ":", port);
  return absl::OkStatus();
}

std::string AppMirror::CloudUrl(const std::string& fleet) const {
  if (cloud_address_.empty()) return "";
  return absl::StrCat("git://", cloud_address_, "/", fleet, ".git");
}

void AppMirror::Allow(const std::vector<std::string>& addresses) {
  std::string text;
  for (const std::string& a : addresses) {
    if (!a.empty()) absl::StrAppend(&text, a, "\n");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (cloud_address_.empty() || text == allowed_) return;
  if (WriteFileAtomic(dir_ + "/cloud-servers", text, 0644).ok()) allowed_ = text;
}

std::string AppMirror::Url(const std::string& fleet) const {
  if (address_.empty()) return "";
  return absl::StrCat("git://", address_, "/", fleet, ".git");
}

}  // namespace dm
