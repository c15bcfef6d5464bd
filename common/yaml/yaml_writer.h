// Writes the small YAML files DeployMachine keeps for itself (dmctl.yaml, an agent's
// identity): a comment and a flat map of text values, each double-quoted so that any text reads
// back exactly as it was written (yaml::Parse).
#ifndef DM_COMMON_YAML_YAML_WRITER_H_
#define DM_COMMON_YAML_YAML_WRITER_H_

#include <string>
#include <utility>
#include <vector>

namespace dm::yaml {

// `text` as a double-quoted YAML scalar: quotes, backslashes and control characters escaped.
std::string Quote(const std::string& text);

// "# COMMENT\nKEY: \"VALUE\"\n..." (no comment line when `comment` is empty). Keys are written
// as they are: callers use plain words.
std::string FlatMap(const std::string& comment,
                    const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace dm::yaml

#endif  // DM_COMMON_YAML_YAML_WRITER_H_
