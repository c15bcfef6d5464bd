// From per-value records to record sets and back: what is added, retimed and removed.
#include "controller/providers/dns/record_set_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dm {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

DnsRecord Wanted(std::vector<std::string> values, int ttl = 300) {
  DnsRecord r;
  r.name = "shop.example";
  r.type = "A";
  r.ttl = ttl;
  r.values = std::move(values);
  return r;
}

TEST(RecordSetPlanTest, AddsWhatIsMissingRetimesWhatIsKeptRemovesTheRest) {
  std::vector<HostedRecord> existing = {{"1", "shop.example", "A", 300, "10.0.0.1"},
                                        {"2", "shop.example", "A", 60, "10.0.0.2"},
                                        {"3", "shop.example", "A", 300, "10.0.0.3"}};
  RecordSetPlan plan = PlanRecordSet(existing, Wanted({"10.0.0.1", "10.0.0.2", "10.0.0.4"}));
  EXPECT_THAT(plan.create, ElementsAre("10.0.0.4"));
  EXPECT_THAT(plan.retime, ElementsAre("2"));
  EXPECT_THAT(plan.remove, ElementsAre("3"));
}

TEST(RecordSetPlanTest, ASetThatIsThereAlreadyNeedsNothing) {
  std::vector<HostedRecord> existing = {{"1", "shop.example", "A", 300, "10.0.0.1"}};
  EXPECT_TRUE(PlanRecordSet(existing, Wanted({"10.0.0.1"})).empty());
}

TEST(RecordSetPlanTest, TwinsAreRemovedButOneIsKept) {
  std::vector<HostedRecord> existing = {{"1", "shop.example", "A", 300, "10.0.0.1"},
                                        {"2", "shop.example", "A", 300, "10.0.0.1"}};
  RecordSetPlan plan = PlanRecordSet(existing, Wanted({"10.0.0.1"}));
  EXPECT_THAT(plan.create, IsEmpty());
  EXPECT_THAT(plan.remove, ElementsAre("2"));
}

TEST(RecordSetPlanTest, NothingWantedRemovesEverything) {
  std::vector<HostedRecord> existing = {{"1", "shop.example", "A", 300, "10.0.0.1"}};
  RecordSetPlan plan = PlanRecordSet(existing, Wanted({}));
  EXPECT_THAT(plan.remove, ElementsAre("1"));
}

TEST(RecordSetPlanTest, RecordsAreGroupedIntoSortedSets) {
  std::vector<DnsRecord> sets = GroupRecordSets({{"1", "www.shop.example", "A", 300, "10.0.0.2"},
                                                 {"2", "shop.example", "TXT", 300, "hello"},
                                                 {"3", "www.shop.example", "A", 120, "10.0.0.1"}});
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].name, "shop.example");
  EXPECT_EQ(sets[1].ttl, 120);
  EXPECT_THAT(sets[1].values, ElementsAre("10.0.0.1", "10.0.0.2"));
}

TEST(RecordSetPlanTest, TxtQuotesAreTakenOff) {
  EXPECT_EQ(UnquotedTxt("\"v=spf1 -all\""), "v=spf1 -all");
  EXPECT_EQ(UnquotedTxt("\"a \\\"b\\\" c\""), "a \"b\" c");
  EXPECT_EQ(UnquotedTxt("plain"), "plain");
}

}  // namespace
}  // namespace dm
