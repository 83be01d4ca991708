#include "controller/domain/status_merge.h"

#include <gtest/gtest.h>

#include "controller/base/time_format.h"

namespace domainguard::domain {
namespace {

using nlohmann::json;

const SystemTime kNow = *ParseRfc3339("2026-12-02T12:00:00Z");
const SystemTime kLater = kNow + std::chrono::minutes(5);

std::vector<PartOwnership> Owners() {
  return {
      {"records", {"providers"}, {"RecordsSynced"}, nullptr},
      {"delegation", {"delegation", "dependsOn"}, {"DelegationHealthy"},
       [](std::string_view r) { return r == "GlueMissing" || r == "LameNameserver"; }},
      {"registration", {"registration"}, {"RegistrationHealthy"}, [](std::string_view r) { return r == "Expired"; }},
      {"alerting", {}, {}, [](std::string_view r) { return r == "NoAlertChannel"; }},
  };
}

StatusPart Part(const std::string& name, const std::string& type, const std::string& status,
                const std::string& reason) {
  StatusPart p;
  p.field_manager = name;
  kube::Condition c;
  c.type = type;
  c.status = status;
  c.reason = reason;
  c.message = reason;
  c.observed_generation = 1;
  p.conditions.push_back(c);
  return p;
}

std::map<std::string, StatusPart> FirstPass() {
  StatusPart records = Part("records", "RecordsSynced", "True", "Synced");
  records.fields["providers"] = json::array({{{"name", "pdns-a"}, {"synced", true}}});
  StatusPart delegation = Part("delegation", "DelegationHealthy", "True", "DelegationHealthy");
  delegation.fields["delegation"] = {{"parentServers", json::array({"a"})}};
  delegation.fields["dependsOn"] = json::array();
  delegation.owns_findings = true;
  delegation.owns_reason = [](std::string_view r) { return r == "GlueMissing" || r == "LameNameserver"; };
  StatusPart registration = Part("registration", "RegistrationHealthy", "True", "Registered");
  StatusPart alerting;
  alerting.field_manager = "alerting";
  alerting.owns_findings = true;
  alerting.owns_reason = [](std::string_view r) { return r == "NoAlertChannel"; };
  alerting.findings.push_back({"NoAlertChannel", "Warning", "no channel"});
  return {{"records", records}, {"delegation", delegation}, {"registration", registration}, {"alerting", alerting}};
}

const json* Cond(const json& status, const std::string& type) {
  for (const json& c : status["conditions"]) {
    if (c["type"] == type) return &c;
  }
  return nullptr;
}

TEST(MergeStatus, NewDomainsPartsAreOneStatusWithReady) {
  json out = MergeStatus(json(), Owners(), FirstPass(), 1, kNow);
  EXPECT_EQ(out["observedGeneration"], 1);
  EXPECT_EQ(out["providers"][0]["name"], "pdns-a");
  EXPECT_TRUE(out.contains("delegation"));
  ASSERT_EQ(out["conditions"].size(), 4u);  // sorted by type
  EXPECT_EQ(out["conditions"][0]["type"], "DelegationHealthy");
  const json* ready = Cond(out, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ((*ready)["status"], "True");
  EXPECT_EQ((*ready)["lastTransitionTime"], "2026-12-02T12:00:00Z");
  ASSERT_EQ(out["findings"].size(), 1u);
  EXPECT_EQ(out["findings"][0]["since"], "2026-12-02T12:00:00Z");
  EXPECT_FALSE(IsFirstPass(out, Owners()));
  EXPECT_TRUE(IsFirstPass(json(), Owners()));
}

TEST(MergeStatus, NothingPendingIsTheManagedStatusAsItIs) {
  json status = MergeStatus(json(), Owners(), FirstPass(), 1, kNow);
  status["failover"] = {{"state", "Standby ready"}};  // another manager's: never in the writer's apply
  status["conditions"].push_back({{"type", "FailoverActive"}, {"status", "False"}, {"reason", "FailoverStandby"}});
  json out = MergeStatus(status, Owners(), {}, 1, kLater);
  EXPECT_EQ(out, ManagedStatus(status, Owners()));
  EXPECT_FALSE(out.contains("failover"));
  EXPECT_EQ(Cond(out, "FailoverActive"), nullptr);
  // The same parts again change nothing either (their stamps are kept).
  EXPECT_EQ(MergeStatus(status, Owners(), FirstPass(), 1, kLater), out);
}

TEST(MergeStatus, APartThatDropsAKeyRemovesIt) {
  json status = MergeStatus(json(), Owners(), FirstPass(), 1, kNow);
  StatusPart delegation = FirstPass()["delegation"];
  delegation.fields.erase("dependsOn");
  json out = MergeStatus(status, Owners(), {{"delegation", delegation}}, 1, kLater);
  EXPECT_FALSE(out.contains("dependsOn"));
  EXPECT_TRUE(out.contains("providers"));  // the other parts' keys stay as they were
  StatusPart alerting = FirstPass()["alerting"];
  alerting.findings.clear();
  out = MergeStatus(status, Owners(), {{"alerting", alerting}}, 1, kLater);
  EXPECT_FALSE(out.contains("findings"));
}

TEST(MergeStatus, ReadyFollowsTheMergedConditionsAndUnmanagedFailover) {
  json status = MergeStatus(json(), Owners(), FirstPass(), 1, kNow);
  // Delegation turns False: Ready turns False in the same status, with a new transition time.
  StatusPart delegation = Part("delegation", "DelegationHealthy", "False", "GlueMissing");
  delegation.owns_findings = true;
  delegation.owns_reason = [](std::string_view r) { return r == "GlueMissing"; };
  delegation.findings.push_back({"GlueMissing", "Critical", "glue"});
  json out = MergeStatus(status, Owners(), {{"delegation", delegation}}, 1, kLater);
  EXPECT_EQ((*Cond(out, "Ready"))["status"], "False");
  EXPECT_EQ((*Cond(out, "Ready"))["reason"], "GlueMissing");
  EXPECT_EQ((*Cond(out, "Ready"))["lastTransitionTime"], "2026-12-02T12:05:00Z");
  ASSERT_EQ(out["findings"].size(), 2u);
  EXPECT_EQ(out["findings"][0]["reason"], "GlueMissing");  // sorted by reason
  // FailoverActive True (written by failover's own manager) turns Ready False, though not managed here.
  status["conditions"].push_back({{"type", "FailoverActive"}, {"status", "True"}, {"reason", "FailoverActivated"}});
  out = MergeStatus(status, Owners(), {}, 1, kLater);
  EXPECT_EQ((*Cond(out, "Ready"))["status"], "False");
  EXPECT_EQ((*Cond(out, "Ready"))["reason"], "FailoverActivated");
}

TEST(MergeStatus, MissingPartsLeaveReadyPending) {
  std::map<std::string, StatusPart> parts = FirstPass();
  parts.erase("registration");
  json out = MergeStatus(json(), Owners(), parts, 1, kNow);
  EXPECT_EQ((*Cond(out, "Ready"))["status"], "Unknown");
  EXPECT_EQ((*Cond(out, "Ready"))["reason"], "ChecksPending");
  EXPECT_EQ(Cond(out, "RegistrationHealthy"), nullptr);
}

TEST(MergeStatus, AReadyOrGenerationInAPartIsTheWritersOwn) {
  std::map<std::string, StatusPart> parts = FirstPass();
  parts["records"].fields["observedGeneration"] = 7;
  parts["records"].conditions.push_back(Part("x", "Ready", "False", "Stale").conditions[0]);
  json out = MergeStatus(json(), Owners(), parts, 2, kNow);
  EXPECT_EQ(out["observedGeneration"], 2);
  EXPECT_EQ((*Cond(out, "Ready"))["status"], "True");
  EXPECT_EQ((*Cond(out, "Ready"))["observedGeneration"], 2);
}

TEST(OverlayManaged, ReplacesWhatTheWriterManagesKeepsTheRest) {
  json status = {{"failover", {{"active", false}}},
                 {"dependsOn", json::array({"old.test"})},
                 {"conditions", json::array({{{"type", "FailoverActive"}}, {{"type", "DelegationHealthy"}}})},
                 {"findings", json::array({{{"reason", "FailoverNotIndependent"}}, {{"reason", "GlueMissing"}}})}};
  json managed = MergeStatus(json(), Owners(), FirstPass(), 1, kNow);
  json out = OverlayManaged(status, managed, Owners());
  EXPECT_EQ(out["failover"], status["failover"]);
  EXPECT_EQ(out["dependsOn"], json::array());  // the delegation part's
  ASSERT_EQ(out["conditions"].size(), 5u);     // FailoverActive, then the four of `managed`
  EXPECT_EQ(out["conditions"][0]["type"], "FailoverActive");
  ASSERT_EQ(out["findings"].size(), 2u);  // FailoverNotIndependent kept, GlueMissing gone, NoAlertChannel added
  EXPECT_EQ(out["findings"][1]["reason"], "NoAlertChannel");
  EXPECT_EQ(ManagedStatus(out, Owners()), managed);
}

TEST(ManagedStatus, OnlyOwnedKeysSorted) {
  json status = {{"providers", json::array()},
                 {"failover", {{"active", false}}},
                 {"observedGeneration", 3},
                 {"conditions", json::array({{{"type", "RecordsSynced"}}, {{"type", "FailoverActive"}}, {{"type", "Ready"}}})},
                 {"findings", json::array({{{"reason", "NoAlertChannel"}}, {{"reason", "FailoverNotIndependent"}},
                                           {{"reason", "Expired"}}})}};
  json out = ManagedStatus(status, Owners());
  EXPECT_FALSE(out.contains("failover"));
  EXPECT_EQ(out["observedGeneration"], 3);
  ASSERT_EQ(out["conditions"].size(), 2u);
  EXPECT_EQ(out["conditions"][0]["type"], "Ready");
  ASSERT_EQ(out["findings"].size(), 2u);
  EXPECT_EQ(out["findings"][0]["reason"], "Expired");
}

// PartChangesStatus is its definition, two whole merges, computed on one owner's keys: the same answer for every
// current status, other pending parts, previous part and new part below.
TEST(PartChangesStatus, SaysWhatTwoMergesSay) {
  const std::map<std::string, StatusPart> first = FirstPass();
  const json applied = MergeStatus(json::object(), Owners(), first, 1, kNow);
  json stale = applied;  // an earlier version's heartbeat, which the next part drops
  stale["delegation"]["lastCheckTime"] = "2026-12-01T00:00:00Z";
  json foreign = applied;  // a condition and a finding nobody here owns
  foreign["conditions"].push_back({{"type", "FailoverActive"}, {"status", "False"}, {"reason", "Primary"}});
  foreign["findings"] = json::array({{{"reason", "Unrelated"}, {"severity", "Info"}, {"message", "x"}}});
  const std::vector<std::pair<std::string, json>> currents = {
      {"none", nullptr}, {"empty", json::object()}, {"applied", applied}, {"stale", stale}, {"foreign", foreign}};

  std::vector<std::pair<std::string, StatusPart>> parts;
  for (const auto& [name, p] : first) parts.emplace_back(name + " as first", p);
  StatusPart failing = Part("records", "RecordsSynced", "False", "ProviderUnavailable");
  failing.fields["providers"] = json::array({{{"name", "pdns-a"}, {"synced", false}}});
  parts.emplace_back("records failing", failing);
  StatusPart moved = first.at("delegation");
  moved.fields["delegation"]["parentServers"] = json::array({"a", "b"});
  parts.emplace_back("delegation field moved", moved);
  StatusPart finding = first.at("delegation");
  finding.findings.push_back({"GlueMissing", "Critical", "no glue"});
  parts.emplace_back("delegation finding", finding);
  StatusPart quiet = first.at("alerting");
  quiet.findings.clear();
  parts.emplace_back("alerting finding gone", quiet);
  StatusPart dropped = first.at("delegation");
  dropped.fields.erase("dependsOn");
  parts.emplace_back("delegation key dropped", dropped);
  parts.emplace_back("unknown owner", Part("nobody", "Mystery", "True", "X"));

  int changed = 0, cases = 0;
  for (const auto& [cur_name, current] : currents) {
    for (const auto& [part_name, part] : parts) {
      for (bool with_others : {false, true}) {
        for (bool with_previous : {false, true}) {
          std::map<std::string, StatusPart> pending;
          if (with_others) {
            for (const auto& [name, p] : first) {
              if (name != part.field_manager) pending.emplace(name, p);
            }
          }
          const StatusPart* previous = nullptr;
          if (with_previous) {
            if (auto it = first.find(part.field_manager); it != first.end()) {
              pending[part.field_manager] = failing.field_manager == part.field_manager ? failing : it->second;
              previous = &pending.at(part.field_manager);
            }
          }
          const json before = MergeStatus(current, Owners(), pending, 1, kLater);
          std::map<std::string, StatusPart> with = pending;
          with[part.field_manager] = part;
          const bool expected = before != MergeStatus(current, Owners(), with, 1, kLater);
          EXPECT_EQ(PartChangesStatus(current, Owners(), previous, part, kLater), expected)
              << part_name << " on " << cur_name << (with_others ? ", others pending" : "")
              << (previous ? ", replacing a pending part" : "");
          changed += expected ? 1 : 0;
          ++cases;
        }
      }
    }
  }
  // Both answers occur, so the table tests something.
  EXPECT_GT(changed, 10);
  EXPECT_LT(changed, cases - 10);
}

// The status writer's shortcut: without observedGeneration every merge, of any parts or none, needs an apply.
TEST(HasObservedGeneration, WithoutItEveryMergeDiffersFromTheStatus) {
  const std::map<std::string, StatusPart> first = FirstPass();
  const json applied = MergeStatus(json::object(), Owners(), first, 1, kNow);
  ASSERT_TRUE(HasObservedGeneration(applied));
  json unstamped = applied;
  unstamped.erase("observedGeneration");
  for (const json& status : {json(nullptr), json::object(), unstamped}) {
    EXPECT_FALSE(HasObservedGeneration(status));
    for (const auto& pending : {std::map<std::string, StatusPart>{}, first}) {
      EXPECT_NE(MergeStatus(status, Owners(), pending, 1, kLater), ManagedStatus(status, Owners())) << status;
    }
  }
  // With it, a merge of nothing new is the status as it is: no apply.
  EXPECT_EQ(MergeStatus(applied, Owners(), {}, 1, kLater), ManagedStatus(applied, Owners()));
}

}  // namespace
}  // namespace domainguard::domain
