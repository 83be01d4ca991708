#include "controller/kube/conditions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"

namespace domainguard::kube {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

SystemTime T(const char* rfc3339) { return *ParseRfc3339(rfc3339); }

Condition C(std::string_view type, std::string_view status, std::string_view reason, std::string message = "",
            int64_t gen = 1) {
  Condition c;
  c.type = std::string(type);
  c.status = std::string(status);
  c.reason = std::string(reason);
  c.message = std::move(message);
  c.observed_generation = gen;
  return c;
}

TEST(SetCondition, NewConditionGetsNowAndIsAppended) {
  json status = {{"observedGeneration", 3}};
  EXPECT_TRUE(SetCondition(status, C("RecordsSynced", "True", "Synced", "", 3), T("2026-11-23T10:00:00Z")));
  EXPECT_EQ(status["conditions"],
            json::parse(R"([{"type":"RecordsSynced","status":"True","reason":"Synced","message":"",
                              "observedGeneration":3,"lastTransitionTime":"2026-11-23T10:00:00Z"}])"));
  EXPECT_EQ(status["observedGeneration"], 3) << "other status fields are left alone";
}

TEST(SetCondition, SameStatusKeepsTransitionTimeButUpdatesReasonMessageGeneration) {
  json status;
  ASSERT_TRUE(SetCondition(status, C("DelegationHealthy", "False", "GlueMissing", "no glue", 1), T("2026-11-23T10:00:00Z")));
  EXPECT_TRUE(SetCondition(status, C("DelegationHealthy", "False", "LameNameserver", "ns2 lame", 2),
                           T("2026-11-23T11:00:00Z")));
  auto c = FindCondition(status, "DelegationHealthy");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(FormatRfc3339(*c->last_transition_time), "2026-11-23T10:00:00Z");
  EXPECT_EQ(c->reason, "LameNameserver");
  EXPECT_EQ(c->message, "ns2 lame");
  EXPECT_EQ(c->observed_generation, 2);
}

TEST(SetCondition, IdenticalWriteReportsNoChange) {
  json status;
  ASSERT_TRUE(SetCondition(status, C("Ready", "True", "Healthy"), T("2026-11-23T10:00:00Z")));
  json before = status;
  EXPECT_FALSE(SetCondition(status, C("Ready", "True", "Healthy"), T("2026-11-23T12:00:00Z")));
  EXPECT_EQ(status, before);
}

TEST(SetCondition, StatusChangeMovesTransitionTime) {
  json status;
  ASSERT_TRUE(SetCondition(status, C("Ready", "True", "Healthy"), T("2026-11-23T10:00:00Z")));
  ASSERT_TRUE(SetCondition(status, C("Ready", "False", "Expired"), T("2026-11-23T12:00:00Z")));
  EXPECT_EQ(status["conditions"][0]["lastTransitionTime"], "2026-11-23T12:00:00Z");
  EXPECT_EQ(status["conditions"].size(), 1u);
}

TEST(SetCondition, ExplicitTransitionTimeIsUsedOnChange) {
  json status;
  Condition c = C("Ready", "True", "Healthy");
  c.last_transition_time = T("2026-01-01T00:00:00Z");
  ASSERT_TRUE(SetCondition(status, c, T("2026-11-23T10:00:00Z")));
  EXPECT_EQ(status["conditions"][0]["lastTransitionTime"], "2026-01-01T00:00:00Z");
}

TEST(SetCondition, KeepsOrderOfOthersAndRepairsMalformedList) {
  json status = {{"conditions", "garbage"}};
  ASSERT_TRUE(SetCondition(status, C("A", "True", "X"), T("2026-11-23T10:00:00Z")));
  ASSERT_TRUE(SetCondition(status, C("B", "True", "X"), T("2026-11-23T10:00:00Z")));
  ASSERT_TRUE(SetCondition(status, C("A", "False", "Y"), T("2026-11-23T10:00:01Z")));
  ASSERT_EQ(status["conditions"].size(), 2u);
  EXPECT_EQ(status["conditions"][0]["type"], "A");
  EXPECT_EQ(status["conditions"][1]["type"], "B");
  EXPECT_TRUE(RemoveCondition(status, "A"));
  EXPECT_FALSE(RemoveCondition(status, "A"));
  EXPECT_EQ(GetConditions(status).size(), 1u);
}

TEST(Condition, RoundTripsThroughJson) {
  Condition c = C("RegistrationHealthy", "False", "ExpiryCritical", "expires in 3 days", 7);
  c.last_transition_time = T("2026-11-23T10:00:00Z");
  Condition back = Condition::FromJson(c.ToJson());
  EXPECT_EQ(back.ToJson(), c.ToJson());
  EXPECT_EQ(Condition::FromJson(json("not an object")).type, "");
}

}  // namespace
}  // namespace domainguard::kube
