#include "controller/api/records_policy_spec.h"

#include <gtest/gtest.h>

namespace domainguard::api {
namespace {

using nlohmann::json;

struct PolicyCase {
  std::string name;
  std::string spec;
  RecordsPolicySpec want;
  std::string error;  // the message when the spec is refused; "" when it parses
};

class ParseRecordsPolicyTest : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(ParseRecordsPolicyTest, ReadsOwnershipAndSafety) {
  const PolicyCase& c = GetParam();
  Result<RecordsPolicySpec> got = ParseRecordsPolicy(json::parse(c.spec));
  if (!c.error.empty()) {
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().message, c.error);
    return;
  }
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  EXPECT_EQ(*got, c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseRecordsPolicyTest,
    ::testing::Values(
        PolicyCase{"Absent", R"({})", {}, ""},
        PolicyCase{"NotAnObject", R"("x")", {}, ""},
        PolicyCase{"Records", R"({"ownership": "Records"})", {OwnershipMode::kRecords, 30}, ""},
        PolicyCase{"Zone", R"({"ownership": "Zone"})", {OwnershipMode::kZone, 30}, ""},
        PolicyCase{"OwnershipNotAStringIsTheDefault", R"({"ownership": 7})", {}, ""},
        PolicyCase{"OwnershipNullIsTheDefault", R"({"ownership": null, "safety": null})", {}, ""},
        PolicyCase{"OwnershipCaseMatters", R"({"ownership": "zone"})", {},
                   R"(spec.ownership: "zone" is not Records or Zone)"},
        PolicyCase{"MaxDeletePercent", R"({"safety": {"maxDeletePercent": 80}})", {OwnershipMode::kRecords, 80}, ""},
        PolicyCase{"MaxDeletePercentBounds", R"({"safety": {"maxDeletePercent": 0}})", {OwnershipMode::kRecords, 0},
                   ""},
        PolicyCase{"SafetyWithoutMaxDeletePercent", R"({"safety": {}})", {}, ""},
        PolicyCase{"SafetyNotAnObject", R"({"safety": 5})", {}, "spec.safety: must be an object"},
        PolicyCase{"MaxDeletePercentTooLarge", R"({"safety": {"maxDeletePercent": 101}})", {},
                   "spec.safety.maxDeletePercent: must be an integer from 0 to 100"},
        PolicyCase{"MaxDeletePercentNegative", R"({"safety": {"maxDeletePercent": -1}})", {},
                   "spec.safety.maxDeletePercent: must be an integer from 0 to 100"},
        PolicyCase{"MaxDeletePercentNotAnInteger", R"({"safety": {"maxDeletePercent": "30"}})", {},
                   "spec.safety.maxDeletePercent: must be an integer from 0 to 100"},
        PolicyCase{"OwnershipReportedFirst", R"({"ownership": "All", "safety": 5})", {},
                   R"(spec.ownership: "All" is not Records or Zone)"}),
    [](const ::testing::TestParamInfo<PolicyCase>& i) { return i.param.name; });

}  // namespace
}  // namespace domainguard::api
