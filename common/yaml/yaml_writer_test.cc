#include "common/yaml/yaml_writer.h"

#include <gtest/gtest.h>

#include "common/yaml/yaml_tree.h"

namespace dm::yaml {
namespace {

TEST(YamlWriterTest, AnyTextReadsBackAsItWasWritten) {
  const std::vector<std::string> values = {"plain",
                                           "",
                                           "with: colon",
                                           "# not a comment",
                                           "quote \" and \\ backslash",
                                           "line\nbreak\ttab\x01",
                                           "[not, a, list]",
                                           "{not: a map}",
                                           "yes",
                                           "~",
                                           "  spaces  ",
                                           "caf\xc3\xa9"};
  std::vector<std::pair<std::string, std::string>> entries;
  for (size_t i = 0; i < values.size(); ++i)
    entries.push_back({"k" + std::to_string(i), values[i]});
  std::string text = FlatMap("Written by a test.\nSecond line.", entries);
  EXPECT_EQ(text.rfind("# Written by a test.\n# Second line.\n", 0), 0u) << text;
  absl::StatusOr<Node> read = Parse(text, "w.yaml");
  ASSERT_TRUE(read.ok()) << read.status() << "\n" << text;
  for (const auto& [key, value] : entries) {
    const Node* node = read->Find(key);
    ASSERT_NE(node, nullptr) << key;
    ASSERT_TRUE(node->IsScalar()) << key;
    EXPECT_EQ(node->scalar(), value) << key;
    EXPECT_FALSE(node->plain()) << key;  // quoted: "yes" stays text
  }
}

}  // namespace
}  // namespace dm::yaml
