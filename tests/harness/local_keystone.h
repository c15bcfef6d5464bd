// A real OpenStack Identity (Keystone) on loopback for tests: Debian's keystone (sqlite
// database, Fernet tokens) served by its own development WSGI server, bootstrapped with an admin,
// then given projects, users and catalog entries through its v3 API. Stopped when the object goes.
#ifndef DM_TESTS_HARNESS_LOCAL_KEYSTONE_H_
#define DM_TESTS_HARNESS_LOCAL_KEYSTONE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/child_process.h"
#include "common/http/http_client.h"
#include "common/temp_dir.h"

namespace dm::testing {

class LocalKeystone {
 public:
  // The bootstrap admin (project "admin", domain "Default").
  static constexpr char kAdmin[] = "admin";
  static constexpr char kAdminPassword[] = "keystone-test-admin";

  // True when Debian's keystone (python3-keystone) and keystonemiddleware are installed.
  static bool Installed();

  absl::Status Start();
  // http://127.0.0.1:PORT/v3
  std::string url() const;

  // A project with a user who is a member of it.
  absl::Status AddProjectUser(const std::string& project, const std::string& user,
                              const std::string& password);
  // An object-store service whose public endpoint in RegionOne is `url_template`
  // ("http://127.0.0.1:8080/v1/AUTH_$(project_id)s").
  absl::Status AddObjectStore(const std::string& url_template);

 private:
  // Sends an admin request; the parsed JSON answer.
  absl::StatusOr<std::string> Admin(const std::string& method, const std::string& path,
                                    const std::string& body);

  TempDir dir_;
  uint16_t port_ = 0;
  std::string admin_token_;
  std::unique_ptr<HttpClient> http_ = NewCurlHttpClient();
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace dm::testing

#endif  // DM_TESTS_HARNESS_LOCAL_KEYSTONE_H_
