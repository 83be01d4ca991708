#include "controller/records/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/records/reasons.h"

namespace domainguard::records {
namespace {

constexpr const char* kZone = "example.com.";
constexpr const char* kMe = "web/example-com";

zone::RRset Rr(std::string name, std::string type, std::vector<std::string> values, uint32_t ttl = 300) {
  std::string full = name == "@" ? kZone : name + "." + kZone;
  return {full, type, ttl, values};
}
ObservedRRset Ours(zone::RRset r) { return {std::move(r), kMe}; }
ObservedRRset Foreign(zone::RRset r) { return {std::move(r), ""}; }
ObservedRRset Others(zone::RRset r) { return {std::move(r), "web/other"}; }
ObservedRRset Adopted(zone::RRset r) { return {std::move(r), "", true}; }

zone::DesiredZone Desired(std::vector<zone::RRset> rrsets) {
  zone::DesiredZone z;
  z.origin = kZone;
  z.rrsets = std::move(rrsets);
  std::sort(z.rrsets.begin(), z.rrsets.end(), zone::KeyLess);
  return z;
}
ObservedZone Observed(std::vector<ObservedRRset> rrsets) {
  ObservedZone z;
  z.zone = kZone;
  z.rrsets = std::move(rrsets);
  return z;
}

struct Case {
  std::string name;
  std::vector<zone::RRset> desired;
  std::vector<ObservedRRset> observed;
  OwnershipMode mode;
  std::vector<std::string> want;            // DescribeChanges
  std::vector<std::string> want_conflicts;  // reasons
};
class PlanTest : public ::testing::TestWithParam<Case> {};
TEST_P(PlanTest, Changes) {
  const Case& c = GetParam();
  Plan p = ComputePlan(Desired(c.desired), Observed(c.observed), PlanPolicy{kMe, c.mode});
  EXPECT_THAT(DescribeChanges(p.changes), ::testing::ElementsAreArray(c.want));
  std::vector<std::string> reasons;
  for (const Conflict& k : p.conflicts) reasons.push_back(k.reason);
  EXPECT_THAT(reasons, ::testing::ElementsAreArray(c.want_conflicts));
  EXPECT_EQ(p.changes.owner, kMe);
}

const auto kRecords = OwnershipMode::kRecords;
const auto kZoneMode = OwnershipMode::kZone;

INSTANTIATE_TEST_SUITE_P(
    Records, PlanTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"in_sync_writes_nothing", {Rr("www", "A", {"192.0.2.1"})}, {Ours(Rr("www", "A", {"192.0.2.1"}))}, kRecords,
         {}, {}},
        {"missing_is_created", {Rr("www", "A", {"192.0.2.1"})}, {}, kRecords,
         {"create www.example.com. A 192.0.2.1"}, {}},
        {"multi_value_rrset_one_create", {Rr("www", "A", {"192.0.2.1", "192.0.2.2", "192.0.2.3"})}, {}, kRecords,
         {"create www.example.com. A 192.0.2.1,192.0.2.2,192.0.2.3"}, {}},
        {"one_value_added_is_one_update", {Rr("www", "A", {"192.0.2.1", "192.0.2.2"})},
         {Ours(Rr("www", "A", {"192.0.2.1"}))}, kRecords,
         {"update www.example.com. A values 192.0.2.1->192.0.2.1,192.0.2.2"}, {}},
        {"ttl_change_is_one_update", {Rr("www", "A", {"192.0.2.1"}, 60)}, {Ours(Rr("www", "A", {"192.0.2.1"}, 300))},
         kRecords, {"update www.example.com. A ttl 300->60"}, {}},
        {"a_to_cname_is_delete_and_create", {Rr("www", "CNAME", {"web.example.net."})},
         {Ours(Rr("www", "A", {"192.0.2.1"}))}, kRecords,
         {"delete www.example.com. A", "create www.example.com. CNAME web.example.net."}, {}},
        {"cname_to_a_is_delete_and_create", {Rr("www", "A", {"192.0.2.1"})},
         {Ours(Rr("www", "CNAME", {"web.example.net."}))}, kRecords,
         {"delete www.example.com. CNAME", "create www.example.com. A 192.0.2.1"}, {}},
        {"cname_beside_kept_foreign_is_refused", {Rr("www", "CNAME", {"web.example.net."})},
         {Foreign(Rr("www", "A", {"192.0.2.1"}))}, kRecords, {}, {"ForeignRecordKept"}},
        {"cname_replaces_foreign_in_zone_mode", {Rr("www", "CNAME", {"web.example.net."})},
         {Foreign(Rr("www", "A", {"192.0.2.1"}))}, kZoneMode,
         {"delete www.example.com. A", "create www.example.com. CNAME web.example.net."}, {}},
        {"apex_ns_unmarked_is_ours", {Rr("@", "NS", {"ns1.a.net.", "ns1.b.net."}, 3600)},
         {Foreign(Rr("@", "NS", {"ns1.a.net."}, 3600))}, kRecords,
         {"update example.com. NS values ns1.a.net.->ns1.a.net.,ns1.b.net."}, {}},
        {"apex_ns_in_sync", {Rr("@", "NS", {"ns1.a.net."}, 3600)}, {Foreign(Rr("@", "NS", {"ns1.a.net."}, 3600))},
         kRecords, {}, {}},
        {"soa_never_touched", {}, {Foreign(Rr("@", "SOA", {"a. b. 1 2 3 4 5"})), Ours(Rr("@", "RRSIG", {"x"}))},
         kZoneMode, {}, {}},
        {"foreign_record_kept_in_records_mode", {}, {Foreign(Rr("ftp", "A", {"192.0.2.9"}))}, kRecords, {}, {}},
        {"foreign_record_pruned_in_zone_mode", {}, {Foreign(Rr("ftp", "A", {"192.0.2.9"}))}, kZoneMode,
         {"delete ftp.example.com. A"}, {}},
        {"ours_removed_from_spec_is_deleted", {}, {Ours(Rr("old", "TXT", {"\"x\""}))}, kRecords,
         {"delete old.example.com. TXT"}, {}},
        {"foreign_differing_kept_and_reported", {Rr("www", "A", {"192.0.2.1"})},
         {Foreign(Rr("www", "A", {"192.0.2.9"}))}, kRecords, {}, {"ForeignRecordKept"}},
        {"foreign_differing_overwritten_in_zone_mode", {Rr("www", "A", {"192.0.2.1"})},
         {Foreign(Rr("www", "A", {"192.0.2.9"}))}, kZoneMode,
         {"update www.example.com. A values 192.0.2.9->192.0.2.1"}, {}},
        {"foreign_identical_is_adopted_without_a_write", {Rr("www", "A", {"192.0.2.1"})},
         {Foreign(Rr("www", "A", {"192.0.2.1"}))}, kRecords, {}, {}},
        {"foreign_same_values_other_ttl_is_claimed_with_the_ttl", {Rr("www", "A", {"192.0.2.1"}, 60)},
         {Foreign(Rr("www", "A", {"192.0.2.1"}, 3600))}, kRecords, {"update www.example.com. A ttl 3600->60"}, {}},
        {"adopted_changed_in_spec_is_updated", {Rr("www", "A", {"192.0.2.2"})},
         {Adopted(Rr("www", "A", {"192.0.2.1"}))}, kRecords, {"update www.example.com. A values 192.0.2.1->192.0.2.2"},
         {}},
        {"adopted_removed_from_spec_is_deleted", {}, {Adopted(Rr("www", "A", {"192.0.2.1"}))}, kRecords,
         {"delete www.example.com. A"}, {}},
        {"adoptions_are_claimed_when_the_plan_writes_anyway",
         {Rr("www", "A", {"192.0.2.1"}), Rr("mail", "A", {"192.0.2.2"}), Rr("new", "A", {"192.0.2.3"})},
         {Foreign(Rr("www", "A", {"192.0.2.1"})), Adopted(Rr("mail", "A", {"192.0.2.2"}))}, kRecords,
         {"claim mail.example.com. A", "claim www.example.com. A", "create new.example.com. A 192.0.2.3"}, {}},
        {"every_type_is_adopted",
         {Rr("@", "MX", {"10 mx.example.com."}), Rr("@", "TXT", {"\"v=spf1 -all\""}), Rr("web", "CNAME", {"w.example.net."}),
          Rr("v6", "AAAA", {"2001:db8::1"}), Rr("_sip._tcp", "SRV", {"0 5 5060 sip.example.com."})},
         {Foreign(Rr("@", "MX", {"10 mx.example.com."})), Foreign(Rr("@", "TXT", {"\"v=spf1 -all\""})),
          Foreign(Rr("web", "CNAME", {"w.example.net."})), Foreign(Rr("v6", "AAAA", {"2001:db8::1"})),
          Foreign(Rr("_sip._tcp", "SRV", {"0 5 5060 sip.example.com."}))},
         kRecords, {}, {}},
        {"other_domains_never_touched", {Rr("www", "A", {"192.0.2.1"})},
         {Others(Rr("www", "A", {"192.0.2.9"})), Others(Rr("mail", "A", {"192.0.2.8"}))}, kZoneMode, {},
         {"ZoneConflict"}},
        {"stable_order_deletes_updates_creates",
         {Rr("b", "A", {"192.0.2.2"}), Rr("a", "A", {"192.0.2.1"}), Rr("c", "A", {"192.0.2.3"}, 60)},
         {Ours(Rr("z", "A", {"192.0.2.9"})), Ours(Rr("y", "A", {"192.0.2.8"})), Ours(Rr("c", "A", {"192.0.2.3"}))},
         kRecords,
         {"delete y.example.com. A", "delete z.example.com. A", "update c.example.com. A ttl 300->60",
          "create a.example.com. A 192.0.2.1", "create b.example.com. A 192.0.2.2"},
         {}},
    }),
    [](const auto& info) { return info.param.name; });

