// ExtraRecords (what the backup Domain must serve for the siblings pointing at it) and its merge into the desired
// zone through domain::BuildDomainZone: the seam between the failover controller and the records controller.
#include "controller/failover/failover_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"
#include "controller/failover/sibling.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/kube/client.h"

namespace domainguard::failover {
namespace {

using nlohmann::json;

json Domain(const std::string& ns, const std::string& name, const std::string& zone, const std::string& uid,
            const std::string& failover = "") {
  json d = {{"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}, {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
            {"spec", {{"zone", zone}, {"providers", {{{"name", "bind-c"}}}},
                      {"nameservers", {{{"name", "ns1.bind-c.net."}}}}}}};
  if (!failover.empty()) d["spec"]["failover"] = {{"domain", failover}};
  return d;
}

json Ingress(const std::string& ns, const std::string& name, std::vector<std::string> hosts, const std::string& ip) {
  json rules = json::array();
  for (const std::string& h : hosts) rules.push_back({{"host", h}});
  json i = {{"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"failover", "true"}}}}},
            {"spec", {{"rules", rules}}}};
  if (!ip.empty()) i["status"] = {{"loadBalancer", {{"ingress", {{{"ip", ip}}}}}}};
  return i;
}

class ExtraRecordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    domains_.AddIndex(domain::kZoneIndex, domain::ZoneIndexValues);
    domains_.Upsert(primary_);
    domains_.Upsert(backup_);
    ingresses_.Upsert(original_);
    ingresses_.Upsert(RenderIngressSibling(original_, primary_, "shop-backup.sm.")->object);
  }
  json primary_ = Domain("web", "shop", "shop.test", "u-1", "shop-backup.sm");
  json backup_ = Domain("web", "backup", "shop-backup.sm", "u-2");
  json original_ = Ingress("web", "web", {"app.shop.test", "api.shop.test"}, "192.0.2.80");
  kube::Store domains_;
  kube::Store ingresses_;
};

TEST_F(ExtraRecordsTest, SiblingHostsPointAtTheOriginalsLoadBalancer) {
  std::vector<json> got = ExtraRecords(backup_, domains_, FailoverStores{ingresses_});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], json({{"name", "api.shop-backup.sm."}, {"type", "A"}, {"ttl", 60}, {"values", {"192.0.2.80"}}}));
  EXPECT_EQ(got[1]["name"], "app.shop-backup.sm.");
  // The primary itself gets nothing; neither does a Domain of another namespace with the same zone.
  EXPECT_TRUE(ExtraRecords(primary_, domains_, FailoverStores{ingresses_}).empty());
  EXPECT_TRUE(ExtraRecords(Domain("other", "backup", "shop-backup.sm", "u-9"), domains_, FailoverStores{ingresses_})
                  .empty());
}

TEST_F(ExtraRecordsTest, NoLoadBalancerNoRecords) {
  ingresses_.Upsert(Ingress("web", "web", {"app.shop.test"}, ""));
  EXPECT_TRUE(ExtraRecords(backup_, domains_, FailoverStores{ingresses_}).empty());
}

TEST_F(ExtraRecordsTest, ASiblingNotOwnedByAFailoverDomainServesNothing) {
  // An Ingress written by hand to look like a sibling of a Domain that does not name this zone.
  domains_.Upsert(Domain("web", "x", "x.test", "u-3", "other-backup.sm"));
  json forged = RenderIngressSibling(original_, Domain("web", "x", "shop.test", "u-3"), "shop-backup.sm.")->object;
  forged["metadata"]["name"] = "forged";
  forged["spec"]["rules"] = {{{"host", "evil.shop-backup.sm"}}};
  ingresses_.Upsert(forged);
  std::vector<json> got = ExtraRecords(backup_, domains_, FailoverStores{ingresses_});
  for (const json& r : got) EXPECT_NE(r["name"], "evil.shop-backup.sm.");
  // Nor once the primary no longer names the zone (spec.failover removed).
  domains_.Upsert(Domain("web", "shop", "shop.test", "u-1"));
  EXPECT_TRUE(ExtraRecords(backup_, domains_, FailoverStores{ingresses_}).empty());
}

TEST_F(ExtraRecordsTest, MergedIntoTheBackupZoneButNeverBreakingIt) {
  http::FakeTransport transport;
  FakeClock clock;
  kube::Client client(transport, kube::RestConfig{"https://127.0.0.1:1", {}, "", "", "default"}, clock);
  std::vector<json> extra = ExtraRecords(backup_, domains_, FailoverStores{ingresses_});
  Result<zone::DesiredZone> z = domain::BuildDomainZone(backup_, {}, client, nullptr, extra);
  ASSERT_TRUE(z.ok()) << z.error().message;
  EXPECT_NE(z->Find("app.shop-backup.sm.", "A"), nullptr);
  EXPECT_NE(z->Find("api.shop-backup.sm.", "A"), nullptr);
  // The user's own CNAME at the same name: the zone is built without the failover records, and says so.
  json own = backup_;
  own["spec"]["records"] = {{{"name", "app"}, {"type", "CNAME"}, {"values", {"elsewhere.example."}}}};
  Result<zone::DesiredZone> kept = domain::BuildDomainZone(own, {}, client, nullptr, extra);
  ASSERT_TRUE(kept.ok()) << kept.error().message;
  EXPECT_EQ(kept->Find("app.shop-backup.sm.", "A"), nullptr);
  EXPECT_NE(kept->Find("app.shop-backup.sm.", "CNAME"), nullptr);
  ASSERT_FALSE(kept->notes.empty());
  EXPECT_THAT(kept->notes.back(), ::testing::HasSubstr("failover records left out"));
}

