#include "controller/domain/ready_controller.h"

#include <gtest/gtest.h>

namespace domainguard::domain {
namespace {

using nlohmann::json;

json Cond(const std::string& type, const std::string& status, const std::string& reason) {
  return {{"type", type},      {"status", status}, {"reason", reason}, {"message", reason + " message"},
          {"lastTransitionTime", "2026-12-01T00:00:00Z"}, {"observedGeneration", 3}};
}

json DomainWith(std::vector<json> conditions) {
  return {{"metadata", {{"name", "d"}, {"namespace", "web"}, {"generation", 3}}},
          {"spec", {{"zone", "example.com"}}},
          {"status", {{"conditions", conditions}}}};
}

TEST(ReadyCondition, AllHealthyIsTrue) {
  kube::Condition c = ReadyCondition(DomainWith({Cond("RecordsSynced", "True", "Synced"),
                                                 Cond("DelegationHealthy", "True", "DelegationHealthy"),
                                                 Cond("RegistrationHealthy", "True", "Registered")}));
  EXPECT_EQ(c.status, "True");
  EXPECT_EQ(c.reason, "Healthy");
  EXPECT_EQ(c.observed_generation, 3);
}

TEST(ReadyCondition, RegistrationFailureExplainsFirst) {
  kube::Condition c = ReadyCondition(DomainWith({Cond("RecordsSynced", "False", "ProviderUnavailable"),
                                                 Cond("DelegationHealthy", "False", "NameserversChanged"),
                                                 Cond("RegistrationHealthy", "False", "Expired")}));
  EXPECT_EQ(c.status, "False");
  EXPECT_EQ(c.reason, "Expired");
}

TEST(ReadyCondition, MissingConcernIsPending) {
  kube::Condition c = ReadyCondition(DomainWith({Cond("RecordsSynced", "True", "Synced")}));
  EXPECT_EQ(c.status, "Unknown");
  EXPECT_EQ(c.reason, "ChecksPending");
}

TEST(ReadyCondition, NoStatusIsPending) {
  json d = {{"metadata", {{"name", "d"}, {"namespace", "web"}, {"generation", 1}}}};
  EXPECT_EQ(ReadyCondition(d).reason, "ChecksPending");
}

kube::Condition Mine(const std::string& type, const std::string& status, const std::string& reason) {
  kube::Condition c;
  c.type = type;
  c.status = status;
  c.reason = reason;
  c.message = reason + " message";
  c.observed_generation = 3;
  return c;
}

std::optional<kube::Condition> ReadyOf(const StatusPart& part) {
  for (const kube::Condition& c : part.conditions) {
    if (c.type == "Ready") return c;
  }
  return std::nullopt;
}

// Issue #14: the pass that changes a condition writes Ready with it, in one apply.
TEST(AddReady, ReadyFromTheOthersWithThePartsOwnInTheirPlace) {
  json d = DomainWith({Cond("RecordsSynced", "True", "Synced"), Cond("RegistrationHealthy", "True", "Registered"),
                       Cond("DelegationHealthy", "False", "GlueMissing"), Cond("Ready", "False", "GlueMissing")});
  StatusPart part;
  part.conditions.push_back(Mine("DelegationHealthy", "True", "DelegationHealthy"));
  AddReady(part, d);
  ASSERT_EQ(part.conditions.size(), 2u);
  std::optional<kube::Condition> ready = ReadyOf(part);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, "True");
  EXPECT_EQ(ready->reason, "Healthy");
  EXPECT_EQ(ready->observed_generation, 3);
  EXPECT_EQ(part.fields["observedGeneration"], 3);

  // The first report of a new Domain: Ready says what is still pending.
  StatusPart first;
  first.conditions.push_back(Mine("RegistrationHealthy", "True", "Registered"));
  AddReady(first, DomainWith({}));
  EXPECT_EQ(ReadyOf(first)->status, "Unknown");
  EXPECT_EQ(ReadyOf(first)->reason, "ChecksPending");

  // A failure in the part decides Ready at once.
  StatusPart bad;
  bad.conditions.push_back(Mine("RegistrationHealthy", "False", "Expired"));
  AddReady(bad, d);
  EXPECT_EQ(ReadyOf(bad)->status, "False");
  EXPECT_EQ(ReadyOf(bad)->reason, "Expired");
}

TEST(AddReady, SameReadyIsNoWrite) {
  // Ready as the Ready controller wrote it: a part that changes nothing plans no write, Ready included.
  json d = DomainWith({Cond("RecordsSynced", "True", "Synced"), Cond("RegistrationHealthy", "True", "Registered"),
                       Cond("DelegationHealthy", "True", "DelegationHealthy")});
  json ready = ReadyCondition(d).ToJson();
  ready["lastTransitionTime"] = "2026-12-01T00:00:00Z";
  d["status"]["conditions"].push_back(ready);
  d["status"]["observedGeneration"] = 3;
  StatusPart part;
  part.field_manager = "t";
  kube::Condition same = kube::Condition::FromJson(d["status"]["conditions"][2]);
  part.conditions.push_back(same);
  AddReady(part, d);
  EXPECT_EQ(PlanStatusPart(d["status"], part, SystemTime{} + std::chrono::hours(1)), std::nullopt);
}

// The add filter of domain-ready: a new Domain (no status, or only what a user or an older tool left that Ready
// neither summarises nor exports) is left to the status writer's first apply; anything Ready reads is work.
TEST(ReadyHasWork, OnlyADomainWithSomethingToSummarise) {
  const json meta = {{"name", "d"}, {"namespace", "web"}, {"generation", 1}};
  struct Case {
    const char* name;
    json status;  // null: no status at all
    bool work;
  };
  const std::vector<Case> cases = {
      {"no status", nullptr, false},
      {"empty status", json::object(), false},
      {"empty conditions and findings", {{"conditions", json::array()}, {"findings", json::array()}}, false},
      {"conditions not a list", {{"conditions", "x"}}, false},
      {"failover null", {{"failover", nullptr}}, false},
      {"only providers", {{"providers", json::array({{{"name", "a"}}})}}, false},
      {"a condition", {{"conditions", json::array({Cond("RecordsSynced", "True", "Synced")})}}, true},
      {"only Ready", {{"conditions", json::array({Cond("Ready", "Unknown", "ChecksPending")})}}, true},
      {"FailoverActive alone", {{"conditions", json::array({Cond("FailoverActive", "False", "Standby")})}}, true},
      {"a finding", {{"findings", json::array({{{"reason", "NoAlertChannel"}, {"severity", "Warning"}}})}}, true},
      {"failover state", {{"failover", {{"active", false}}}}, true},
  };
  for (const Case& c : cases) {
    json d = {{"metadata", meta}, {"spec", {{"zone", "example.com"}}}};
    if (!c.status.is_null()) d["status"] = c.status;
    EXPECT_EQ(ReadyHasWork(d), c.work) << c.name;
  }
}

}  // namespace
}  // namespace domainguard::domain
