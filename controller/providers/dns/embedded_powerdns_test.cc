// The embedded PowerDNS for real: records set through the HTTP API are what `dig` gets, they
// survive a restart, deleting them is seen at once, and a server a dead controller left running
// makes way for the next.
#include "controller/providers/dns/embedded_powerdns.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/process.h"
#include "common/temp_dir.h"

namespace dm {
namespace {

// A port from a range nothing else here uses, varied by process so parallel runs differ.
uint16_t TestPort() { return static_cast<uint16_t>(23000 + ::getpid() % 2000); }

std::string Dig(uint16_t port, const std::string& name) {
  absl::StatusOr<std::string> out = RunChecked(
      {"dig", "+short", "+time=2", "+tries=2", "@127.0.0.1", "-p", absl::StrCat(port), name, "A"});
  return out.ok() ? std::string(absl::StripAsciiWhitespace(*out))
                  : "dig failed: " + std::string(out.status().message());
}

TEST(EmbeddedPowerDnsTest, RecordsAnswerAndSurviveARestart) {
  TempDir dir;
  EmbeddedPowerDnsOptions options;
  options.dir = dir.path() + "/dns";
  options.port = TestPort();
  {
    absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> dns = EmbeddedPowerDns::Start(options);
    ASSERT_TRUE(dns.ok()) << dns.status();
    DnsProvider* provider = (*dns)->provider();
    ASSERT_TRUE(provider->EnsureZone("shop.test").ok());
    ASSERT_TRUE(provider->EnsureZone("shop.test").ok()) << "a second EnsureZone is a no-op";
    ASSERT_TRUE(provider->SetRecord("shop.test", {"www.shop.test", "A", 60, {"10.9.8.7"}}).ok());
    ASSERT_TRUE(
        provider->SetRecord("shop.test", {"shop.test", "A", 60, {"10.9.8.6", "10.9.8.7"}}).ok());
    EXPECT_EQ(Dig(options.port, "www.shop.test"), "10.9.8.7");

    absl::StatusOr<std::vector<DnsRecord>> records = provider->ListRecords("shop.test");
    ASSERT_TRUE(records.ok()) << records.status();
    ASSERT_EQ(records->size(), 2u);
    EXPECT_EQ((*records)[0], (DnsRecord{"shop.test", "A", 60, {"10.9.8.6", "10.9.8.7"}}));
    EXPECT_EQ((*records)[1], (DnsRecord{"www.shop.test", "A", 60, {"10.9.8.7"}}));
    EXPECT_TRUE(absl::IsNotFound(provider->ListRecords("other.test").status()));
  }
  // Stopped with its owner; the next one serves the same records.
  EXPECT_NE(Dig(options.port, "www.shop.test"), "10.9.8.7");
  absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> again = EmbeddedPowerDns::Start(options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Dig(options.port, "www.shop.test"), "10.9.8.7");
  // Replacing a record moves the name at once (no cache in front of the database).
  ASSERT_TRUE(
      (*again)->provider()->SetRecord("shop.test", {"www.shop.test", "A", 60, {"10.9.8.5"}}).ok());
  EXPECT_EQ(Dig(options.port, "www.shop.test"), "10.9.8.5");
  ASSERT_TRUE((*again)->provider()->DeleteRecord("shop.test", "www.shop.test", "A").ok());
  EXPECT_EQ(Dig(options.port, "www.shop.test"), "");
  ASSERT_TRUE((*again)->provider()->DeleteZone("shop.test").ok());
  EXPECT_TRUE(absl::IsNotFound((*again)->provider()->ListRecords("shop.test").status()));
}

TEST(EmbeddedPowerDnsTest, AServerADeadControllerLeftRunningIsReplaced) {
  TempDir dir;
  EmbeddedPowerDnsOptions options;
  options.dir = dir.path() + "/dns";
  options.port = static_cast<uint16_t>(TestPort() + 1);
  // The first one is never stopped, as when its controller was killed: it keeps the port.
  absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> left = EmbeddedPowerDns::Start(options);
  ASSERT_TRUE(left.ok()) << left.status();
  ASSERT_TRUE((*left)->provider()->EnsureZone("shop.test").ok());
  ASSERT_TRUE(
      (*left)->provider()->SetRecord("shop.test", {"www.shop.test", "A", 60, {"10.9.8.7"}}).ok());
  absl::StatusOr<std::unique_ptr<EmbeddedPowerDns>> next = EmbeddedPowerDns::Start(options);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(Dig(options.port, "www.shop.test"), "10.9.8.7");
  ASSERT_TRUE(
      (*next)->provider()->SetRecord("shop.test", {"www.shop.test", "A", 60, {"10.9.8.5"}}).ok());
  EXPECT_EQ(Dig(options.port, "www.shop.test"), "10.9.8.5") << "the new one answers";
}

}  // namespace
}  // namespace dm
