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

TEST(YamlTreeTest, NestingPastTheDepthLimitIsRefusedWhereItGoesTooDeep) {
  std::string ok_depth(kMaxDepth, '[');
  ok_depth += std::string(kMaxDepth, ']');
  EXPECT_TRUE(Parse(ok_depth, "deep.yaml").ok());
  // A hundred thousand levels would otherwise take the tree (and its destructor) as deep.
  std::string too_deep(100000, '[');
  auto root = Parse(too_deep, "deep.yaml");
  ASSERT_FALSE(root.ok());
  EXPECT_THAT(std::string(root.status().message()),
              HasSubstr("deep.yaml:1:65: nested more than 64 levels deep"));
}

TEST(YamlTreeTest, ADocumentPastTheSizeLimitIsRefusedBeforeParsing) {
  auto root = Parse("a: " + std::string(kMaxDocumentBytes, 'x'), "huge.yaml");
  ASSERT_FALSE(root.ok());
  EXPECT_THAT(std::string(root.status().message()),
              HasSubstr("huge.yaml: 8388611 bytes, more than a configuration file may have"));
}

TEST(YamlTreeTest, ADuplicateAmongManyKeysIsFound) {
  std::string text;
  for (int i = 0; i < 50000; ++i) text += "k" + std::to_string(i) + ": 1\n";
  auto many = Parse(text, "many.yaml");
  ASSERT_TRUE(many.ok()) << many.status();
  EXPECT_EQ(many->entries().size(), 50000u);
  auto duplicate = Parse(text + "k17: 2\n", "many.yaml");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_THAT(std::string(duplicate.status().message()),
              HasSubstr("many.yaml:50001:1: duplicate key 'k17'"));
}

}  // namespace
}  // namespace dm::yaml
