// dmctl dns set / list / delete end to end: a real controller with a --providers file naming a
// second, real PowerDNS server (`edge`, started here as any PowerDNS would be run) beside its own
// embedded one (`local`); every answer checked with dig; the exit codes scripts rely on (0 done,
// 1 refused with the provider's reason in words, 2 usage); no secret in any answer.
#include <unistd.h>

#include <gmock/gmock.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "common/process.h"
#include "controller/providers/dns/embedded_powerdns.h"
#include "controller/providers/dns/testing/dig.h"
#include "tests/harness/fleet_fixture.h"

namespace dm::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DnsTest : public FleetTest {
 protected:
  void SetUp() override {
    FleetTest::SetUp();
    edge_port_ = static_cast<uint16_t>(27000 + ::getpid() % 1000);
    local_port_ = static_cast<uint16_t>(28000 + ::getpid() % 1000);
    EmbeddedPowerDnsOptions options;
    options.dir = Path("edge-pdns");
    options.port = edge_port_;
    absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> edge = EmbeddedPowerDns::Start(options);
    ASSERT_TRUE(edge.ok()) << edge.status();
    edge_ = std::move(*edge);
    const std::string providers = Path("providers.yaml");
    ASSERT_TRUE(WriteFileAtomic(providers,
                                absl::StrCat("dns:\n"
                                             "  - name: edge\n"
                                             "    type: powerdns\n"
                                             "    api_url: ",
                                             edge_->api_url(), "\n    api_key: '", edge_->api_key(),
                                             "'\n"
                                             "  - name: stale\n"
                                             "    type: powerdns\n"
                                             "    api_url: ",
                                             edge_->api_url(), "\n    api_key: old-key-4711\n"),
                                0600)
                    .ok());
    StartController("ctl", {"--providers", providers, "--dns-listen",
                            absl::StrCat("127.0.0.1:", local_port_), "--local-provider", "off"});
  }

  uint16_t edge_port_ = 0, local_port_ = 0;
  std::unique_ptr<EmbeddedPowerDns> edge_;
};

TEST_F(DnsTest, RecordSetsAreEnsuredExactlyListedAndDeleted) {
  CommandResult set = Dmctl(
      {"dns", "set", "edge", "corp.test", "www", "A", "10.1.0.6", "10.1.0.5", "--ttl", "120"});
  ASSERT_EQ(set.exit_code, 0) << set.out << set.err;
  EXPECT_THAT(set.out, HasSubstr("www.corp.test A 10.1.0.5 10.1.0.6 (ttl 120) at edge"));
  EXPECT_EQ(Dig(edge_port_, "www.corp.test", "A"), "10.1.0.5\n10.1.0.6");

  // Exactly: one value now, the other gone.
  ASSERT_EQ(Dmctl({"dns", "set", "edge", "corp.test", "www.corp.test", "A", "10.1.0.7"}).exit_code,
            0);
  EXPECT_EQ(Dig(edge_port_, "www.corp.test", "A"), "10.1.0.7");
  ASSERT_EQ(Dmctl({"dns", "set", "edge", "corp.test", "@", "TXT", "v=spf1 -all"}).exit_code, 0);
  ASSERT_EQ(Dmctl({"dns", "set", "edge", "corp.test", "v6", "AAAA", "fd00::7"}).exit_code, 0);
  EXPECT_EQ(Dig(edge_port_, "v6.corp.test", "AAAA"), "fd00::7");

  CommandResult list = Dmctl({"dns", "list", "edge", "corp.test", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json records = nlohmann::json::parse(list.out);
  ASSERT_EQ(records.size(), 3u) << records.dump(2);
  EXPECT_EQ(records[0]["name"], "corp.test");
  EXPECT_EQ(records[0]["type"], "TXT");
  EXPECT_EQ(records[0]["values"][0], "v=spf1 -all");
  EXPECT_EQ(records[2]["name"], "www.corp.test");
  EXPECT_EQ(records[2]["ttl"], 300);

  ASSERT_EQ(Dmctl({"dns", "delete", "edge", "corp.test", "www", "A"}).exit_code, 0);
  EXPECT_EQ(Dig(edge_port_, "www.corp.test", "A"), "");
  CommandResult table = Dmctl({"dns", "list", "edge", "corp.test"});
  EXPECT_THAT(table.out, HasSubstr("v6.corp.test"));
  EXPECT_THAT(table.out, Not(HasSubstr("www.corp.test")));

  // The controller's own PowerDNS is `local`.
  ASSERT_EQ(Dmctl({"dns", "set", "local", "shop.test", "www", "CNAME", "shop.test"}).exit_code, 0);
  ASSERT_EQ(Dmctl({"dns", "set", "local", "shop.test", "@", "A", "10.2.0.1"}).exit_code, 0);
  EXPECT_THAT(Dig(local_port_, "www.shop.test", "A"), HasSubstr("10.2.0.1"));

  // Every change is in the audit trail.
  CommandResult events = Dmctl({"events", "--json"});
  EXPECT_THAT(events.out, HasSubstr("\"dns.set\""));
  EXPECT_THAT(events.out, HasSubstr("\"dns.delete\""));
}

TEST_F(DnsTest, RefusalsSayWhyAndUsageIsTwo) {
  CommandResult unknown = Dmctl({"dns", "set", "nope", "corp.test", "www", "A", "10.1.0.1"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no DNS provider 'nope' (this controller has edge, local, "
                                     "stale"));
  CommandResult value = Dmctl({"dns", "set", "edge", "corp.test", "www", "A", "fd00::1"});
  EXPECT_EQ(value.exit_code, 1);
  EXPECT_THAT(value.err, HasSubstr("'fd00::1' is not an IPv4 address"));
  CommandResult type = Dmctl({"dns", "delete", "edge", "corp.test", "www", "MX"});
  EXPECT_EQ(type.exit_code, 1);
  EXPECT_THAT(type.err, HasSubstr("not one of A, AAAA, CNAME, TXT"));
  CommandResult key = Dmctl({"dns", "set", "stale", "corp.test", "www", "A", "10.1.0.1"});
  EXPECT_EQ(key.exit_code, 1) << key.err;
  EXPECT_THAT(key.err, HasSubstr("DNS provider stale: PowerDNS API: the API key was refused"));
  EXPECT_THAT(key.err + key.out + AllLogs(), Not(HasSubstr("old-key-4711")));
  EXPECT_THAT(AllLogs(), Not(HasSubstr(edge_->api_key())));
  EXPECT_EQ(Dmctl({"dns", "set", "edge", "corp.test", "www"}).exit_code, 2);
  EXPECT_EQ(Dmctl({"dns", "list", "edge"}).exit_code, 2);
}

}  // namespace
}  // namespace dm::testing
