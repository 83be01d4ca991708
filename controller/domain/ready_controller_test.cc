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

}  // namespace
}  // namespace domainguard::domain
