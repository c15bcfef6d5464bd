// The rfc2136 provider against a real BIND 9 (Debian's named, started here on a loopback port with
// a zone that admits updates and transfers signed by one TSIG key): record sets set exactly and
// answered by dig, listed by zone transfer, deleted; a wrong secret and an unknown key refused in
// words; a zone the server does not have named as such.
#include "controller/providers/dns/rfc2136_provider.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/child_process.h"
#include "common/files.h"
#include "common/process.h"
#include "common/random.h"
#include "common/temp_dir.h"
#include "controller/providers/dns/dns_wire.h"
#include "controller/providers/dns/testing/dig.h"
#include "controller/providers/providers_config.h"

namespace dm {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class Rfc2136ProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access("/usr/sbin/named", X_OK) != 0) GTEST_SKIP() << "BIND 9 (bind9) is not installed";
    port_ = static_cast<uint16_t>(26000 + ::getpid() % 1000);
    std::string raw(32, '\0');
    for (char& c : raw) c = static_cast<char>(RandomUint64() & 0xff);
    secret_ = absl::Base64Escape(raw);
    const std::string dir = dir_.path();
    ASSERT_TRUE(::chmod(dir.c_str(), 0777) == 0);  // named may run as another user
    ASSERT_TRUE(WriteFileAtomic(dir_.Path("corp.test.zone"),
                                "$TTL 300\n"
                                "@ IN SOA ns.corp.test. admin.corp.test. 1 3600 600 86400 300\n"
                                "@ IN NS ns.corp.test.\n"
                                "ns IN A 127.0.0.1\n",
                                0666)
                    .ok());
    // A zone too big for one message, so that a transfer is a stream of them.
    std::string big =
        "$TTL 300\n@ IN SOA ns.big.test. admin.big.test. 1 3600 600 86400 300\n@ IN NS ns\n"
        "ns IN A 127.0.0.1\n";
    for (int i = 0; i < kBigRecords; ++i)
      absl::StrAppend(&big, "t", i, " IN TXT \"", std::string(100, 'a' + i % 26), "\"\n");
    ASSERT_TRUE(WriteFileAtomic(dir_.Path("big.test.zone"), big, 0666).ok());
    ASSERT_TRUE(
        WriteFileAtomic(
            dir_.Path("named.conf"),
            absl::StrCat(
                "options {\n  directory \"", dir, "\";\n  pid-file \"", dir, "/named.pid\";\n",
                "  listen-on port ", port_, " { 127.0.0.1; };\n  listen-on-v6 { none; };\n",
                "  recursion no;\n  dnssec-validation no;\n};\n", "controls { };\n",
                "key \"dm-key\" { algorithm hmac-sha256; secret \"", secret_, "\"; };\n",
                "zone \"corp.test\" {\n  type primary;\n  file \"", dir, "/corp.test.zone\";\n",
                "  allow-update { key \"dm-key\"; };\n  allow-transfer { key \"dm-key\"; };\n};\n",
                "zone \"big.test\" {\n  type primary;\n  file \"", dir, "/big.test.zone\";\n",
                "  allow-transfer { key \"dm-key\"; };\n};\n"),
            0644)
            .ok());
    absl::StatusOr<std::unique_ptr<ChildProcess>> named = ChildProcess::Start(
        {"/usr/sbin/named", "-g", "-c", dir_.Path("named.conf")}, dir_.Path("named.log"));
    ASSERT_TRUE(named.ok()) << named.status();
    named_ = std::move(*named);
    for (int i = 0; i < 100; ++i) {
      absl::StatusOr<std::string> log = ReadFile(dir_.Path("named.log"));
      if (log.ok() && absl::StrContains(*log, "all zones loaded")) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  void TearDown() override {
    if (named_) named_->Stop();
  }
  std::unique_ptr<Rfc2136Provider> Provider(const std::string& secret,
                                            const std::string& key_name = "dm-key") {
    Rfc2136Options o;
    o.host = "127.0.0.1";
    o.port = port_;
    o.key.name = key_name;
    o.key.algorithm = "hmac-sha256";
    absl::Base64Unescape(secret, &o.key.secret);
    return std::make_unique<Rfc2136Provider>(o);
  }
  std::string Dig(const std::string& name, const std::string& type) {
    return testing::Dig(port_, name, type);
  }
  std::string NamedLog() { return ReadFile(dir_.Path("named.log")).value_or(""); }

  // A signed AXFR of `zone` done by hand: the request's MAC and every message as it came.
  std::vector<std::string> RawTransfer(const std::string& zone, std::string* request_mac) {
    dnswire::TsigKey key{"dm-key", "hmac-sha256", ""};
    absl::Base64Unescape(secret_, &key.secret);
    dnswire::Message query;
    query.id = 4242;
    query.questions.push_back({zone, dnswire::kAxfr, dnswire::kIn});
    *request_mac = *dnswire::Sign(key, absl::Now(), &query);
    const std::string wire = dnswire::Encode(query);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(port_);
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof(at)) != 0) return {};
    const std::string framed =
        std::string{static_cast<char>(wire.size() >> 8), static_cast<char>(wire.size() & 0xff)} +
        wire;
    if (::write(fd, framed.data(), framed.size()) != static_cast<ssize_t>(framed.size())) return {};
    std::string stream;
    char buffer[65536];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) {
      stream.append(buffer, n);
      // Done at the second SOA; BIND keeps the connection open, so count messages' SOAs.
      std::vector<std::string> messages;
      int soas = 0;
      for (size_t p = 0; p + 2 <= stream.size();) {
        size_t len = (static_cast<uint8_t>(stream[p]) << 8) | static_cast<uint8_t>(stream[p + 1]);
        if (p + 2 + len > stream.size()) break;
        messages.push_back(stream.substr(p + 2, len));
        absl::StatusOr<dnswire::Message> m = dnswire::Decode(messages.back());
        if (m.ok()) {
          for (const dnswire::Record& r : m->answers) soas += r.type == dnswire::kSoa;
        }
        p += 2 + len;
      }
      if (soas >= 2) {
        ::close(fd);
        return messages;
      }
    }
    ::close(fd);
    return {};
  }

  static constexpr int kBigRecords = 3000;
  TempDir dir_;
  uint16_t port_ = 0;
  std::string secret_;
  std::unique_ptr<ChildProcess> named_;
};