TEST(PrimariesOfBackup, FromTheIndexSameNamespaceOnly) {
  kube::Store domains;
  domains.AddIndex(kFailoverZoneIndex, FailoverZoneIndexValues);
  domains.Upsert(Domain("web", "shop", "shop.test", "u-1", "B.sm"));
  domains.Upsert(Domain("web", "other", "other.test", "u-2", "c.sm"));
  domains.Upsert(Domain("ops", "shop", "shop.test", "u-3", "b.sm"));
  EXPECT_EQ(PrimariesOfBackup(domains, Domain("web", "backup", "b.sm", "u-4")), std::vector<std::string>{"web/shop"});
  EXPECT_TRUE(PrimariesOfBackup(domains, Domain("web", "x", "x.sm", "u-5")).empty());
}

TEST(PrimaryDomainsOfNamespace, SiblingMapsToItsPrimaryOthersToEveryFailoverDomain) {
  kube::Store domains;
  domains.Upsert(Domain("web", "shop", "shop.test", "u-1", "b.sm"));
  domains.Upsert(Domain("web", "plain", "plain.test", "u-2"));
  domains.Upsert(Domain("other", "shop", "shop.test", "u-3", "b.sm"));
  json ing = Ingress("web", "web", {"app.shop.test"}, "");
  EXPECT_EQ(PrimaryDomainsOfNamespace(domains, ing), std::vector<std::string>{"web/shop"});
  json sib = RenderIngressSibling(ing, Domain("web", "shop", "shop.test", "u-1"), "b.sm.")->object;
  EXPECT_EQ(PrimaryDomainsOfNamespace(domains, sib), std::vector<std::string>{"web/shop"});
}

// The add and update filters of domain-failover: a Domain with no spec.failover and nothing of failover's in its
// status is not parsed by it; anything failover wrote, or a spec.failover (valid or not), is work.
TEST(ConcernsFailover, SpecOrWhatFailoverLeftInStatus) {
  struct Case {
    const char* name;
    json spec_failover;  // null: no spec.failover key
    json status;         // null: no status
    bool concerns;
  };
  const json active = {{"type", "FailoverActive"}, {"status", "False"}, {"reason", "Standby"}};
  const json other = {{"type", "RecordsSynced"}, {"status", "True"}, {"reason", "Synced"}};
  const std::vector<Case> cases = {
      {"plain new Domain", nullptr, nullptr, false},
      {"plain, other conditions and findings", nullptr,
       {{"conditions", json::array({other})}, {"findings", json::array({{{"reason", "NoAlertChannel"}}})}}, false},
      {"spec.failover", {{"domain", "b.sm"}}, nullptr, true},
      {"spec.failover invalid (not an object)", "b.sm", nullptr, true},
      {"spec.failover without a domain", json::object(), nullptr, true},
      {"status.failover left", nullptr, {{"failover", {{"state", "Standby"}}}}, true},
      {"FailoverActive left", nullptr, {{"conditions", json::array({other, active})}}, true},
      {"FailoverNotIndependent left", nullptr,
       {{"findings", json::array({{{"reason", "FailoverNotIndependent"}, {"severity", "Warning"}}})}}, true},
  };
  for (const Case& c : cases) {
    json d = Domain("web", "shop", "shop.test", "u-1");
    if (!c.spec_failover.is_null()) d["spec"]["failover"] = c.spec_failover;
    if (!c.status.is_null()) d["status"] = c.status;
    EXPECT_EQ(ConcernsFailover(d), c.concerns) << c.name;
  }
}

TEST(FailoverUpdateConcerns, StatusWritesOfPlainDomainsDoNotWakeIt) {
  json plain = Domain("web", "shop", "shop.test", "u-1");
  plain["metadata"]["generation"] = 1;
  json written = plain;
  written["status"] = {{"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}};
  EXPECT_FALSE(FailoverUpdateConcerns(plain, written)) << "another controller's status write";
  json edited = written;
  edited["metadata"]["generation"] = 2;
  EXPECT_TRUE(FailoverUpdateConcerns(written, edited)) << "a spec edit";
  json deleting = written;
  deleting["metadata"]["deletionTimestamp"] = "2026-12-07T00:00:00Z";
  EXPECT_TRUE(FailoverUpdateConcerns(written, deleting)) << "a deletion";
  json primary = Domain("web", "shop", "shop.test", "u-1", "b.sm");
  json primary_written = primary;
  primary_written["status"] = written["status"];
  EXPECT_TRUE(FailoverUpdateConcerns(primary, primary_written)) << "a primary's health";
  json removed = written;  // spec.failover gone, status.failover still there
  removed["status"]["failover"] = {{"state", "Standby"}};
  EXPECT_TRUE(FailoverUpdateConcerns(removed, written)) << "what failover wrote being removed";
}

}  // namespace
}  // namespace domainguard::failover
