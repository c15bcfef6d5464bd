#include "agent/cookbook/unified_diff.h"

#include <gtest/gtest.h>

namespace dm::cookbook {
namespace {

TEST(UnifiedDiffTest, EqualTextsHaveNoDiff) { EXPECT_EQ(UnifiedDiff("a\n", "a\n", "x", "x"), ""); }

TEST(UnifiedDiffTest, HunksKeepThreeLinesOfContextAndSplitWhenFarApart) {
  std::string before, after;
  for (int i = 1; i <= 20; ++i) {
    before += std::to_string(i) + "\n";
    after += (i == 2 ? "two" : i == 18 ? "eighteen" : std::to_string(i)) + "\n";
  }
  EXPECT_EQ(UnifiedDiff(before, after, "a", "b"),
            "--- a\n+++ b\n"
            "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
            "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n");
}

TEST(UnifiedDiffTest, NewFileAndMissingFinalNewline) {
  EXPECT_EQ(UnifiedDiff("", "x\ny", "/dev/null", "f"),
            "--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n");
}

TEST(UnifiedDiffTest, BinaryContentIsSummarised) {
  EXPECT_EQ(UnifiedDiff(std::string("a\0b", 3), "ab", "x", "y"),
            "Binary content differs (3 -> 2 bytes)\n");
}

}  // namespace
}  // namespace dm::cookbook

namespace dm::cookbook {
namespace {

TEST(UnifiedDiffTest, ALongDiffIsCutAtALineWithItsWholeSize) {
  std::string after;
  for (int i = 0; i < 20000; ++i) after += "line " + std::to_string(i) + "\n";
  std::string diff = UnifiedDiff("", after, "/dev/null", "big");
  EXPECT_LE(diff.size(), kMaxDiffBytes + 100);
  EXPECT_NE(diff.find("+line 0\n"), std::string::npos);
  EXPECT_NE(diff.find("\n... (the diff is cut here: "), std::string::npos) << diff.substr(0, 200);
  EXPECT_EQ(diff.find("+line 19999"), std::string::npos);
}

}  // namespace
}  // namespace dm::cookbook
