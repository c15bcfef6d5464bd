#include "dmctl/fleet_request.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"

namespace dm::dmctl {

absl::StatusOr<dm::v1::FleetRequest> FleetRequestFor(const std::string& arg) {
  dm::v1::FleetRequest request;
  bool looks_like_file =
      absl::StrContains(arg, "/") || absl::EndsWith(arg, ".yaml") || absl::EndsWith(arg, ".yml");
  if (!looks_like_file && ::access(arg.c_str(), F_OK) != 0) {
    request.set_name(arg);
    return request;
  }
  absl::StatusOr<std::string> text = ReadFile(arg);
  if (!text.ok())
    return absl::NotFoundError(
        absl::StrCat("cannot read the fleet file ", arg, ": ", text.status().message()));
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(arg, ec);
  request.set_file_path(ec ? arg : absolute.lexically_normal().string());
  request.set_file_text(*text);
  return request;
}

}  // namespace dm::dmctl
