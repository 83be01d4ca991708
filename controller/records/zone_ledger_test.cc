#include "controller/records/zone_ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::records {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ZoneLedger, KeepsCurrentAndRecentSerialsPerProvider) {
  FakeClock clock;
  ZoneLedger ledger(clock, std::chrono::seconds(60));
  EXPECT_THAT(ledger.Facts("web/a"), IsEmpty());
  ledger.Record("web/a", "pdns-a", 2026120601u, {});
  ledger.Record("web/a", "bind", 7u, {"www.a.test. A"});
  ledger.Record("web/a", "pdns-a", 2026120602u, {});
  std::vector<ProviderZoneFacts> f = ledger.Facts("web/a");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0], (ProviderZoneFacts{"bind", 7u, {}, {"www.a.test. A"}}));
  EXPECT_EQ(f[1], (ProviderZoneFacts{"pdns-a", 2026120602u, {2026120601u}, {}}));
  // An unreadable provider keeps its serial.
  ledger.Record("web/a", "pdns-a", std::nullopt, {"mx.a.test. MX"});
  EXPECT_EQ(ledger.Facts("web/a")[1].serial, 2026120602u);
  EXPECT_THAT(ledger.Facts("web/a")[1].pending, ElementsAre("mx.a.test. MX"));
  // The old serial stops counting as recent after the window.
  clock.Advance(std::chrono::seconds(61));
  EXPECT_THAT(ledger.Facts("web/a")[1].recent_serials, IsEmpty());
  ledger.Retain("web/a", {"pdns-a"});
  EXPECT_EQ(ledger.Facts("web/a").size(), 1u);
  ledger.Forget("web/a");
  EXPECT_THAT(ledger.Facts("web/a"), IsEmpty());
}

TEST(ZoneLedger, RepairRequestsReachTheHandler) {
  FakeClock clock;
  ZoneLedger ledger(clock);
  EXPECT_FALSE(ledger.RequestRepair("web/a", "no handler yet"));
  std::vector<std::string> asked;
  ledger.SetRepairHandler([&](const std::string& key, const std::string& why) { asked.push_back(key + ": " + why); });
  EXPECT_TRUE(ledger.RequestRepair("web/a", "www.a.test. A missing at ns1.pdns-a.net. (127.53.1.1)"));
  EXPECT_THAT(asked, ElementsAre("web/a: www.a.test. A missing at ns1.pdns-a.net. (127.53.1.1)"));
}

}  // namespace
}  // namespace domainguard::records
