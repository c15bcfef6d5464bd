#include "tests/harness/test_network.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "absl/strings/str_cat.h"

namespace dm::testing {
namespace {

constexpr int kFirstOctet = 20;
constexpr int kOctets = 200;
constexpr char kLockDir[] = "/tmp/dm-test-networks";

}  // namespace

TestNetwork::TestNetwork() {
  ::mkdir(kLockDir, 0755);  // may exist; open() below reports any real problem
  // Start at a random octet so that parallel tests rarely try the same locks first.
  int start = static_cast<int>(std::random_device{}() % kOctets);
  for (int i = 0; i < kOctets; ++i) {
    int octet = kFirstOctet + (start + i) % kOctets;
    std::string lock = absl::StrCat(kLockDir, "/", octet, ".lock");
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      continue;
    }
    lock_fd_ = fd;
    bridge_ = absl::StrCat("dmt", octet);
    subnet_ = absl::StrCat("10.231.", octet);
    return;
  }
  std::fprintf(stderr, "no free test network under %s: are old tests still running?\n", kLockDir);
  std::abort();
}

TestNetwork::~TestNetwork() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace dm::testing
