#include "controller/failover/assess.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/api/testing/counting_spec_reader.h"

namespace domainguard::failover {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

json Dom(const std::string& zone, json providers, json status) {
  return {{"metadata", {{"name", zone.substr(0, zone.find('.'))}}},
          {"spec", {{"zone", zone}, {"providers", std::move(providers)}}},
          {"status", std::move(status)}};
}
json Provs(std::initializer_list<const char*> names) {
  json out = json::array();
  for (const char* n : names) out.push_back({{"name", n}});
  return out;
}
json Ns(std::initializer_list<const char*> names) {
  json out = json::array();
  for (const char* n : names) out.push_back({{"name", n}});
  return {{"nameservers", out}};
}

TEST(CriticalTriggers, OnlyCriticalAndNamed) {
  json d = Dom("a.test", Provs({"p"}), {{"findings", {{{"reason", "DelegationMissing"}, {"severity", "Critical"}, {"message", "gone"}},
                                                     {{"reason", "NameserversChanged"}, {"severity", "Warning"}},
                                                     {{"reason", "GlueMissing"}, {"severity", "Critical"}}}}});
  std::vector<TriggerFinding> got = CriticalTriggers(d, api::DefaultTriggers());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason, "DelegationMissing");
  EXPECT_EQ(got[0].message, "gone");
  EXPECT_FALSE(NoCriticalFinding(d));
  EXPECT_TRUE(NoCriticalFinding(Dom("a.test", Provs({"p"}), json::object())));
}

json Cond(const char* type, const char* status, const char* reason = "R") {
  return {{"type", type}, {"status", status}, {"reason", reason}, {"message", ""}};
}

TEST(AssessBackup, MissingUnreportedUnhealthyHealthy) {
  EXPECT_FALSE(AssessBackup(std::nullopt, "b.sm.").healthy);
  EXPECT_THAT(AssessBackup(std::nullopt, "b.sm.").problem, ::testing::HasSubstr("no Domain for zone b.sm."));
  json unreported = Dom("b.sm", Provs({"c"}), json::object());
  EXPECT_FALSE(AssessBackup(unreported, "b.sm.").healthy);
  json lost = Dom("b.sm", Provs({"c"}), {{"conditions", {Cond("RegistrationHealthy", "True"),
                                                          Cond("DelegationHealthy", "False", "DelegationMissing")}}});
  EXPECT_THAT(AssessBackup(lost, "b.sm.").problem, ::testing::HasSubstr("DelegationHealthy False DelegationMissing"));
  json ok = Dom("b.sm", Provs({"c"}), {{"conditions", {Cond("RegistrationHealthy", "True"),
                                                        Cond("DelegationHealthy", "True")}}});
  EXPECT_TRUE(AssessBackup(ok, "b.sm.").healthy);
}

TEST(SharedWithBackup, IndependentSharesNothing) {
  json p = Dom("shop.test", Provs({"pdns-a", "pdns-b"}),
               {{"delegation", Ns({"ns1.pdns-a.net.", "ns1.pdns-b.net."})}, {"dependsOn", {"pdns-a.net", "pdns-b.net"}},
                {"registration", {{"registrarIANAID", "1"}}}});
  json b = Dom("backup.sm", Provs({"bind-c"}),
               {{"delegation", Ns({"ns1.bind-c.net."})}, {"dependsOn", {"bind-c.net"}},
                {"registration", {{"registrarIANAID", "2"}}}});
  EXPECT_THAT(SharedWithBackup(p, b, api::DefaultSpecReader()), IsEmpty());
}

TEST(SharedWithBackup, NamesEverythingShared) {
  json p = Dom("shop.test", Provs({"pdns-a", "pdns-b"}),
               {{"delegation", Ns({"ns1.pdns-a.net.", "ns1.pdns-b.net."})}, {"dependsOn", {"pdns-a.net", "pdns-b.net"}},
                {"registration", {{"registrarIANAID", "292"}}}});
  json b = Dom("backup.test", Provs({"pdns-a"}),
               {{"delegation", Ns({"ns1.pdns-a.net."})}, {"dependsOn", {"pdns-a.net"}},
                {"registration", {{"registrarIANAID", "292"}}}});
  EXPECT_THAT(SharedWithBackup(p, b, api::DefaultSpecReader()),
              ElementsAre("registrar IANA ID 292", "TLD .test", "name server ns1.pdns-a.net.",
                          "zone pdns-a.net. hosting name servers of both", "every DNS provider (pdns-a)"));
}

// The comparison reads each Domain's spec once (it read each three times: zone, nameservers, providers).
TEST(SharedWithBackup, ReadsEachSpecOnce) {
  json p = Dom("shop.test", Provs({"a"}), json::object());
  json b = Dom("backup.sm", Provs({"a"}), json::object());
  api::testing::CountingSpecReader specs;
  EXPECT_THAT(SharedWithBackup(p, b, specs), ElementsAre("every DNS provider (a)"));
  EXPECT_EQ(specs.reads(), 2u);
}

TEST(SharedWithBackup, BackupNameServersInsideThePrimary) {
  json p = Dom("shop.test", Provs({"a"}), json::object());
  json b = Dom("backup.sm", Provs({"b"}), {{"delegation", Ns({"ns1.shop.test."})}});
  EXPECT_THAT(SharedWithBackup(p, b, api::DefaultSpecReader()),
              ElementsAre("zone shop.test. hosting name servers of both"));
}

}  // namespace
}  // namespace domainguard::failover
