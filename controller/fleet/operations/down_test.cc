// dmctl down against the in-memory world: servers, DNS and the fleet's record go; other fleets
// and backups stay.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/fleet/testing/fleet_test_fixture.h"

namespace dm::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class DownTest : public FleetTest {};

TEST_F(DownTest, TheFleetGoesAndOtherFleetsStay) {
  ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 1\n  loadbalancer: 1\n")).ok());
  ASSERT_TRUE(Up(File("solo", "  dbappbalancer: 1\n")).ok());
  EventLog backup;
  ASSERT_TRUE(fleets_->Backup(ByName("shop"), backup.sink()).ok()) << backup.Text();
  EventLog log;
  ASSERT_TRUE(fleets_->Down(ByName("shop"), log.sink()).ok()) << log.Text();
  EXPECT_THAT(world_.ServerNames(), ElementsAre("solo-dbappbalancer-1"));
  EXPECT_THAT(world_.fake_dns().Addresses("www.shop.test"), IsEmpty());
  EXPECT_THAT(world_.fake_dns().Addresses("www.solo.test"),
              ElementsAre(world_.AddressOf("solo-dbappbalancer-1")));
  EXPECT_EQ(store_->GetFleet("shop").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(world_.PinnedCommit("shop"), "");
  absl::StatusOr<std::vector<dm::v1::Backup>> kept = fleets_->ListBackups(ByName("shop"));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->size(), 1u) << "backups outlive the fleet";
}

TEST_F(DownTest, AFleetAtANamedDnsProviderKeepsItsNamesThereAndDownRemovesOnlyThem) {
  FakeDns& edge = world_.named_dns("edge");
  ASSERT_TRUE(edge.EnsureZone("test").ok());
  ASSERT_TRUE(edge.SetRecord("test", {"mail.test", "A", 300, {"10.9.9.9"}}).ok());
  EventLog up;
  ASSERT_TRUE(Up(File("shop", "  dbserver: 1\n  appnode: 1\n  loadbalancer: 1\n", "main",
                      "dns: {provider: edge, zone: test}\n"),
                 &up)
                  .ok())
      << up.Text();
  const std::string lb = world_.AddressOf("shop-loadbalancer-1");
  EXPECT_THAT(edge.Addresses("www.shop.test"), ElementsAre(lb));
  EXPECT_THAT(edge.Addresses("shop.test"), ElementsAre(lb));
  EXPECT_THAT(world_.fake_dns().Addresses("www.shop.test"), IsEmpty()) << "not at local";
  absl::StatusOr<dm::v1::FleetStatusResponse> status = fleets_->Status(ByName("shop"));
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(status->dns_size(), 2) << "the fleet's own names, not the zone's others";

  EventLog log;
  ASSERT_TRUE(fleets_->Down(ByName("shop"), log.sink()).ok()) << log.Text();
  EXPECT_THAT(edge.Addresses("www.shop.test"), IsEmpty());
  EXPECT_THAT(edge.Addresses("mail.test"), ElementsAre("10.9.9.9")) << "the zone is the operator's";
}

TEST_F(DownTest, AnUnknownDnsProviderIsNamedBeforeAnythingBoots) {
  EventLog log;
  absl::Status up =
      Up(File("shop", "  dbappbalancer: 1\n", "main", "dns: {provider: nope}\n"), &log);
  EXPECT_EQ(up.code(), absl::StatusCode::kFailedPrecondition) << up;
  EXPECT_THAT(std::string(up.message()), ::testing::HasSubstr("no DNS provider 'nope'"));
  EXPECT_THAT(world_.ServerNames(), IsEmpty());
}

TEST_F(DownTest, AnUnknownFleetIsNamed) {
  EventLog log;
  absl::Status down = fleets_->Down(ByName("nothere"), log.sink());
  EXPECT_EQ(down.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(std::string(down.message()).find("no fleet 'nothere'"), std::string::npos);
}

}  // namespace
}  // namespace dm::testing