TEST_F(Rfc2136ProviderTest, RecordSetsAreUpdatedExactlyAndTransferred) {
  auto bind = Provider(secret_);
  absl::Status zone = bind->EnsureZone("corp.test");
  ASSERT_TRUE(zone.ok()) << zone << "\n" << NamedLog().substr(0, 3000);
  ASSERT_TRUE(
      bind->SetRecord("corp.test", {"www.corp.test", "A", 60, {"10.3.0.1", "10.3.0.2"}}).ok())
      << NamedLog();
  ASSERT_TRUE(bind->SetRecord("corp.test", {"v6.corp.test", "AAAA", 120, {"fd00::3"}}).ok());
  ASSERT_TRUE(bind->SetRecord("corp.test", {"app.corp.test", "CNAME", 60, {"www.corp.test"}}).ok());
  ASSERT_TRUE(bind->SetRecord("corp.test", {"corp.test", "TXT", 60, {"v=spf1 -all"}}).ok());
  EXPECT_EQ(Dig("www.corp.test", "A"), "10.3.0.1\n10.3.0.2");
  EXPECT_EQ(Dig("v6.corp.test", "AAAA"), "fd00::3");
  EXPECT_EQ(Dig("app.corp.test", "CNAME"), "www.corp.test.");
  EXPECT_EQ(Dig("corp.test", "TXT"), "\"v=spf1 -all\"");

  // Exactly: the old set goes in the same update that brings the new one.
  ASSERT_TRUE(bind->SetRecord("corp.test", {"www.corp.test", "A", 60, {"10.3.0.9"}}).ok());
  EXPECT_EQ(Dig("www.corp.test", "A"), "10.3.0.9");

  absl::StatusOr<std::vector<DnsRecord>> records = bind->ListRecords("corp.test");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 5u);  // with the zone's own ns A record
  EXPECT_EQ((*records)[0], (DnsRecord{"app.corp.test", "CNAME", 60, {"www.corp.test"}}));
  EXPECT_EQ((*records)[1], (DnsRecord{"corp.test", "TXT", 60, {"v=spf1 -all"}}));
  EXPECT_EQ((*records)[3], (DnsRecord{"v6.corp.test", "AAAA", 120, {"fd00::3"}}));
  EXPECT_EQ((*records)[4], (DnsRecord{"www.corp.test", "A", 60, {"10.3.0.9"}}));

  ASSERT_TRUE(bind->DeleteRecord("corp.test", "www.corp.test", "A").ok());
  EXPECT_EQ(Dig("www.corp.test", "A"), "");
  EXPECT_TRUE(bind->DeleteRecord("corp.test", "www.corp.test", "A").ok()) << "idempotent";
}

