#include "tests/harness/local_keystone.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/free_port.h"
#include "common/process.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"

namespace dm::testing {

bool LocalKeystone::Installed() {
  return RunChecked({"sh", "-c",
                     "command -v keystone-manage && command -v keystone-wsgi-public && "
                     "/usr/bin/python3 -c 'import keystonemiddleware'"})
      .ok();
}

std::string LocalKeystone::url() const { return absl::StrCat("http://127.0.0.1:", port_, "/v3"); }

absl::Status LocalKeystone::Start() {
  const std::string root = dir_.path();
  DM_ASSIGN_OR_RETURN(port_, FreeTcpPort("127.0.0.1"));
  const std::string conf = root + "/keystone.conf";
  DM_RETURN_IF_ERROR(WriteFileAtomic(
      conf,
      absl::StrCat("[database]\nconnection = sqlite:///", root,
                   "/keystone.db\n\n[token]\nprovider = fernet\n\n",
                   "[fernet_tokens]\nkey_repository = ", root,
                   "/fernet-keys\n\n[credential]\nkey_repository = ", root,
                   "/credential-keys\n\n[oslo_concurrency]\nlock_path = ", root, "/locks\n"),
      0600));
  const passwd* me = ::getpwuid(::geteuid());
  const group* my_group = ::getgrgid(::getegid());
  const std::string user = me ? me->pw_name : "root",
                    group_name = my_group ? my_group->gr_name : "root";
  auto manage = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"keystone-manage", "--config-file", conf});
    return RunChecked(args).status();
  };
  DM_RETURN_IF_ERROR(manage({"db_sync"}));
  DM_RETURN_IF_ERROR(
      manage({"fernet_setup", "--keystone-user", user, "--keystone-group", group_name}));
  DM_RETURN_IF_ERROR(
      manage({"credential_setup", "--keystone-user", user, "--keystone-group", group_name}));
  DM_RETURN_IF_ERROR(
      manage({"bootstrap", "--bootstrap-password", kAdminPassword, "--bootstrap-public-url", url(),
              "--bootstrap-region-id", "RegionOne"}));
  DM_ASSIGN_OR_RETURN(server_, ChildProcess::Start({"env", "OS_KEYSTONE_CONFIG_FILES=" + conf,
                                                    "keystone-wsgi-public", "--host", "127.0.0.1",
                                                    "--port", absl::StrCat(port_)},
                                                   root + "/keystone.log"));
  // Up once the admin can have a token.
  const std::string login =
      nlohmann::json{
          {"auth",
           {{"identity",
             {{"methods", {"password"}},
              {"password",
               {{"user",
                 {{"name", kAdmin},
                  {"domain", {{"id", "default"}}},
                  {"password", kAdminPassword}}}}}}},
            {"scope", {{"project", {{"name", kAdmin}, {"domain", {{"id", "default"}}}}}}}}}}
          .dump();
  for (int i = 0; i < 150 && admin_token_.empty(); ++i) {
    HttpRequest request{"POST",
                        url() + "/auth/tokens",
                        {{"Content-Type", "application/json"}},
                        login,
                        absl::Seconds(5)};
    absl::StatusOr<HttpResponse> r = http_->Send(request);
    if (r.ok() && r->status == 201) admin_token_ = r->Header("x-subject-token");
    if (admin_token_.empty()) ::usleep(100 * 1000);
  }
  if (admin_token_.empty())
    return absl::DeadlineExceededError(absl::StrCat("Keystone did not answer; see ", root));
  return absl::OkStatus();
}

absl::StatusOr<std::string> LocalKeystone::Admin(const std::string& method, const std::string& path,
                                                 const std::string& body) {
  HttpRequest request{method,
                      url() + path,
                      {{"X-Auth-Token", admin_token_}, {"Content-Type", "application/json"}},
                      body,
                      absl::Seconds(20)};
  DM_ASSIGN_OR_RETURN(HttpResponse r, http_->Send(request));
  if (!r.success()) {
    return absl::UnavailableError(
        absl::StrCat("keystone ", method, " ", path, ": HTTP ", r.status, ": ", r.body));
  }
  return r.body;
}

absl::Status LocalKeystone::AddProjectUser(const std::string& project, const std::string& user,
                                           const std::string& password) {
  DM_ASSIGN_OR_RETURN(
      std::string made,
      Admin("POST", "/projects",
            nlohmann::json{{"project", {{"name", project}, {"domain_id", "default"}}}}.dump()));
  const std::string project_id = nlohmann::json::parse(made)["project"]["id"];
  DM_ASSIGN_OR_RETURN(std::string person,
                      Admin("POST", "/users",
                            nlohmann::json{{"user",
                                            {{"name", user},
                                             {"password", password},
                                             {"domain_id", "default"},
                                             {"default_project_id", project_id}}}}
                                .dump()));
  const std::string user_id = nlohmann::json::parse(person)["user"]["id"];
  DM_ASSIGN_OR_RETURN(std::string roles, Admin("GET", "/roles?name=member", ""));
  nlohmann::json found = nlohmann::json::parse(roles)["roles"];
  if (found.empty()) return absl::NotFoundError("keystone has no 'member' role");
  const std::string role_id = found[0]["id"];
  return Admin("PUT",
               absl::StrCat("/projects/", project_id, "/users/", user_id, "/roles/", role_id), "")
      .status();
}

absl::Status LocalKeystone::AddObjectStore(const std::string& url_template) {
  DM_ASSIGN_OR_RETURN(
      std::string made,
      Admin("POST", "/services",
            nlohmann::json{{"service", {{"type", "object-store"}, {"name", "swift"}}}}.dump()));
  const std::string service_id = nlohmann::json::parse(made)["service"]["id"];
  return Admin("POST", "/endpoints",
               nlohmann::json{{"endpoint",
                               {{"service_id", service_id},
                                {"interface", "public"},
                                {"region_id", "RegionOne"},
                                {"url", url_template}}}}
                   .dump())
      .status();
}

}  // namespace dm::testing
