// A fresh directory under /tmp for one test (or one command), removed with everything in it
// when it goes, unless the test asked to keep it for inspection (a failed test's logs).
#ifndef DM_COMMON_TEMP_DIR_H_
#define DM_COMMON_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace dm {

class TempDir {
 public:
  // /tmp/PREFIX-XXXXXX: the prefix says whose it is when one is left behind.
  explicit TempDir(const std::string& prefix = "dm-test") {
    std::string pattern = "/tmp/" + prefix + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) std::perror("mkdtemp");
    path_ = pattern;
  }
  ~TempDir() {
    if (keep_) {
      std::fprintf(stderr, "kept %s for inspection\n", path_.c_str());
      return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // "PATH/relative"
  std::string Path(const std::string& relative) const { return path_ + "/" + relative; }
  // Leaves the directory in place when this goes (and says where).
  void Keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

}  // namespace dm

#endif  // DM_COMMON_TEMP_DIR_H_