// A transfer of many messages: every one's signature is checked, chained to the one before.
TEST_F(Rfc2136ProviderTest, AZoneOfManyMessagesIsTransferredAndEveryMessageChecked) {
  absl::StatusOr<std::vector<DnsRecord>> records = Provider(secret_)->ListRecords("big.test");
  ASSERT_TRUE(records.ok()) << records.status();
  EXPECT_EQ(records->size(), kBigRecords + 1u);  // and ns.big.test

  std::string mac;
  std::vector<std::string> messages = RawTransfer("big.test", &mac);
  ASSERT_GE(messages.size(), 3u) << "the zone should not fit in two messages";
  dnswire::TsigKey key{"dm-key", "hmac-sha256", ""};
  absl::Base64Unescape(secret_, &key.secret);
  auto verify = [&](const std::vector<std::string>& stream) {
    dnswire::TsigVerifier verifier(key, mac);
    for (const std::string& wire : stream) {
      absl::StatusOr<dnswire::Message> m = dnswire::Decode(wire);
      if (!m.ok()) return m.status();
      absl::Status next = verifier.Next(wire, &*m);
      if (!next.ok()) return next;
    }
    return verifier.Finish();
  };
  EXPECT_TRUE(verify(messages).ok()) << verify(messages);

  // One byte of the third message's records changed on the way: that message is refused.
  std::vector<std::string> tampered = messages;
  const size_t text = tampered[2].find(std::string(50, tampered[2][tampered[2].size() / 2]));
  ASSERT_NE(text, std::string::npos) << "a TXT value in the middle of the message";
  tampered[2][text + 10] ^= 0x01;
  absl::Status changed = verify(tampered);
  EXPECT_EQ(changed.code(), absl::StatusCode::kPermissionDenied) << changed;
  EXPECT_THAT(std::string(changed.message()), HasSubstr("message 3"));

  // A message left out, or the stream cut before its end, is caught as well.
  std::vector<std::string> missing = messages;
  missing.erase(missing.begin() + 1);
  EXPECT_FALSE(verify(missing).ok());
}

TEST_F(Rfc2136ProviderTest, AWrongSecretAnUnknownKeyAndAMissingZoneAreNamed) {
  std::string other(32, 'x');
  absl::Status wrong = Provider(absl::Base64Escape(other))
                           ->SetRecord("corp.test", {"www.corp.test", "A", 60, {"10.3.0.1"}});
  EXPECT_EQ(wrong.code(), absl::StatusCode::kPermissionDenied) << wrong;
  EXPECT_THAT(std::string(wrong.message()), HasSubstr("BADSIG"));
  EXPECT_THAT(std::string(wrong.message()), HasSubstr("the secret does not match"));
  EXPECT_EQ(Dig("www.corp.test", "A"), "") << "nothing changed";

  absl::Status unknown = Provider(secret_, "someone")->EnsureZone("corp.test");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kPermissionDenied) << unknown;
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("BADKEY"));

  absl::Status missing = Provider(secret_)->EnsureZone("other.test");
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition) << missing;
  EXPECT_THAT(std::string(missing.message()),
              HasSubstr("zone other.test is not on the DNS server"));
  for (const absl::Status& s : {wrong, unknown, missing})
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr(secret_)));
}

TEST_F(Rfc2136ProviderTest, AProvidersFileConfiguresIt) {
  std::unique_ptr<HttpClient> http = NewCurlHttpClient();
  DnsProviderSet dns;
  ASSERT_TRUE(ParseProviders(absl::StrCat("dns:\n  - name: bind\n    type: rfc2136\n",
                                          "    server: 127.0.0.1:", port_, "\n",
                                          "    tsig_key: {name: dm-key, algorithm: hmac-sha256, "
                                          "secret: \"",
                                          secret_, "\"}\n"),
                             "providers.yaml", http.get(), &dns)
                  .ok());
  ASSERT_NE(dns.Find("bind"), nullptr);
  ASSERT_TRUE(
      dns.Find("bind")->SetRecord("corp.test", {"f.corp.test", "A", 60, {"10.3.0.4"}}).ok());
  EXPECT_EQ(Dig("f.corp.test", "A"), "10.3.0.4");
  absl::Status bad = ParseProviders(
      "dns:\n  - {name: b, type: rfc2136, server: here, tsig_key: {name: k, secret: '!!'}}\n",
      "providers.yaml", http.get(), &dns);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("must be ADDRESS:PORT"));
  EXPECT_THAT(std::string(bad.message()), HasSubstr("must be the key in base64"));
}

}  // namespace
}  // namespace dm