TEST(Plan, ForeignKeptListsThemForTheEvent) {
  Plan p = ComputePlan(Desired({}), Observed({Foreign(Rr("ftp", "A", {"192.0.2.9"}))}), {kMe, kRecords});
  ASSERT_EQ(p.foreign_kept.size(), 1u);
  EXPECT_EQ(p.foreign_kept[0].rrset.name, "ftp.example.com.");
}

TEST(Plan, AdoptionListsTheKeysAndConflictsNameBothValues) {
  Plan p = ComputePlan(Desired({Rr("www", "A", {"192.0.2.1"}), Rr("ns1", "A", {"192.0.2.10"}, 60),
                                Rr("mail", "A", {"192.0.2.5"})}),
                       Observed({Foreign(Rr("www", "A", {"192.0.2.1"})), Foreign(Rr("ns1", "A", {"192.0.2.10"}, 60)),
                                 Foreign(Rr("mail", "A", {"192.0.2.9"}))}),
                       {kMe, kRecords});
  EXPECT_TRUE(p.changes.empty());
  EXPECT_THAT(p.adopted, ::testing::ElementsAre("ns1.example.com. A", "www.example.com. A"));
  ASSERT_EQ(p.conflicts.size(), 1u);
  EXPECT_EQ(p.conflicts[0].reason, reasons::kForeignRecordKept);
  EXPECT_THAT(p.conflicts[0].message, ::testing::HasSubstr("kept 192.0.2.9, wanted 192.0.2.5"));
  EXPECT_EQ(p.conflicts[0].key, "mail.example.com. A");  // never written there: not "lost" for the serving check
}

