#include "controller/servers/cloud_init.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dm {

std::string CloudInitUserData(const HostKeyPair& host_key) {
  std::string text =
      "#cloud-config\n"
      "# Written by DeployMachine: the server's host key, known to the controller in advance.\n"
      "disable_root: false\n"
      "ssh_deletekeys: true\n"
      "ssh_genkeytypes: []\n"
      "ssh_keys:\n"
      "  ed25519_private: |\n";
  for (absl::string_view line : absl::StrSplit(host_key.private_openssh, '\n', absl::SkipEmpty()))
    absl::StrAppend(&text, "    ", line, "\n");
  absl::StrAppend(&text, "  ed25519_public: ", host_key.public_line, "\n");
  return text;
}

}  // namespace dm
