// Human-readable output: aligned columns with a header, like kubectl and nomad print them.
#ifndef DM_DMCTL_OUTPUT_TABLE_H_
#define DM_DMCTL_OUTPUT_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

namespace dm::dmctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns padded to their widest cell, separated by three spaces; no trailing spaces.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace dm::dmctl

#endif  // DM_DMCTL_OUTPUT_TABLE_H_
