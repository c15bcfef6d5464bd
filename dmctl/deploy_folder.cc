#include "dmctl/deploy_folder.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/bundle/bundle.h"
#include "common/status_macros.h"

namespace dm::dmctl {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBatchBytes = 8u << 20;  // per PutBlobs call, well under the RPC's limit

bool IsDeployFolder(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir / "roles", ec);
}

}  // namespace

std::string FindDeployFolder(const std::string& fleet_file, const std::string& flag) {
  if (!flag.empty()) return flag;
  std::error_code ec;
  fs::path dir = fs::absolute(fleet_file, ec).parent_path();
  if (ec) return "";
  for (;;) {
    if (IsDeployFolder(dir)) return dir.string();
    if (IsDeployFolder(dir / "deploy")) return (dir / "deploy").string();
    if (dir == dir.root_path() || dir.parent_path() == dir) return "";
    dir = dir.parent_path();
  }
}

absl::Status AttachDeployFolder(AdminClient* admin, const std::string& folder,
                                dm::v1::FleetRequest* request, int* sent) {
  absl::StatusOr<std::shared_ptr<const Bundle>> bundle = BuildBundle(folder);
  if (!bundle.ok()) {
    return absl::Status(bundle.status().code(),
                        absl::StrCat("deploy folder ", folder, ": ", bundle.status().message()));
  }
  dm::v1::MissingBlobsRequest ask;
  for (const auto& [sha, content] : (*bundle)->blobs) ask.add_sha256(sha);
  DM_ASSIGN_OR_RETURN(dm::v1::MissingBlobsResponse missing, admin->MissingBlobs(ask));
  dm::v1::PutBlobsRequest batch;
  size_t batch_bytes = 0;
  auto flush = [&]() -> absl::Status {
    if (batch.blobs_size() == 0) return absl::OkStatus();
    DM_RETURN_IF_ERROR(admin->PutBlobs(batch).status());
    batch.Clear();
    batch_bytes = 0;
    return absl::OkStatus();
  };
  for (const std::string& sha : missing.sha256()) {
    auto blob = (*bundle)->blobs.find(sha);
    if (blob == (*bundle)->blobs.end()) continue;
    if (batch_bytes + blob->second.size() > kBatchBytes) DM_RETURN_IF_ERROR(flush());
    dm::v1::Blob* b = batch.add_blobs();
    b->set_sha256(sha);
    b->set_data(blob->second);
    batch_bytes += blob->second.size();
  }
  DM_RETURN_IF_ERROR(flush());
  if (sent != nullptr) *sent = missing.sha256_size();
  request->clear_deploy_files();
  for (const dm::v1::BundleFile& f : (*bundle)->files) *request->add_deploy_files() = f;
  return absl::OkStatus();
}

}  // namespace dm::dmctl
