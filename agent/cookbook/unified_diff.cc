#include "agent/cookbook/unified_diff.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace dm::cookbook {
namespace {

std::vector<absl::string_view> Lines(const std::string& text) {
  std::vector<absl::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size() - 1;
    lines.push_back(absl::string_view(text).substr(start, end - start + 1));
    start = end + 1;
  }
  return lines;
}

// One line of the edit script: ' ' kept, '-' removed, '+' added.
struct Edit {
  char op;
  absl::string_view line;
  int old_no, new_no;  // 0-based positions before this line in each text
};

// Longest-common-subsequence edit script; O(n*m), bounded by the caller.
std::vector<Edit> EditScript(const std::vector<absl::string_view>& a,
                             const std::vector<absl::string_view>& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Edit> script;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    int io = static_cast<int>(i), jo = static_cast<int>(j);
    if (i < n && j < m && a[i] == b[j]) {
      script.push_back({' ', a[i], io, jo});
      ++i, ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      script.push_back({'-', a[i], io, jo});  // removals before additions, as diff -u prints them
      ++i;
    } else {
      script.push_back({'+', b[j], io, jo});
      ++j;
    }
  }
  return script;
}

void AppendLine(std::string* out, char op, absl::string_view line) {
  out->push_back(op);
  out->append(line.data(), line.size());
  if (line.empty() || line.back() != '\n') out->append("\n\\ No newline at end of file\n");
}

}  // namespace

std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& old_label, const std::string& new_label) {
  if (before == after) return "";
  if (before.find('\0') != std::string::npos || after.find('\0') != std::string::npos) {
    return absl::StrCat("Binary content differs (", before.size(), " -> ", after.size(),
                        " bytes)\n");
  }
  std::vector<absl::string_view> a = Lines(before), b = Lines(after);
  if (static_cast<double>(a.size() + 1) * static_cast<double>(b.size() + 1) > 4e6) {
    return absl::StrCat("Content differs (", a.size(), " -> ", b.size(),
                        " lines; too large to diff)\n");
  }
  std::vector<Edit> script = EditScript(a, b);
  constexpr int kContext = 3;
  std::string out = absl::StrCat("--- ", old_label, "\n+++ ", new_label, "\n");
  const int total = static_cast<int>(script.size());
  int k = 0;
  while (k < total) {
    while (k < total && script[k].op == ' ') ++k;
    if (k == total) break;
    // A hunk: from kContext lines before this change to kContext after the last change that
    // is within 2*kContext lines of the previous one.
    int start = std::max(0, k - kContext);
    int end = k;
    for (int p = k; p < total; ++p) {
      if (script[p].op != ' ')
        end = p;
      else if (p - end > 2 * kContext)
        break;
    }
    int stop = std::min(total, end + kContext + 1);
    int old_count = 0, new_count = 0;
    for (int p = start; p < stop; ++p) {
      if (script[p].op != '+') ++old_count;
      if (script[p].op != '-') ++new_count;
    }
    int old_start = script[start].old_no + (old_count > 0 ? 1 : 0);
    int new_start = script[start].new_no + (new_count > 0 ? 1 : 0);
    absl::StrAppend(&out, "@@ -", old_start, ",", old_count, " +", new_start, ",", new_count,
                    " @@\n");
    for (int p = start; p < stop; ++p) AppendLine(&out, script[p].op, script[p].line);
    k = stop;
  }
  if (out.size() > kMaxDiffBytes) {
    size_t whole = out.size();
    size_t cut = out.rfind('\n', kMaxDiffBytes);
    out.resize(cut == std::string::npos ? kMaxDiffBytes : cut + 1);
    absl::StrAppend(&out, "... (the diff is cut here: ", whole, " bytes in all)\n");
  }
  return out;
}

}  // namespace dm::cookbook
