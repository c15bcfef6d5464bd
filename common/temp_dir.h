// A fresh directory under /tmp for one test, removed with everything in it when it goes.
#ifndef DM_COMMON_TEMP_DIR_H_
#define DM_COMMON_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace dm {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/dm-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace dm

#endif  // DM_COMMON_TEMP_DIR_H_
