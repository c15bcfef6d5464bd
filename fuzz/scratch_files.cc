#include "fuzz/scratch_files.h"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

namespace dm::fuzz {

std::string EmptyScratchDir() {
  // Never destroyed: the exit handler below still needs it after static destructors ran.
  static const std::string* dir = [] {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/dm-fuzz.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    // Removed at a normal exit; a finding's abort leaves it, with the files that made it.
    std::atexit([] { std::filesystem::remove_all(*dir); });
    return new std::string(pattern);
  }();
  for (const auto& entry : std::filesystem::directory_iterator(*dir))
    std::filesystem::remove_all(entry.path());
  return *dir;
}

std::vector<std::pair<std::string, std::string>> SplitIntoFiles(const std::string& input,
                                                                const std::string& first) {
  std::vector<std::pair<std::string, std::string>> files{{first, ""}};
  size_t pos = 0;
  while (pos < input.size()) {
    size_t end = input.find('\n', pos);
    std::string line = input.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? input.size() : end + 1;
    if (line.size() > 6 && line.compare(0, 3, "== ") == 0 &&
        line.compare(line.size() - 3, 3, " ==") == 0) {
      std::string name = line.substr(3, line.size() - 6);
      // The fuzzer's own files stay inside the scratch folder.
      if (!name.empty() && name[0] != '/' && name.find("..") == std::string::npos &&
          name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-./") == std::string::npos) {
        files.emplace_back(name, "");
        continue;
      }
    }
    files.back().second += line;
    if (end != std::string::npos) files.back().second += '\n';
  }
  return files;
}

void WriteScratchFile(const std::string& dir, const std::string& relative,
                      const std::string& content) {
  std::filesystem::path path = std::filesystem::path(dir) / relative;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

}  // namespace dm::fuzz
