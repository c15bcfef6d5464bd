#include "common/yaml/field_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm::yaml {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Node ParseOrDie(const std::string& text) {
  absl::StatusOr<Node> node = Parse(text, "c.yaml");
  EXPECT_TRUE(node.ok()) << node.status();
  return node.ok() ? *node : Node();
}

TEST(FieldReaderTest, ReadsTypedFields) {
  Node map = ParseOrDie(
      "name: web\nmode: \"0640\"\nwait: 2.5\ncount: 3\non: yes\nlist: [a, b]\nsingle: c\n"
      "env: {A: \"1\"}\n");
  ValidationErrors errors;
  FieldReader fields(map, "thing", &errors);
  EXPECT_EQ(fields.RequiredString("name"), "web");
  EXPECT_EQ(fields.Mode("mode"), 0640);
  EXPECT_EQ(fields.Seconds("wait"), absl::Milliseconds(2500));
  EXPECT_EQ(fields.Integer("count", 1, 5), 3);
  EXPECT_TRUE(fields.Bool("on", false));
  EXPECT_THAT(fields.StringList("list"), ElementsAre("a", "b"));
  EXPECT_THAT(fields.StringList("single"), ElementsAre("c"));
  EXPECT_EQ(fields.StringMap("env").at("A"), "1");
  EXPECT_FALSE(fields.String("absent").has_value());
  fields.RejectUnknown();
  EXPECT_TRUE(errors.empty()) << errors.ToStatus();
}

TEST(FieldReaderTest, EveryProblemIsRecordedAtItsPosition) {
  Node map = ParseOrDie("name: [a]\ncount: 9\nlevel: loud\nextra: 1\nlist:\n  - ok\n  - {x: y}\n");
  ValidationErrors errors;
  FieldReader fields(map, "thing", &errors);
  fields.String("name");
  fields.Integer("count", 1, 5);
  fields.Choice("level", {"quiet", "normal"}, "normal");
  fields.StringList("list");
  fields.RequiredString("missing");
  fields.RejectUnknown();
  std::string all(errors.ToStatus().message());
  EXPECT_THAT(all,
              HasSubstr("c.yaml:1:7: thing: field 'name': must be a single value, not a list"));
  EXPECT_THAT(all,
              HasSubstr("c.yaml:2:8: thing: field 'count': must be a whole number from 1 to 5"));
  EXPECT_THAT(all,
              HasSubstr("c.yaml:3:8: thing: field 'level': 'loud' is not one of: quiet, normal"));
  EXPECT_THAT(all, HasSubstr("c.yaml:7:5: thing: field 'list': must be a single value, not a map"));
  EXPECT_THAT(all, HasSubstr("c.yaml:1:1: thing: field 'missing' is required"));
  EXPECT_THAT(all, HasSubstr("c.yaml:4:1: thing: unknown field 'extra'"));
  EXPECT_EQ(errors.errors().size(), 6u);
}

TEST(FieldReaderTest, ATopLevelReaderNamesFieldsAlone) {
  Node map = ParseOrDie("key: {a: b}\n");
  ValidationErrors errors;
  FieldReader fields(map, "", &errors);
  fields.String("key");
  fields.Error("", "expected something else");
  EXPECT_THAT(std::string(errors.ToStatus().message()),
              HasSubstr("c.yaml:1:6: field 'key': must be a single value, not a map"));
  EXPECT_THAT(std::string(errors.ToStatus().message()),
              HasSubstr("c.yaml:1:1: expected something"));
}

TEST(FieldReaderTest, ANonMapIsReadAsEmpty) {
  Node list = ParseOrDie("- a\n");
  ValidationErrors errors;
  FieldReader fields(list, "thing", &errors);
  EXPECT_FALSE(fields.String("a").has_value());
  fields.RejectUnknown();
  EXPECT_TRUE(errors.empty());
}

// A subclass decides what a scalar means (cookbooks interpolate attributes).
class UpperCaseReader : public FieldReader {
 public:
  using FieldReader::FieldReader;

 protected:
  std::optional<std::string> ScalarValue(const Node& node, const std::string& key) override {
    if (node.scalar() == "bad") {
      Error(key, "is bad");
      return std::nullopt;
    }
    std::string out = node.scalar();
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }
};

TEST(FieldReaderTest, ASubclassTurnsTextIntoValues) {
  Node map = ParseOrDie("a: hello\nb: bad\n");
  ValidationErrors errors;
  UpperCaseReader fields(map, "thing", &errors);
  EXPECT_EQ(fields.String("a"), "HELLO");
  EXPECT_FALSE(fields.String("b").has_value());
  EXPECT_THAT(std::string(errors.ToStatus().message()),
              HasSubstr("c.yaml:2:4: thing: field 'b': is bad"));
}

}  // namespace
}  // namespace dm::yaml
