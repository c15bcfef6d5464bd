// Unified diffs (as `diff -u` prints them) for dry runs and reports.
#ifndef DM_AGENT_COOKBOOK_UNIFIED_DIFF_H_
#define DM_AGENT_COOKBOOK_UNIFIED_DIFF_H_

#include <string>

namespace dm::cookbook {

// The diff from `before` to `after` with three lines of context, headed `--- old_label` and
// `+++ new_label`; "" when they are equal. Texts too large to compare line by line (over
// ~4 million line pairs) or not text get a one-line summary instead.
std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& old_label, const std::string& new_label);

}  // namespace dm::cookbook

#endif  // DM_AGENT_COOKBOOK_UNIFIED_DIFF_H_
