// The Debian 12 root filesystem every local server boots from (read-only, under each server's
// overlay): a minbase debootstrap from the Debian mirror in this machine's apt sources, with
// systemd, sshd and what a fresh cloud image has. Built once and kept outside the repository;
// a change to the recipe below (packages, suite, mirror) builds a new one beside it.
#ifndef DM_CONTROLLER_PROVIDERS_LOCAL_BASE_IMAGE_H_
#define DM_CONTROLLER_PROVIDERS_LOCAL_BASE_IMAGE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "controller/providers/cloud_provider.h"

namespace dm::local {

// The Debian release local servers run.
inline constexpr char kDebianSuite[] = "bookworm";

struct DebianMirrors {
  std::string archive;   // "http://deb.debian.org/debian"
  std::string security;  // "http://deb.debian.org/debian-security" ("" if the host has none)
};

// The mirrors in this machine's apt sources (sources.list and deb822 .sources files).
absl::StatusOr<DebianMirrors> HostDebianMirrors();

// The image's root folder under `cache_dir`, built first if needed (about a minute). Safe to call
// from several processes at once: one builds, the others wait.
absl::StatusOr<std::string> EnsureBaseImage(const std::string& cache_dir,
                                            const DebianMirrors& mirrors,
                                            const ProgressFn& progress);

}  // namespace dm::local

#endif  // DM_CONTROLLER_PROVIDERS_LOCAL_BASE_IMAGE_H_
