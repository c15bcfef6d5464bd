// The app mirrors with real git: a repository mirrored and its revision resolved, a pushed
// repository whose HEAD is what the operator pushed there, and the clouds' git daemon, which
// lets in only the addresses it was told.
#include "controller/fleet/app_mirror.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/process.h"
#include "common/temp_dir.h"

namespace dm {
namespace {

using ::testing::HasSubstr;

ProcessResult Sh(const std::string& command) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  spec.timeout = absl::Seconds(60);
  return RunProcess(spec).value_or(ProcessResult{});
}

class AppMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ProcessResult made = Sh(
        absl::StrCat("cd ", source_.path(), " && git init -q -b main && echo v1 > app.py && ",
                     "git -c user.name=t -c user.email=t@t add -A && ",
                     "git -c user.name=t -c user.email=t@t commit -qm v1 && git rev-parse HEAD"));
    ASSERT_TRUE(made.ok()) << made.output;
    commit_ = std::string(absl::StripAsciiWhitespace(made.output));
  }
  TempDir source_, data_;
  std::string commit_;
};

TEST_F(AppMirrorTest, APushedRepositoryIsMirroredLikeAnyOther) {
  AppMirror mirror(data_.path());
  absl::StatusOr<std::string> pushed = mirror.PushedRepository("shop");
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  ProcessResult push =
      Sh(absl::StrCat("cd ", source_.path(), " && git push -q --force ", *pushed,
                      " '+refs/heads/*:refs/heads/*' '+HEAD:refs/dm/source-head' 2>&1"));
  ASSERT_TRUE(push.ok()) << push.output;
  EXPECT_EQ(*mirror.Sync("shop", *pushed, "HEAD"), commit_) << "the operator's HEAD";
  EXPECT_EQ(*mirror.Sync("shop", *pushed, "main"), commit_);
}

TEST_F(AppMirrorTest, TheCloudsDaemonLetsInOnlyTheServersItWasTold) {
  AppMirror mirror(data_.path());
  ASSERT_TRUE(mirror.Sync("shop", source_.path(), "main").ok());
  // Listening on 127.0.0.2, reached from 127.0.0.1: the daemon's address is not the client's.
  ASSERT_TRUE(mirror.ServeClouds("127.0.0.2", "127.0.0.2", 0).ok());
  const std::string url = mirror.CloudUrl("shop");
  ASSERT_THAT(url, HasSubstr("git://127.0.0.2:"));
  const std::string ls = absl::StrCat("git ls-remote ", url, " refs/heads/main 2>&1");
  ProcessResult refused = Sh(ls);
  EXPECT_FALSE(refused.ok()) << refused.output;
  mirror.Allow({"198.51.100.9", "127.0.0.1"});
  ProcessResult allowed = Sh(ls);
  EXPECT_TRUE(allowed.ok()) << allowed.output;
  EXPECT_THAT(allowed.output, HasSubstr(commit_));
  mirror.Allow({"198.51.100.9"});
  EXPECT_FALSE(Sh(ls).ok()) << "no longer one of the servers";
  mirror.Allow({"127.0.0.2"});
  EXPECT_FALSE(Sh(ls).ok()) << "the daemon's own address lets no one in";
}

}  // namespace
}  // namespace dm
