#include "dmctl/output/table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace dm::dmctl {
namespace {

TEST(TableTest, AlignsColumnsWithoutTrailingSpaces) {
  Table table({"NAME", "STATE"});
  table.AddRow({"web-1", "connected"});
  table.AddRow({"db", ""});
  std::ostringstream out;
  table.Print(out);
  EXPECT_EQ(out.str(),
            "NAME    STATE\n"
            "web-1   connected\n"
            "db\n");
}

}  // namespace
}  // namespace dm::dmctl
