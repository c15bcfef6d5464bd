#include "dmctl/context.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/dmctl_config.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace dm::dmctl {

absl::StatusOr<std::string> ResolveConfigPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("DMCTL_CONFIG"); env != nullptr && *env != '\0')
    return std::string(env);
  const char* home = std::getenv("HOME");
  std::string fallback = absl::StrCat(home ? home : "", "/.config/dm/dmctl.yaml");
  if (home != nullptr && PathExists(fallback)) return fallback;
  return absl::NotFoundError(
      absl::StrCat("no dmctl config: pass --config FILE, set DMCTL_CONFIG, or create ", fallback,
                   " (dm-controller writes one as DATA_DIR/dmctl.yaml)"));
}

AdminClient* Context::Admin() {
  if (!admin_) {
    absl::StatusOr<std::unique_ptr<AdminClient>> stub = Connect();
    if (!stub.ok()) {
      err_ << "dmctl: " << stub.status().message() << "\n";
      return nullptr;
    }
    admin_ = std::move(*stub);
  }
  return admin_.get();
}

absl::StatusOr<std::unique_ptr<AdminClient>> Context::Connect() {
  DM_ASSIGN_OR_RETURN(std::string path, ResolveConfigPath(config_flag_));
  absl::StatusOr<DmctlConfig> config = DmctlConfig::Load(path);
  if (!config.ok()) {
    return config.status();
  }
  std::string ca, cert, key;
  for (auto [file, target] : {std::pair<const std::string*, std::string*>{&config->ca, &ca},
                              {&config->cert, &cert},
                              {&config->key, &key}}) {
    absl::StatusOr<std::string> content = ReadFile(*file);
    if (!content.ok()) {
      return absl::Status(content.status().code(),
                          absl::StrCat(path, " names ", *file, ": ", content.status().message()));
    }
    *target = std::move(*content);
  }
  address_ = config->controller;
  return std::make_unique<AdminClient>(address_, ca, cert, key);
}

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kOk;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return kUnreachable;
    default:
      return kFailed;
  }
}

int Context::Fail(const absl::Status& status) {
  std::string message(status.message());
  if (absl::IsUnavailable(status) && !address_.empty()) {
    message = absl::StrCat("cannot reach the controller at ", address_, ": ", message);
  }
  err_ << "dmctl: " << message << "\n";
  return ExitCodeFor(status);
}

}  // namespace dm::dmctl
