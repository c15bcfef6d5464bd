#include "dmctl/output/format.h"

#include <gtest/gtest.h>

namespace dm::dmctl {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'750'000'000);
int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

TEST(FormatTest, AgoAndUntil) {
  EXPECT_EQ(Ago(0, kNow), "never");
  EXPECT_EQ(Ago(Ms(kNow - absl::Seconds(12)), kNow), "12s ago");
  EXPECT_EQ(Ago(Ms(kNow - absl::Minutes(3)), kNow), "3m ago");
  EXPECT_EQ(Ago(Ms(kNow - absl::Hours(49)), kNow), "2d ago");
  EXPECT_EQ(Until(Ms(kNow + absl::Minutes(59) + absl::Seconds(30)), kNow), "in 59m");
  EXPECT_EQ(Until(Ms(kNow - absl::Seconds(1)), kNow), "expired");
}

TEST(FormatTest, JsonTimeIsRfc3339UtcOrNull) {
  EXPECT_TRUE(JsonTime(0).is_null());
  EXPECT_EQ(JsonTime(Ms(kNow)).get<std::string>(), "2025-06-15T15:06:40.000Z");
}

TEST(FormatTest, OneLineFoldsWhitespaceAndCuts) {
  EXPECT_EQ(OneLine("status 404: <html>\n<head>  <title>x</title>\n</head>\n", 100),
            "status 404: <html> <head> <title>x</title> </head>");
  EXPECT_EQ(OneLine("abcdef", 3), "abc...");
  EXPECT_EQ(OneLine("\n  ok", 10), "ok");
}

TEST(FormatTest, ParsesDurationsOperatorsType) {
  EXPECT_EQ(*ParseHumanDuration("90s"), absl::Seconds(90));
  EXPECT_EQ(*ParseHumanDuration("2h30m"), absl::Minutes(150));
  EXPECT_EQ(*ParseHumanDuration("7d"), absl::Hours(168));
  for (const char* bad : {"", "abc", "-1h", "0s", "d", "1x"}) {
    EXPECT_FALSE(ParseHumanDuration(bad).ok()) << bad;
  }
}

TEST(FormatTest, Bytes) {
  EXPECT_EQ(Bytes(512), "512 B");
  EXPECT_EQ(Bytes(1536), "1.5 KiB");
  EXPECT_EQ(Bytes(24ull << 30), "24.0 GiB");
}

}  // namespace
}  // namespace dm::dmctl
