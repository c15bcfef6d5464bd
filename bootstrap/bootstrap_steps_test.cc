// What bootstrap sends: commands built from argv with every word quoted, and the files a server
// gets, without pasting any outside input into a shell script.
#include "bootstrap/bootstrap_steps.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/process.h"

namespace dm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// What a POSIX shell makes of `command`: its words, one per line.
std::string WordsAfterShell(const std::string& command) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "printf '%s\\n' " + command};
  return RunProcess(spec)->output;
}

TEST(BootstrapCommandsTest, EveryWordSurvivesTheRemoteShellAsOneWord) {
  const std::string nasty = "a b'c\"d$(touch /tmp/pwned)`id`;rm -rf /\n*";
  EXPECT_EQ(WordsAfterShell(QuotedCommand({"x", nasty, ""})), "x\n" + nasty + "\n\n");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

TEST(BootstrapCommandsTest, SudoPrefixesTheArgvNotAScript) {
  RemoteHost as_root(nullptr, false), as_deploy(nullptr, true);
  EXPECT_EQ(as_root.CommandFor({"id", "-nG", "deploy"}), "'id' '-nG' 'deploy'");
  EXPECT_EQ(as_deploy.CommandFor({"id", "-nG", "deploy"}), "'sudo' '-n' 'id' '-nG' 'deploy'");
}

TEST(BootstrapCommandsTest, FilesAreWrittenByAConstantScriptWithTheirPathAsAnArgument) {
  // The path, mode and owner are positional parameters; the content arrives on stdin.
  EXPECT_THAT(std::string(kWriteFileScript), Not(HasSubstr("deploy")));
  EXPECT_THAT(std::string(kWriteFileScript), HasSubstr("cat > \"$1.dm-new\""));
  EXPECT_THAT(std::string(kWriteFileScript), HasSubstr("mv -f \"$1.dm-new\" \"$1\""));
}

TEST(BootstrapFilesTest, SshdAllowsKeysOnly) {
  std::string config = SshdHardeningConfig();
  EXPECT_THAT(config, HasSubstr("PermitRootLogin no\n"));
  EXPECT_THAT(config, HasSubstr("PasswordAuthentication no\n"));
  EXPECT_THAT(config, HasSubstr("KbdInteractiveAuthentication no\n"));
}

TEST(BootstrapFilesTest, FirewallAdmitsSshAndTheControllerOnly) {
  auto rules = FirewallRuleset("10.231.0.1");
  ASSERT_TRUE(rules.ok());
  EXPECT_THAT(*rules, HasSubstr("policy drop;"));
  EXPECT_THAT(*rules, HasSubstr("tcp dport 22 accept"));
  EXPECT_THAT(*rules, HasSubstr("ip saddr 10.231.0.1 accept"));
  EXPECT_THAT(*rules, HasSubstr("include \"/etc/nftables.d/*.nft\""));  // where roles open ports
  EXPECT_TRUE(absl::IsInvalidArgument(FirewallRuleset("10.0.0.1; flush ruleset").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(FirewallRuleset("").status()));
}

TEST(BootstrapFilesTest, AgentConfigNamesControllerNameAndToken) {
  EXPECT_EQ(
      AgentConfig("10.231.0.1:7443", "web-1", "abc.def"),
      "# Written by DeployMachine bootstrap.\ncontroller: \"10.231.0.1:7443\"\nname: \"web-1\"\n"
      "token: \"abc.def\"\ndata_dir: /var/lib/dm-agent\n");
}

}  // namespace
}  // namespace dm
