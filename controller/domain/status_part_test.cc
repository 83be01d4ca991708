#include "controller/domain/status_part.h"

#include <gtest/gtest.h>

#include "controller/base/time_format.h"

namespace domainguard::domain {
namespace {

using nlohmann::json;

const SystemTime kNow = *ParseRfc3339("2026-12-02T12:00:00Z");

kube::Condition Cond(const std::string& status, const std::string& reason) {
  kube::Condition c;
  c.type = "RecordsSynced";
  c.status = status;
  c.reason = reason;
  c.message = "m";
  c.observed_generation = 2;
  return c;
}

StatusPart Part() {
  StatusPart p;
  p.field_manager = "t";
  p.fields["providers"] = json::array({{{"name", "a"}, {"synced", true}}});
  p.conditions.push_back(Cond("True", "Synced"));
  return p;
}

TEST(PlanStatusPart, EmptyStatusWritesEverything) {
  std::optional<json> out = PlanStatusPart(json(), Part(), kNow);
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["providers"][0]["name"], "a");
  EXPECT_EQ((*out)["conditions"][0]["lastTransitionTime"], "2026-12-02T12:00:00Z");
}

TEST(PlanStatusPart, SameStatusWritesNothing) {
  json status = *PlanStatusPart(json(), Part(), kNow);
  // Another controller's fields and conditions beside ours do not matter.
  status["delegation"] = {{"x", 1}};
  status["conditions"].push_back({{"type", "Ready"}, {"status", "True"}});
  EXPECT_EQ(PlanStatusPart(status, Part(), kNow + std::chrono::hours(1)), std::nullopt);
}

TEST(PlanStatusPart, TransitionTimeKeptWhenStatusStays) {
  json status = *PlanStatusPart(json(), Part(), kNow);
  StatusPart p = Part();
  p.conditions[0].message = "changed";
  std::optional<json> out = PlanStatusPart(status, p, kNow + std::chrono::hours(1));
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["conditions"][0]["lastTransitionTime"], "2026-12-02T12:00:00Z");
  EXPECT_EQ((*out)["conditions"][0]["message"], "changed");
  p.conditions[0] = Cond("False", "ProviderUnavailable");
  out = PlanStatusPart(status, p, kNow + std::chrono::hours(1));
  EXPECT_EQ((*out)["conditions"][0]["lastTransitionTime"], "2026-12-02T13:00:00Z");
}

TEST(PlanStatusPart, FindingsOwnedByReasonKeepSince) {
  StatusPart p;
  p.field_manager = "t";
  p.owns_findings = true;
  p.owns_reason = [](std::string_view r) { return r == "GlueMissing" || r == "LameNameserver"; };
  p.findings = {{"GlueMissing", "Critical", "no glue"}};
  json status = {{"findings", json::array({{{"reason", "Expired"}, {"severity", "Critical"}, {"message", "x"}},
                                           {{"reason", "GlueMissing"}, {"severity", "Critical"},
                                            {"message", "no glue"}, {"since", "2026-11-30T00:00:00Z"}}})}};
  // Ours are unchanged; the registration finding is not ours to compare.
  EXPECT_EQ(PlanStatusPart(status, p, kNow), std::nullopt);
  p.findings.push_back({"LameNameserver", "Warning", "refused"});
  std::optional<json> out = PlanStatusPart(status, p, kNow);
  ASSERT_TRUE(out);
  ASSERT_EQ((*out)["findings"].size(), 2u);
  EXPECT_EQ((*out)["findings"][0]["since"], "2026-11-30T00:00:00Z");
  EXPECT_EQ((*out)["findings"][1]["since"], "2026-12-02T12:00:00Z");
  // Removing all of ours is a change too.
  p.findings.clear();
  out = PlanStatusPart(status, p, kNow);
  ASSERT_TRUE(out);
  EXPECT_TRUE((*out)["findings"].empty());
}

StatusPart Stamped(int serial) {
  StatusPart p;
  p.field_manager = "t";
  p.fields["delegation"] = {{"servers", json::array({{{"address", "127.0.0.1"}, {"serial", serial}}})}};
  p.change_stamped = {"delegation"};
  return p;
}

TEST(PlanStatusPart, SameObservationTwiceIsNoWrite) {
  // A steady Domain checked every minute: the first check writes, every later one writes nothing, however late.
  json status = *PlanStatusPart(json(), Stamped(7), kNow);
  EXPECT_EQ(status["delegation"]["lastChangeTime"], "2026-12-02T12:00:00Z");
  for (int minute = 1; minute <= 60; ++minute) {
    EXPECT_EQ(PlanStatusPart(status, Stamped(7), kNow + std::chrono::minutes(minute)), std::nullopt) << minute;
  }
}

TEST(PlanStatusPart, ChangedObservationMovesLastChangeTime) {
  json status = *PlanStatusPart(json(), Stamped(7), kNow);
  std::optional<json> out = PlanStatusPart(status, Stamped(8), kNow + std::chrono::hours(2));
  ASSERT_TRUE(out);
  EXPECT_EQ((*out)["delegation"]["servers"][0]["serial"], 8);
  EXPECT_EQ((*out)["delegation"]["lastChangeTime"], "2026-12-02T14:00:00Z");
}

TEST(PlanStatusPart, OldHeartbeatIsDroppedOnceKeepingNoStamp) {
  // An object written before lastChangeTime: one write replaces lastCheckTime, then none.
  json status = {{"delegation", {{"servers", json::array({{{"address", "127.0.0.1"}, {"serial", 7}}})},
                                 {"lastCheckTime", "2026-12-01T00:00:00Z"}}}};
  std::optional<json> out = PlanStatusPart(status, Stamped(7), kNow);
  ASSERT_TRUE(out);
  EXPECT_FALSE((*out)["delegation"].contains("lastCheckTime"));
  EXPECT_EQ((*out)["delegation"]["lastChangeTime"], "2026-12-02T12:00:00Z");
  status["delegation"] = (*out)["delegation"];
  EXPECT_EQ(PlanStatusPart(status, Stamped(7), kNow + std::chrono::hours(1)), std::nullopt);
}

}  // namespace
}  // namespace domainguard::domain
