// Scratch files for fuzz targets whose parser reads a path (a cookbook folder, the agent's
// configuration file): one folder per process, emptied before each input.
#ifndef DM_FUZZ_SCRATCH_FILES_H_
#define DM_FUZZ_SCRATCH_FILES_H_

#include <string>
#include <utility>
#include <vector>

namespace dm::fuzz {

// The process's scratch folder, made empty.
std::string EmptyScratchDir();

// An input as several files: it starts as the file named `first`; a line "== NAME ==" starts
// the file NAME (a relative path without ".."). Lets one input hold a cookbook's recipe, its
// attributes and its templates, and lets the fuzzer mix them.
std::vector<std::pair<std::string, std::string>> SplitIntoFiles(const std::string& input,
                                                                const std::string& first);

// Writes `content` to DIR/RELATIVE, making its parent folders.
void WriteScratchFile(const std::string& dir, const std::string& relative,
                      const std::string& content);

}  // namespace dm::fuzz

#endif  // DM_FUZZ_SCRATCH_FILES_H_
