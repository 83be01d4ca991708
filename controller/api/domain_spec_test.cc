#include "controller/api/domain_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::api {
namespace {

using nlohmann::json;

json D(json spec) { return json{{"metadata", {{"name", "d"}, {"namespace", "web"}}}, {"spec", std::move(spec)}}; }

TEST(ParseDomainSpec, ReadsTheSharedFields) {
  auto s = ParseDomainSpec(D(json::parse(R"({
      "zone": "Example.COM.",
      "providers": [{"name": "pdns-a"}, {"name": "bind-b"}],
      "nameservers": [{"name": "ns1.example.net.", "addresses": ["192.0.2.1", 7]}, {"name": "ns2.example.net"}],
      "recordsFrom": {"configMapRef": {"name": "zone-cm", "key": "zone"}}})")));
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->zone, "example.com.");
  EXPECT_EQ(s->providers, (std::vector<std::string>{"pdns-a", "bind-b"}));
  EXPECT_EQ(s->nameservers, (std::vector<NameserverSpec>{{"ns1.example.net.", {"192.0.2.1"}}, {"ns2.example.net", {}}}));
  EXPECT_EQ(s->records_from, (ConfigMapKeyRef{"zone-cm", "zone"}));
}

TEST(ParseDomainSpec, AbsentFieldsAreEmpty) {
  auto s = ParseDomainSpec(json::object());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, DomainSpec{});
  auto null_lists = ParseDomainSpec(D({{"providers", nullptr}, {"nameservers", nullptr}}));
  ASSERT_TRUE(null_lists.ok()) << "null reads as absent";
  EXPECT_EQ(*null_lists, DomainSpec{});
}

struct ErrorCase {
  std::string name;
  std::string spec;
  std::string want;  // the error message
};
class ParseDomainSpecErrors : public ::testing::TestWithParam<ErrorCase> {};
TEST_P(ParseDomainSpecErrors, NameTheField) {
  auto s = ParseDomainSpec(D(json::parse(GetParam().spec)));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message, GetParam().want);
}
INSTANTIATE_TEST_SUITE_P(
    Spec, ParseDomainSpecErrors,
    ::testing::ValuesIn(std::vector<ErrorCase>{
        {"providers_not_a_list", R"({"providers": "pdns"})", "spec.providers: must be a list"},
        {"provider_without_name", R"({"providers": [{"name": "a"}, {}]})", "spec.providers[1].name: required"},
        {"provider_name_not_a_string", R"({"providers": [{"name": 3}]})", "spec.providers[0].name: required"},
        {"nameservers_not_a_list", R"({"nameservers": {"name": "ns1"}})", "spec.nameservers: must be a list"},
        {"nameserver_without_name", R"({"nameservers": [{"addresses": []}]})", "spec.nameservers[0].name: required"},
        {"nameserver_empty_name", R"({"nameservers": [{"name": "a"}, {"name": ""}]})",
         "spec.nameservers[1].name: required"},
        {"delegation_interval_not_a_string", R"({"checks": {"delegation": {"interval": 30}}})",
         "spec.checks.delegation.interval: must be a duration string such as \"1m\""},
        {"delegation_interval_zero", R"({"checks": {"delegation": {"interval": "0s"}}})",
         "spec.checks.delegation.interval: must be positive"},
    }),
    [](const auto& info) { return info.param.name; });

TEST(ReadDomainSpec, SkipsMalformedEntriesAndNeverFails) {
  DomainSpec s = ReadDomainSpec(D(json::parse(R"({
      "zone": "example.com",
      "providers": [{"name": "a"}, {}, "b", {"name": 3}, {"name": "c"}],
      "nameservers": [{"name": ""}, {"addresses": ["192.0.2.1"]}, {"name": "ns1"}]})")));
  EXPECT_EQ(s.zone, "example.com.");
  EXPECT_EQ(s.providers, (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(s.nameservers, (std::vector<NameserverSpec>{{"", {}}, {"ns1", {}}}));
  EXPECT_EQ(ReadDomainSpec(D(json::parse(R"({"providers": "x", "nameservers": 1})"))), (DomainSpec{}));
  EXPECT_EQ(ReadDomainSpec(json("not an object")), DomainSpec{});
}

TEST(ParseRegistrationChecks, ReadsTheFieldsAsWritten) {
  auto c = ParseRegistrationChecks(json::parse(R"({"checks": {"registration": {
      "interval": "6h", "warnBefore": "720h", "criticalBefore": "168h", "expectTransferLock": true}}})"));
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->interval, std::chrono::hours(6));
  EXPECT_EQ(c->warn_before, std::chrono::hours(720));
  EXPECT_EQ(c->critical_before, std::chrono::hours(168));
  EXPECT_EQ(c->expect_transfer_lock, true);
  auto absent = ParseRegistrationChecks(json::parse(R"({"checks": {"delegation": {"interval": "1m"}}})"));
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(*absent, RegistrationChecksSpec{});
  auto lone_critical = ParseRegistrationChecks(json::parse(R"({"checks": {"registration": {"criticalBefore": "9000h"}}})"));
  EXPECT_TRUE(lone_critical.ok()) << "compared with warnBefore only when both are given";
}

