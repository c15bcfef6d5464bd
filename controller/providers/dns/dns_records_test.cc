// Records as dmctl dns set asks for them: names within the zone, values that fit their type.
#include "controller/providers/dns/dns_records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DnsRecordsTest, NamesAreInTheZone) {
  EXPECT_EQ(*NameInZone("@", "Shop.Test."), "shop.test");
  EXPECT_EQ(*NameInZone("www", "shop.test"), "www.shop.test");
  EXPECT_EQ(*NameInZone("WWW.shop.test.", "shop.test"), "www.shop.test");
  EXPECT_EQ(*NameInZone("_dmarc", "shop.test"), "_dmarc.shop.test");
  EXPECT_FALSE(NameInZone("a b", "shop.test").ok());
  EXPECT_FALSE(NameInZone("www", "not a zone").ok());
}

TEST(DnsRecordsTest, ValuesFitTheirType) {
  absl::StatusOr<DnsRecord> a =
      CheckedRecord("shop.test", "@", "a", {"10.0.0.2", "10.0.0.1", "10.0.0.2"}, 0);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->type, "A");
  EXPECT_EQ(a->ttl, 300);
  EXPECT_THAT(a->values, ElementsAre("10.0.0.1", "10.0.0.2")) << "sorted, once each";
  EXPECT_TRUE(CheckedRecord("shop.test", "v6", "AAAA", {"fd00::1"}, 60).ok());
  EXPECT_EQ(CheckedRecord("shop.test", "www", "CNAME", {"Shop.Test."}, 60)->values[0], "shop.test");
  EXPECT_TRUE(CheckedRecord("shop.test", "@", "TXT", {"v=spf1 -all"}, 60).ok());

  EXPECT_THAT(std::string(CheckedRecord("shop.test", "@", "A", {"fd00::1"}, 60).status().message()),
              HasSubstr("'fd00::1' is not an IPv4 address"));
  EXPECT_THAT(
      std::string(CheckedRecord("shop.test", "@", "AAAA", {"10.0.0.1"}, 60).status().message()),
      HasSubstr("not an IPv6 address"));
  EXPECT_THAT(
      std::string(
          CheckedRecord("shop.test", "www", "CNAME", {"a.test", "b.test"}, 60).status().message()),
      HasSubstr("exactly one value"));
  EXPECT_THAT(std::string(CheckedRecord("shop.test", "@", "MX", {"x"}, 60).status().message()),
              HasSubstr("not one of A, AAAA, CNAME, TXT"));
  EXPECT_FALSE(CheckedRecord("shop.test", "@", "TXT", {std::string(256, 'x')}, 60).ok());
  EXPECT_FALSE(CheckedRecord("shop.test", "@", "A", {}, 60).ok());
  EXPECT_FALSE(CheckedRecord("shop.test", "@", "A", {"10.0.0.1"}, 700000).ok());
}

}  // namespace
}  // namespace dm
