#include "common/yaml/yaml_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm::yaml {
namespace {

using ::testing::HasSubstr;

TEST(YamlTreeTest, KeepsScalarsAsTextWithTheirPositions) {
  auto root =
      Parse("- file: /etc/motd\n  mode: 0644\n  owner: \"root\"\n- null_value: ~\n", "r.yaml");
  ASSERT_TRUE(root.ok()) << root.status();
  ASSERT_TRUE(root->IsSequence());
  ASSERT_EQ(root->items().size(), 2u);
  const Node& first = root->items()[0];
  ASSERT_TRUE(first.IsMap());
  EXPECT_EQ(first.Find("mode")->scalar(), "0644");  // never the octal number 420
  EXPECT_TRUE(first.Find("mode")->plain());
  EXPECT_FALSE(first.Find("owner")->plain());
  EXPECT_EQ(first.Find("mode")->mark().line, 2);
  EXPECT_EQ(first.Find("mode")->mark().column, 9);
  EXPECT_EQ(first.Find("mode")->mark().ToString(), "r.yaml:2:9");
  EXPECT_TRUE(root->items()[1].Find("null_value")->IsNull());
  EXPECT_EQ(first.Find("missing"), nullptr);
  EXPECT_EQ(first.entries()[0].first.scalar(), "file");  // document order
}

TEST(YamlTreeTest, SyntaxErrorsNameFileLineAndColumn) {
  auto root = Parse("a: 1\nb: [1, 2\n", "bad.yaml");
  ASSERT_FALSE(root.ok());
  EXPECT_THAT(std::string(root.status().message()), HasSubstr("bad.yaml:3:1"));
}

TEST(YamlTreeTest, DuplicateKeysAreRefusedWhereTheSecondOneIs) {
  auto root = Parse("a: 1\nb: 2\na: 3\n", "dup.yaml");
  ASSERT_FALSE(root.ok());
  EXPECT_THAT(std::string(root.status().message()), HasSubstr("dup.yaml:3:1: duplicate key 'a'"));
}

TEST(YamlTreeTest, AliasesAndMultipleDocumentsAreRefused) {
  EXPECT_THAT(std::string(Parse("a: &x 1\nb: *x\n", "f").status().message()), HasSubstr("anchors"));
  EXPECT_THAT(std::string(Parse("a: 1\n---\nb: 2\n", "f").status().message()),
              HasSubstr("one YAML document"));
}

TEST(YamlTreeTest, EmptyDocumentIsNull) {
  auto root = Parse("", "empty.yaml");
  ASSERT_TRUE(root.ok());
  EXPECT_TRUE(root->IsNull());
}

}  // namespace
}  // namespace dm::yaml
