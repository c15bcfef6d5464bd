#include "agent/config/agent_config_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/files.h"
#include "common/temp_dir.h"

namespace dm {
namespace {

using ::testing::HasSubstr;

class AgentConfigFileTest : public ::testing::Test {
 protected:
  absl::StatusOr<AgentConfigFile> Read(const std::string& text) {
    EXPECT_TRUE(WriteFileAtomic(path_, text, 0600).ok());
    return ReadAgentConfigFile(path_);
  }
  TempDir dir_;
  std::string path_ = dir_.path() + "/agent.yaml";
};

TEST_F(AgentConfigFileTest, ReadsWhatIsThereAndLeavesTheRestUnset) {
  auto file = Read("controller: 10.77.0.1:7443\nname: \"web-1\"\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->controller, "10.77.0.1:7443");
  EXPECT_EQ(file->name, "web-1");
  EXPECT_FALSE(file->token.has_value());
  EXPECT_FALSE(file->data_dir.has_value());
}

TEST_F(AgentConfigFileTest, AnEmptyFileSetsNothing) {
  auto file = Read("# nothing yet\n");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_FALSE(file->controller.has_value());
}

TEST_F(AgentConfigFileTest, AListOrMapWhereAValueBelongsIsNamedWithItsPosition) {
  // Once an uncaught exception that ended dm-agent.
  auto file = Read("controller: [a, b]\nname:\n  first: web\n");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(),
              HasSubstr(path_ + ":1:13: field 'controller': must be a single value, not a list"));
  EXPECT_THAT(file.status().message(),
              HasSubstr(path_ + ":3:3: field 'name': must be a single value, not a map"));
}

TEST_F(AgentConfigFileTest, UnknownFieldsAndBadSyntaxAreNamed) {
  auto unknown = Read("controller: h:1\ndatadir: /x\n");
  EXPECT_THAT(unknown.status().message(), HasSubstr(path_ + ":2:1: unknown field 'datadir'"));
  auto syntax = Read("controller: \"unclosed\n");
  EXPECT_THAT(syntax.status().message(), HasSubstr(path_ + ":"));
  auto list = Read("- controller\n");
  EXPECT_THAT(list.status().message(), HasSubstr(path_ + ":1:1: expected a map"));
  EXPECT_EQ(ReadAgentConfigFile(dir_.path() + "/none.yaml").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dm
