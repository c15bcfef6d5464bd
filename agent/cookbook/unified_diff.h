// Unified diffs (as `diff -u` prints them) for dry runs and reports.
#ifndef DM_AGENT_COOKBOOK_UNIFIED_DIFF_H_
#define DM_AGENT_COOKBOOK_UNIFIED_DIFF_H_

#include <string>

namespace dm::cookbook {

// The longest diff shown: past it, a diff is cut at a line's end with a note of its whole size.
// Reports carry diffs to the controller, and a 1 MiB generated file's diff helps nobody whole.
inline constexpr size_t kMaxDiffBytes = 64 << 10;

// The diff from `before` to `after` with three lines of context, headed `--- old_label` and
// `+++ new_label`; "" when they are equal. Texts too large to compare line by line (over
// ~4 million line pairs) or not text get a one-line summary instead; longer diffs are cut at
// kMaxDiffBytes.
std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& old_label, const std::string& new_label);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_UNIFIED_DIFF_H_
