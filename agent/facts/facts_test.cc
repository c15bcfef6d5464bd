#include "agent/facts/facts.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

TEST(FactsTest, ParsesOsRelease) {
  dm::v1::Facts facts;
  ParseOsRelease(
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
      "VERSION_ID=\"12\"\nID=debian\n",
      &facts);
  EXPECT_EQ(facts.os_name(), "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(facts.os_id(), "debian");
  EXPECT_EQ(facts.os_version(), "12");
}

TEST(FactsTest, ParsesMemTotal) {
  EXPECT_EQ(ParseMemTotalBytes("MemTotal:       24576000 kB\nMemFree: 1 kB\n"), 24576000ull * 1024);
  EXPECT_EQ(ParseMemTotalBytes("nothing here"), 0u);
}

TEST(FactsTest, CollectsTheLiveHost) {
  dm::v1::Facts facts = CollectFacts();
  EXPECT_FALSE(facts.hostname().empty());
  EXPECT_GT(facts.cpu_count(), 0u);
  EXPECT_GT(facts.memory_bytes(), 0u);
  EXPECT_FALSE(facts.kernel().empty());
  EXPECT_FALSE(facts.agent_version().empty());
}

}  // namespace
}  // namespace dm
