#include "controller/kube/testing/api_test.h"

#include <chrono>

namespace domainguard::kube::testing {
namespace {

RestConfig TestConfig() {
  RestConfig config;
  config.server = "http://kube.test";
  return config;
}

}  // namespace

ApiTest::ApiTest(SystemTime start)
    : clock_(start),
      client_(kube_, TestConfig(), clock_),
      events_(client_, EventAggregatorConfig{"test"}, clock_) {
  kube_.SetSendHandler([this](const http::HttpRequest& r) { return api_.Handle(r); });
}

std::vector<nlohmann::json> ApiTest::SentEvents() {
  EXPECT_TRUE(events_.WaitIdle(std::chrono::seconds(5)));
  return api_.events();
}

void ApiTest::MergeLastApply(Store& store, const std::string& key) {
  const std::vector<nlohmann::json> applies = api_.applies();
  std::optional<nlohmann::json> obj = store.Get(key);
  ASSERT_FALSE(applies.empty()) << "no status apply to merge into " << key;
  ASSERT_TRUE(obj.has_value()) << key << " is not in the store";
  for (const auto& [field, value] : applies.back()["status"].items()) (*obj)["status"][field] = value;
  store.Upsert(*obj);
}

}  // namespace domainguard::kube::testing
