#include "controller/api/conditions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::api {
namespace {

using kube::Condition;

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

struct ReadyCase {
  std::string name;
  std::vector<Condition> conditions;
  std::string want_status;
  std::string want_reason;
};
class SummarizeReadyTest : public ::testing::TestWithParam<ReadyCase> {};
TEST_P(SummarizeReadyTest, Summary) {
  const ReadyCase& c = GetParam();
  Condition r = SummarizeReady(c.conditions, 9);
  EXPECT_EQ(r.type, "Ready");
  EXPECT_EQ(r.status, c.want_status);
  EXPECT_EQ(r.reason, c.want_reason);
  EXPECT_EQ(r.observed_generation, 9);
  EXPECT_FALSE(r.message.empty());
}

const Condition kRecOk = C("RecordsSynced", "True", "Synced");
const Condition kDelOk = C("DelegationHealthy", "True", "DelegationHealthy");
const Condition kRegOk = C("RegistrationHealthy", "True", "Registered");
const Condition kFailoverOff = C("FailoverActive", "False", "FailbackCompleted");

INSTANTIATE_TEST_SUITE_P(
    Domain, SummarizeReadyTest,
    ::testing::ValuesIn(std::vector<ReadyCase>{
        {"all_healthy", {kRecOk, kDelOk, kRegOk}, "True", "Healthy"},
        {"all_healthy_failover_off", {kRecOk, kDelOk, kRegOk, kFailoverOff}, "True", "Healthy"},
        {"failover_active_wins", {kRecOk, C("DelegationHealthy", "False", "DelegationMissing"), kRegOk,
                                  C("FailoverActive", "True", "FailoverActivated", "trigger DelegationMissing")},
         "False", "FailoverActivated"},
        {"registration_before_delegation", {kRecOk, C("DelegationHealthy", "False", "DelegationMissing"),
                                            C("RegistrationHealthy", "False", "Expired")},
         "False", "Expired"},
        {"delegation_before_records", {C("RecordsSynced", "False", "ProviderUnavailable"),
                                       C("DelegationHealthy", "False", "GlueMissing"), kRegOk},
         "False", "GlueMissing"},
        {"records_false", {C("RecordsSynced", "False", "ChangeBlocked"), kDelOk, kRegOk}, "False", "ChangeBlocked"},
        {"false_beats_missing", {C("RecordsSynced", "False", "InvalidRecord")}, "False", "InvalidRecord"},
        {"nothing_reported", {}, "Unknown", "ChecksPending"},
        {"one_missing", {kRecOk, kDelOk}, "Unknown", "ChecksPending"},
        {"unknown_registration", {kRecOk, kDelOk, C("RegistrationHealthy", "Unknown", "RegistrationUnknown")},
         "Unknown", "RegistrationUnknown"},
        {"stale_ready_ignored", {kRecOk, kDelOk, kRegOk, C("Ready", "False", "Expired")}, "True", "Healthy"},
    }),
    [](const auto& info) { return info.param.name; });

TEST(SummarizeReady, MessageNamesTheDecidingCondition) {
  Condition r = SummarizeReady({kRecOk, kDelOk, C("RegistrationHealthy", "False", "RegistryHold", "status serverHold")}, 1);
  EXPECT_EQ(r.message, "RegistrationHealthy: status serverHold");
}

}  // namespace
}  // namespace domainguard::api
