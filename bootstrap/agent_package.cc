#include "bootstrap/agent_package.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "bootstrap/agent_unit.h"
#include "common/files.h"
#include "common/process.h"
#include "common/tls/digest.h"
#include "common/version.h"

namespace dm {
namespace {}  // namespace

absl::StatusOr<AgentPackage> BuildAgentPackage(const std::string& agent_binary,
                                               const std::string& out_dir) {
  absl::StatusOr<std::string> binary = ReadFile(agent_binary);
  if (!binary.ok()) return binary.status();
  AgentPackage package;
  package.version = absl::StrCat(kVersion, "+", Sha256Hex(*binary + kAgentUnit).substr(0, 12));
  package.path = absl::StrCat(out_dir, "/dm-agent_", package.version, "_amd64.deb");
  if (!PathExists(package.path)) {
    std::string stage = absl::StrCat(out_dir, "/stage.", ::getpid());
    std::error_code ec;
    std::filesystem::remove_all(stage, ec);
    if (absl::Status s = MakeDirectories(stage + "/DEBIAN", 0755); !s.ok()) return s;
    if (absl::Status s = MakeDirectories(stage + "/usr/bin", 0755); !s.ok()) return s;
    if (absl::Status s = MakeDirectories(stage + "/lib/systemd/system", 0755); !s.ok()) return s;
    std::string control =
        absl::StrCat("Package: dm-agent\nVersion: ", package.version,
                     "\nArchitecture: amd64\nMaintainer: DeployMachine <root@localhost>\n"
                     "Depends: libc6, libstdc++6, libspdlog1.10, libfmt9, libre2-9\nSection: "
                     "admin\nPriority: optional\n"
                     "Description: DeployMachine host agent\n The agent that enrolls with a "
                     "DeployMachine controller and converges this host.\n");
    if (absl::Status s = WriteFileAtomic(stage + "/DEBIAN/control", control, 0644); !s.ok())
      return s;
    if (absl::Status s =
            WriteFileAtomic(stage + "/lib/systemd/system/dm-agent.service", kAgentUnit, 0644);
        !s.ok())
      return s;
    // Debug information is most of the build's binary; hosts do not need it.
    if (absl::Status s =
            RunChecked({"strip", "--strip-all", "-o", stage + "/usr/bin/dm-agent", agent_binary})
                .status();
        !s.ok())
      return s;
    ::chmod((stage + "/usr/bin/dm-agent").c_str(), 0755);
    absl::Status built = RunChecked({"dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage,
                                     package.path + ".tmp"})
                             .status();
    if (built.ok() && ::rename((package.path + ".tmp").c_str(), package.path.c_str()) != 0) {
      built = ErrnoStatus("rename", package.path, errno);
    }
    std::filesystem::remove_all(stage, ec);
    if (!built.ok()) return built;
  }
  absl::StatusOr<std::string> content = ReadFile(package.path);
  if (!content.ok()) return content.status();
  package.content = std::move(*content);
  return package;
}

}  // namespace dm
