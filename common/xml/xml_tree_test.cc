// The XML reader on an EC2 answer's shape, entities, and the inputs it must refuse quickly.
#include "common/xml/xml_tree.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm::xml {
namespace {

using ::testing::HasSubstr;

TEST(XmlTreeTest, AnEc2AnswerIsRead) {
  absl::StatusOr<Element> root = Parse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\n"
      "  <requestId>8f7724cf-496f-496e-8fe3-example</requestId>\n"
      "  <reservationSet><item><instancesSet>\n"
      "    <item><instanceId>i-1234</instanceId><instanceState><code>16</code>"
      "<name>running</name></instanceState>\n"
      "      <tagSet><item><key>dm-server</key><value>web-1</value></item>"
      "<item><key>note</key><value>a &amp; b &lt;c&gt; &#233;&#x263A;</value></item></tagSet>\n"
      "      <ipAddress/>\n"
      "    </item>\n"
      "  </instancesSet></item></reservationSet>\n"
      "  <!-- a comment --><nextToken><![CDATA[abc<>]]></nextToken>\n"
      "</DescribeInstancesResponse>\n");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->name, "DescribeInstancesResponse");
  EXPECT_EQ(root->attributes.at("xmlns"), "http://ec2.amazonaws.com/doc/2016-11-15/");
  const Element* instance = root->Find({"reservationSet", "item", "instancesSet", "item"});
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(instance->ChildText("instanceId"), "i-1234");
  EXPECT_EQ(instance->Find({"instanceState", "name"})->text, "running");
  std::vector<const Element*> tags = instance->Child("tagSet")->Children("item");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[1]->ChildText("value"), "a & b <c> \xc3\xa9\xe2\x98\xba");
  EXPECT_EQ(instance->ChildText("ipAddress"), "");
  EXPECT_EQ(root->ChildText("nextToken"), "abc<>");
  EXPECT_EQ(root->Find({"nope", "x"}), nullptr);
}

TEST(XmlTreeTest, PrefixesAreDropped) {
  absl::StatusOr<Element> root = Parse("<s:Envelope xmlns:s='x'><s:Body>1</s:Body></s:Envelope>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->name, "Envelope");
  EXPECT_EQ(root->ChildText("Body"), "1");
}

TEST(XmlTreeTest, BrokenDocumentsAreRefusedWithTheirPlace) {
  for (const char* bad :
       {"", "text", "<a>", "<a></b>", "<a><b></a>", "<a x=1/>", "<a>&bogus;</a>", "<a>&#0;</a>",
        "<a/><b/>", "<a>&amp</a>", "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
        "<a><!-- never closed</a>", "<a x='never closed/>"}) {
    absl::StatusOr<Element> root = Parse(bad);
    EXPECT_FALSE(root.ok()) << bad;
    if (!root.ok()) {
      EXPECT_THAT(root.status().message(), HasSubstr("XML")) << bad;
    }
  }
}

TEST(XmlTreeTest, DepthAndSizeAreBounded) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  absl::StatusOr<Element> nested = Parse(deep);
  ASSERT_FALSE(nested.ok());
  EXPECT_THAT(nested.status().message(), HasSubstr("nested deeper than 64"));
  Limits small;
  small.max_bytes = 10;
  absl::StatusOr<Element> big = Parse("<a>0123456789</a>", small);
  ASSERT_FALSE(big.ok());
  EXPECT_THAT(big.status().message(), HasSubstr("more than the 10 allowed"));
}

}  // namespace
}  // namespace dm::xml
