#include "common/host_port.h"

#include <gtest/gtest.h>

namespace dm {
namespace {

TEST(HostPortTest, ParsesIpv4AndNames) {
  auto hp = HostPort::Parse("127.0.0.1:7443");
  ASSERT_TRUE(hp.ok()) << hp.status();
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 7443);
  EXPECT_TRUE(hp->HostIsIpAddress());

  auto named = HostPort::Parse("controller.example:443");
  ASSERT_TRUE(named.ok());
  EXPECT_FALSE(named->HostIsIpAddress());
}

TEST(HostPortTest, ParsesBracketedIpv6AndFormatsItBack) {
  auto hp = HostPort::Parse("[::1]:7443");
  ASSERT_TRUE(hp.ok()) << hp.status();
  EXPECT_EQ(hp->host, "::1");
  EXPECT_EQ(hp->ToString(), "[::1]:7443");
}

TEST(HostPortTest, RejectsMissingOrBadPortsAndBareIpv6) {
  for (const char* bad :
       {"127.0.0.1", "127.0.0.1:", ":7443", "h:0", "h:65536", "h:x", "::1:7443", "[::1]7443"}) {
    auto hp = HostPort::Parse(bad);
    EXPECT_FALSE(hp.ok()) << bad;
    EXPECT_NE(hp.status().message().find(bad), std::string::npos) << hp.status();
  }
}

}  // namespace
}  // namespace dm
