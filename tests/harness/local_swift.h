// A real OpenStack Swift on loopback for tests: Debian's account, container, object and proxy
// servers (one replica, one device in a temporary folder), TempAuth for Swift's v1
// authentication, the s3api middleware for the S3 API, and memcached for the tokens; on request a
// second proxy that authenticates with Keystone (tests/harness/local_keystone.h). Stopped when the
// object goes.
#ifndef DM_TESTS_HARNESS_LOCAL_SWIFT_H_
#define DM_TESTS_HARNESS_LOCAL_SWIFT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/child_process.h"
#include "common/temp_dir.h"

namespace dm::testing {

class LocalSwift {
 public:
  // The one TempAuth user: ACCOUNT:USER with KEY (also the S3 access key and secret).
  static constexpr char kUser[] = "dm:backup";
  static constexpr char kKey[] = "swift-test-key";

  // True when Debian's swift servers and memcached are installed.
  static bool Installed();

  // Builds the rings, starts every server on free ports and waits until all answer. The proxy
  // listens on `proxy_host` (the local servers' bridge address, for servers to reach it), the
  // rest on loopback.
  absl::Status Start(const std::string& proxy_host = "127.0.0.1");

  // A second proxy, in front of the same servers, that takes Keystone's tokens (authtoken and
  // keystoneauth, with the Keystone admin as its service user; members of a project may use it).
  absl::Status StartKeystoneProxy(const std::string& keystone_url, const std::string& admin,
                                  const std::string& admin_password);

  // http://PROXY_HOST:PORT: the proxy (S3 endpoint; Swift's auth is at /auth/v1.0).
  std::string endpoint() const;
  // http://127.0.0.1:PORT: the Keystone proxy; accounts are AUTH_<project id> under /v1.
  std::string keystone_endpoint() const;
  // Forgets every token (memcached's flush_all), as an expiry would.
  void ForgetTokens();

 private:
  absl::Status StartServer(const std::string& name, uint16_t port, const std::string& pipeline);

  TempDir dir_;
  std::string root_;
  std::string proxy_host_ = "127.0.0.1";
  uint16_t proxy_ = 0, account_ = 0, container_ = 0, object_ = 0, memcached_ = 0,
           keystone_proxy_ = 0;
  std::vector<std::unique_ptr<ChildProcess>> children_;
};

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_LOCAL_SWIFT_H_
