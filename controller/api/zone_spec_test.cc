#include "controller/api/zone_spec.h"

#include <gtest/gtest.h>

#include "controller/api/full_domain_spec.h"

namespace domainguard::api {
namespace {

using nlohmann::json;

TEST(ParseZoneSpec, ReadsEveryEntryAsWritten) {
  Result<ZoneSpec> z = ParseZoneSpec(json::parse(R"({"zone": "Shop.Test",
      "records": [{"type": "MX", "ttl": 60, "values": ["10 mx"]}, {"name": "www", "type": "a", "values": ["x"]}],
      "nameservers": [{"name": "ns1.shop.test", "addresses": ["192.0.2.1"]}, {"name": "ns.other."}]})"));
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  ZoneSpec want;
  want.zone = "Shop.Test";
  want.records = {{{"@", "MX", 60, {"10 mx"}}, ""}, {{"www", "a", std::nullopt, {"x"}}, ""}};
  want.nameservers = {{{"ns1.shop.test", {{"192.0.2.1", ""}}, ""}, ""}, {{"ns.other.", {}, ""}, ""}};
  EXPECT_EQ(*z, want);
}

TEST(ParseZoneSpec, OnlyASpecThatIsNotAnObjectFails) {
  Result<ZoneSpec> z = ParseZoneSpec(json::array());
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.error().message, "spec: must be an object");
  Result<ZoneSpec> empty = ParseZoneSpec(json::object());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, ZoneSpec{});
  Result<ZoneSpec> nulls = ParseZoneSpec(json::parse(R"({"zone": 5, "records": null, "nameservers": null})"));
  ASSERT_TRUE(nulls.ok()) << "null lists read as absent, a zone that is not a string as none";
  EXPECT_EQ(*nulls, ZoneSpec{});
}

// A bad entry keeps its place with the problem naming its field, in the words the zone builder always used.
struct ProblemCase {
  std::string name;
  std::string spec;
  std::string want;  // the first problem found, in spec order
};

std::string FirstProblem(const ZoneSpec& z) {
  if (!z.records_problem.empty()) return z.records_problem;
  for (const auto& r : z.records) {
    if (!r.ok()) return r.problem;
  }
  if (!z.nameservers_problem.empty()) return z.nameservers_problem;
  for (const auto& n : z.nameservers) {
    if (!n.ok()) return n.problem;
    if (!n.value.addresses_problem.empty()) return n.value.addresses_problem;
    for (const auto& a : n.value.addresses) {
      if (!a.ok()) return a.problem;
    }
  }
  return "";
}

class ZoneSpecProblems : public ::testing::TestWithParam<ProblemCase> {};