TEST(Plan, AdoptedStaysListedUntilMarked) {
  Plan p = ComputePlan(Desired({Rr("www", "A", {"192.0.2.1"})}), Observed({Adopted(Rr("www", "A", {"192.0.2.1"}))}),
                       {kMe, kRecords});
  EXPECT_TRUE(p.changes.empty());
  EXPECT_THAT(p.adopted, ::testing::ElementsAre("www.example.com. A"));
  Plan marked = ComputePlan(Desired({Rr("www", "A", {"192.0.2.1"})}), Observed({Ours(Rr("www", "A", {"192.0.2.1"}))}),
                            {kMe, kRecords});
  EXPECT_TRUE(marked.adopted.empty());
}

TEST(Plan, SameInputSamePlan) {
  auto d = Desired({Rr("a", "A", {"192.0.2.1"}), Rr("b", "MX", {"10 mx.example.com."})});
  auto o = Observed({Ours(Rr("c", "A", {"192.0.2.1"})), Foreign(Rr("d", "A", {"192.0.2.1"}))});
  EXPECT_EQ(DescribeChanges(ComputePlan(d, o, {kMe, kZoneMode}).changes),
            DescribeChanges(ComputePlan(d, o, {kMe, kZoneMode}).changes));
}

}  // namespace
}  // namespace domainguard::records
