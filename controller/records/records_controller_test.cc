// The records controller's Reconcile against a scripted apiserver, with no DNSProvider in the cache: what a pass
// tells about the spec it was given, and that it reads that spec once (issue #14 item 1).
#include "controller/records/records_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/domain/testing/controller_test.h"

namespace domainguard::records {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Domain(json spec) {
  return {{"apiVersion", "domainguard.io/v1alpha1"},
          {"kind", "Domain"},
          {"metadata", {{"name", "shop"}, {"namespace", "web"}, {"uid", "u-1"}, {"generation", 1},
                        {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
          {"spec", std::move(spec)}};
}

json Spec() {
  return json::parse(R"({"zone": "shop.test", "providers": [{"name": "pdns-a"}],
    "nameservers": [{"name": "ns1.pdns-a.net."}],
    "records": [{"name": "www", "type": "A", "values": ["192.0.2.80"]}]})");
}

class RecordsReconcileTest : public domain::testing::ControllerTest {
 protected:
  RecordsReconcileTest() {
    providers::ProviderRegistryOptions registry_options;
    registry_options.start_pollers = false;
    provider_registry_ = std::make_unique<providers::ProviderRegistry>(context(), kube_, registry_options);
    controller_ = std::make_unique<RecordsController>(context(), dns_providers_, *provider_registry_,
                                                      RecordsControllerOptions{});
  }

  // The RecordsSynced condition of the last status apply.
  json LastCondition() {
    const std::vector<json> applies = api_.applies();
    EXPECT_FALSE(applies.empty());
    if (applies.empty()) return json::object();
    for (const json& c : applies.back()["status"]["conditions"]) {
      if (c.value("type", "") == "RecordsSynced") return c;
    }
    return json::object();
  }

  kube::Store dns_providers_;
  std::unique_ptr<providers::ProviderRegistry> provider_registry_;
  std::unique_ptr<RecordsController> controller_;
};

TEST_F(RecordsReconcileTest, APassReadsTheSpecOnce) {
  domains_.Upsert(Domain(Spec()));
  const uint64_t before = spec_reads_.reads();
  controller_->Reconcile("web/shop");
  EXPECT_EQ(spec_reads_.reads() - before, 1u);
  EXPECT_THAT(LastCondition().value("message", ""),
              HasSubstr(R"(spec.providers[0].name: DNSProvider "pdns-a" not found in namespace "web")"));
}

// Each section of the spec is read once and still reported on its own, with the message it always had.
struct SpecCase {
  std::string name;
  std::string patch;   // merged into Spec()
  std::string reason;  // RecordsSynced's
  std::string message;  // a substring of RecordsSynced's message
};

class RecordsSpecTest : public RecordsReconcileTest, public ::testing::WithParamInterface<SpecCase> {};

TEST_P(RecordsSpecTest, ReportsTheSectionOnce) {
  const SpecCase& c = GetParam();
  json spec = Spec();
  spec.merge_patch(json::parse(c.patch));
  domains_.Upsert(Domain(spec));
  const uint64_t before = spec_reads_.reads();
  controller_->Reconcile("web/shop");
  EXPECT_EQ(spec_reads_.reads() - before, 1u);
  const json cond = LastCondition();
  EXPECT_EQ(cond.value("reason", ""), c.reason);
  EXPECT_THAT(cond.value("message", ""), HasSubstr(c.message));
}

INSTANTIATE_TEST_SUITE_P(
    Table, RecordsSpecTest,
    ::testing::Values(
        SpecCase{"MissingProvider", "{}", "ProviderUnavailable",
                 R"(spec.providers[0].name: DNSProvider "pdns-a" not found in namespace "web")"},
        SpecCase{"ProviderWithoutName", R"({"providers": [{"kind": "x"}]})", "ProviderUnavailable",
                 "spec.providers[0].name: required"},
        SpecCase{"BadRecord", R"({"records": [{"name": "www", "type": "A", "values": ["300.1.1.1"]}]})",
                 "InvalidRecord", R"(spec.records[0].values[0]: "300.1.1.1" is not an IPv4 address)"},
        SpecCase{"RecordWithoutType", R"({"records": [{"name": "www", "values": ["192.0.2.1"]}]})",
                 "InvalidRecord", "spec.records[0].type: required string"},
        SpecCase{"RecordsNotAList", R"({"records": "www A 192.0.2.1"})", "InvalidRecord",
                 "spec.records: must be a list"},
        SpecCase{"NameserverWithoutName", R"({"nameservers": [{"addresses": ["192.0.2.1"]}]})", "InvalidRecord",
                 "spec.nameservers[0].name: required string"},
        SpecCase{"BadOwnership", R"({"ownership": "zone"})", "InvalidRecord",
                 R"(spec.ownership: "zone" is not Records or Zone)"},
        SpecCase{"BadMaxDeletePercent", R"({"safety": {"maxDeletePercent": 101}})", "InvalidRecord",
                 "spec.safety.maxDeletePercent: must be an integer from 0 to 100"},
        SpecCase{"NoZone", R"({"zone": null})", "InvalidRecord", "spec.zone: required"}),
    [](const ::testing::TestParamInfo<SpecCase>& i) { return i.param.name; });

}  // namespace
}  // namespace domainguard::records