TEST_P(ZoneSpecProblems, NameTheField) {
  Result<ZoneSpec> z = ParseZoneSpec(json::parse(GetParam().spec));
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  EXPECT_EQ(FirstProblem(*z), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ZoneSpecProblems,
    ::testing::Values(
        ProblemCase{"RecordsNotAList", R"({"records": {"name": "www"}})", "spec.records: must be a list"},
        ProblemCase{"RecordNotAnObject", R"({"records": ["www A 1.2.3.4"]})", "spec.records[0]: must be an object"},
        ProblemCase{"NameNotAString", R"({"records": [{"type": "A", "values": ["x"]}, {"name": 7}]})",
                    "spec.records[1].name: must be a string"},
        ProblemCase{"NoType", R"({"records": [{"name": "www", "values": ["x"]}]})",
                    "spec.records[0].type: required string"},
        ProblemCase{"TtlNegative", R"({"records": [{"type": "A", "ttl": -1, "values": ["x"]}]})",
                    "spec.records[0].ttl: must be an integer from 0 to 2147483647"},
        ProblemCase{"TtlTooLarge", R"({"records": [{"type": "A", "ttl": 2147483648, "values": ["x"]}]})",
                    "spec.records[0].ttl: must be an integer from 0 to 2147483647"},
        ProblemCase{"TtlAString", R"({"records": [{"type": "A", "ttl": "300", "values": ["x"]}]})",
                    "spec.records[0].ttl: must be an integer from 0 to 2147483647"},
        ProblemCase{"NoValues", R"({"records": [{"type": "A"}]})",
                    "spec.records[0].values: required, at least one value"},
        ProblemCase{"EmptyValues", R"({"records": [{"type": "A", "values": []}]})",
                    "spec.records[0].values: required, at least one value"},
        ProblemCase{"ValueNotAString", R"({"records": [{"type": "A", "values": ["x", 1]}]})",
                    "spec.records[0].values[1]: must be a string"},
        ProblemCase{"NameserversNotAList", R"({"nameservers": "ns1.example.net"})",
                    "spec.nameservers: must be a list"},
        ProblemCase{"NameserverWithoutName", R"({"nameservers": [{"name": "a."}, {"addresses": []}]})",
                    "spec.nameservers[1].name: required string"},
        ProblemCase{"NameserverNotAnObject", R"({"nameservers": ["ns1.example.net"]})",
                    "spec.nameservers[0].name: required string"},
        ProblemCase{"AddressesNotAList", R"({"nameservers": [{"name": "a.", "addresses": "192.0.2.1"}]})",
                    "spec.nameservers[0].addresses: must be a list"},
        ProblemCase{"AddressNotAString", R"({"nameservers": [{"name": "a.", "addresses": ["192.0.2.1", 5]}]})",
                    "spec.nameservers[0].addresses[1]: must be a string"},
        ProblemCase{"AllGood", R"({"records": [{"type": "A", "values": ["x"]}], "nameservers": [{"name": "a."}]})",
                    ""}),
    [](const ::testing::TestParamInfo<ProblemCase>& i) { return i.param.name; });

TEST(ParseRecordList, NumbersFromTheFirstIndex) {
  std::vector<Checked<RecordSpec>> r = ParseRecordList(json::parse(R"([{"type": "A", "values": ["x"]}, {}])"), 3);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].ok());
  EXPECT_EQ(r[1].problem, "spec.records[4].type: required string");
  EXPECT_TRUE(ParseRecordList(json::object(), 0).empty());
}

TEST(ParseProviderEntries, KeepsEachEntryInItsPlace) {
  json d = {{"spec", {{"providers", json::parse(R"([{"name": "pdns-a"}, {"kind": "x"}, "bind-b", {"name": 1}])")}}}};
  std::vector<Checked<std::string>> p = ParseProviderEntries(d);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], (Checked<std::string>{"pdns-a", ""}));
  EXPECT_EQ(p[1].problem, "spec.providers[1].name: required");
  EXPECT_EQ(p[2].problem, "spec.providers[2].name: required");
  EXPECT_EQ(p[3].problem, "spec.providers[3].name: required");
  EXPECT_TRUE(ParseProviderEntries({{"spec", {{"providers", "pdns-a"}}}}).empty());
  EXPECT_TRUE(ParseProviderEntries(json::object()).empty());
}

// Every section in one call, each section on its own: a bad one does not hide the others.
TEST(ReadFullDomainSpec, EverySectionInOneRead) {
  json d = {{"metadata", {{"namespace", "web"}}},
            {"spec", json::parse(R"({"zone": "Shop.Test.", "providers": [{"name": "pdns-a"}],
              "records": [{"name": "www"}], "ownership": "Everything",
              "recordsFrom": {"configMapRef": {"name": "cm", "key": "zone"}}})")}};
  FullDomainSpec s = ReadFullDomainSpec(d);
  EXPECT_EQ(s.common.zone, "shop.test.");
  EXPECT_EQ(s.common.records_from, (ConfigMapKeyRef{"cm", "zone"}));
  EXPECT_EQ(s.providers, (std::vector<Checked<std::string>>{{"pdns-a", ""}}));
  ASSERT_TRUE(s.zone.ok());
  EXPECT_EQ(s.zone->zone, "Shop.Test.");
  ASSERT_EQ(s.zone->records.size(), 1u);
  EXPECT_EQ(s.zone->records[0].problem, "spec.records[0].type: required string");
  ASSERT_FALSE(s.records_policy.ok());
  EXPECT_EQ(s.records_policy.error().message, R"(spec.ownership: "Everything" is not Records or Zone)");

  FullDomainSpec not_an_object = ReadFullDomainSpec({{"spec", "shop.test"}});
  ASSERT_FALSE(not_an_object.zone.ok());
  EXPECT_EQ(not_an_object.zone.error().message, "spec: must be an object");
  EXPECT_TRUE(not_an_object.records_policy.ok());
}

}  // namespace
}  // namespace domainguard::api