class ParseRegistrationChecksErrors : public ::testing::TestWithParam<ErrorCase> {};
TEST_P(ParseRegistrationChecksErrors, NameTheField) {
  auto c = ParseRegistrationChecks(json::parse(GetParam().spec));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(c.error().message, GetParam().want);
}
INSTANTIATE_TEST_SUITE_P(
    Spec, ParseRegistrationChecksErrors,
    ::testing::ValuesIn(std::vector<ErrorCase>{
        {"checks_not_an_object", R"({"checks": []})", "spec.checks: must be an object"},
        {"registration_not_an_object", R"({"checks": {"registration": 1}})",
         "spec.checks.registration: must be an object"},
        {"interval_not_a_string", R"({"checks": {"registration": {"interval": 60}}})",
         "spec.checks.registration.interval: must be a duration string such as \"12h\""},
        {"interval_below_a_minute", R"({"checks": {"registration": {"interval": "30s"}}})",
         "spec.checks.registration.interval: must be at least 1m (registries rate-limit), got 30s"},
        {"critical_not_shorter", R"({"checks": {"registration": {"warnBefore": "168h", "criticalBefore": "720h"}}})",
         "spec.checks.registration.criticalBefore: must be shorter than warnBefore (720h0m0s >= 168h0m0s)"},
        {"lock_not_a_bool", R"({"checks": {"registration": {"expectTransferLock": "yes"}}})",
         "spec.checks.registration.expectTransferLock: must be true or false"},
    }),
    [](const auto& info) { return info.param.name; });

TEST(ReadDomainSpec, DelegationIntervalWhenAPositiveDuration) {
  auto with = [](json interval) { return D({{"checks", {{"delegation", {{"interval", interval}}}}}}); };
  using std::chrono::seconds;
  EXPECT_EQ(ReadDomainSpec(with("5m")).delegation_interval, std::chrono::minutes(5));
  EXPECT_EQ(ReadDomainSpec(with("1m30s")).delegation_interval, seconds(90));
  EXPECT_EQ(ReadDomainSpec(with("soon")).delegation_interval, std::nullopt);
  EXPECT_EQ(ReadDomainSpec(with("0s")).delegation_interval, std::nullopt);
  EXPECT_EQ(ReadDomainSpec(with(30)).delegation_interval, std::nullopt);
  EXPECT_EQ(ReadDomainSpec(D({{"zone", "z.test"}})).delegation_interval, std::nullopt);
  EXPECT_FALSE(ParseDomainSpec(with("soon")).ok());
}

TEST(CanonicalZoneOf, LowerCaseOneTrailingDot) {
  EXPECT_EQ(CanonicalZoneOf(D({{"zone", "Example.COM"}})), "example.com.");
  EXPECT_EQ(CanonicalZoneOf(D({{"zone", "example.com.."}})), "example.com.");
  EXPECT_EQ(CanonicalZoneOf(D({{"zone", "."}})), "");
  EXPECT_EQ(CanonicalZoneOf(D({{"zone", 5}})), "");
  EXPECT_EQ(CanonicalZoneOf(json::object()), "");
}

}  // namespace
}  // namespace domainguard::api

namespace domainguard::api {
namespace {

TEST(AlertChannelNames, EntriesWithAStringNameInOrder) {
  EXPECT_EQ(AlertChannelNames(nlohmann::json::parse(
                R"({"spec": {"alertChannels": [{"name": "ops"}, {"kind": "x"}, "mail", {"name": 3}, {"name": "sms"}]}})")),
            (std::vector<std::string>{"ops", "sms"}));
  EXPECT_TRUE(AlertChannelNames(nlohmann::json::parse(R"({"spec": {"alertChannels": "ops"}})")).empty());
  EXPECT_TRUE(AlertChannelNames(nlohmann::json::parse(R"({"spec": "ops"})")).empty());
  EXPECT_TRUE(AlertChannelNames(nlohmann::json::object()).empty());
}

}  // namespace
}  // namespace domainguard::api
