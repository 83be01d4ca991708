// The update filter of domain-alerting (AlertingUpdateConcerns): what of a Domain its part reads.
#include "controller/notify/domain_alerting_controller.h"

#include <functional>

#include <gtest/gtest.h>

namespace domainguard::notify {
namespace {

using nlohmann::json;

json Plain() {
  return {{"metadata", {{"name", "d"}, {"namespace", "web"}, {"generation", 1}, {"labels", {{"team", "a"}}}}},
          {"spec", {{"zone", "example.com"}}}};
}

TEST(AlertingUpdateConcerns, OnlyWhatItsPartReads) {
  struct Case {
    const char* name;
    std::function<void(json&)> edit;
    bool concerns;
  };
  const json condition = {{"type", "RecordsSynced"}, {"status", "True"}, {"reason", "Synced"}};
  const std::vector<Case> cases = {
      {"nothing", [](json&) {}, false},
      {"another controller's condition", [&](json& d) { d["status"]["conditions"] = json::array({condition}); },
       false},
      {"findings of another part",
       [](json& d) { d["status"]["findings"] = json::array({{{"reason", "ParentUnreachable"}}}); }, false},
      {"status.providers", [](json& d) { d["status"]["providers"] = json::array({{{"name", "a"}}}); }, false},
      {"an annotation", [](json& d) { d["metadata"]["annotations"] = {{"x", "y"}}; }, false},
      {"the spec (generation)", [](json& d) { d["metadata"]["generation"] = 2; }, true},
      {"a label (domainSelector)", [](json& d) { d["metadata"]["labels"]["team"] = "b"; }, true},
      {"labels removed", [](json& d) { d["metadata"].erase("labels"); }, true},
      {"status.registration", [](json& d) { d["status"]["registration"] = {{"source", "rdap"}}; }, true},
      {"deletion", [](json& d) { d["metadata"]["deletionTimestamp"] = "2026-12-07T00:00:00Z"; }, true},
  };
  for (const Case& c : cases) {
    json before = Plain();
    json after = before;
    c.edit(after);
    EXPECT_EQ(AlertingUpdateConcerns(before, after), c.concerns) << c.name;
  }
}

// NoticesToOwnDomain reads the Ready of the contacts' Domains, which no watch follows: a Domain with contacts keeps
// being woken by every update, as before the filter.
TEST(AlertingUpdateConcerns, DomainWithContactsAlwaysConcerns) {
  json before = Plain();
  before["status"]["registration"] = {{"source", "rdap"}, {"contactEmails", json::array({"ops@example.org"})}};
  json after = before;
  after["status"]["conditions"] = json::array({{{"type", "DelegationHealthy"}, {"status", "True"}}});
  EXPECT_TRUE(AlertingUpdateConcerns(before, after));
  before["status"]["registration"]["contactEmails"] = json::array();
  after["status"]["registration"]["contactEmails"] = json::array();
  EXPECT_FALSE(AlertingUpdateConcerns(before, after)) << "an empty list is no contact";
}

}  // namespace
}  // namespace domainguard::notify
