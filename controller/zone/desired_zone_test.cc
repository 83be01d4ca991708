#include "controller/zone/desired_zone.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::zone {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Describe(const DesiredZone& z) {
  std::vector<std::string> out;
  for (const RRset& r : z.rrsets) out.push_back(zone::Describe(r));
  return out;
}

json Spec(json records, json nameservers = json::array({{{"name", "ns1.pdns-a.net."}}})) {
  return {{"zone", "Example.com"}, {"records", std::move(records)}, {"nameservers", std::move(nameservers)}};
}

TEST(BuildDesiredZone, RecordsNameserversAndGlue) {
  json spec = Spec(json::array({
                       {{"name", "@"}, {"type", "MX"}, {"ttl", 3600}, {"values", {"10 MX1.example.com."}}},
                       {{"name", "www"}, {"type", "A"}, {"ttl", 300}, {"values", {"192.0.2.80"}}},
                       {{"name", "www"}, {"type", "a"}, {"ttl", 300}, {"values", {"192.0.2.81"}}},
                   }),
                   json::array({{{"name", "ns1.example.com"}, {"addresses", {"192.0.2.10", "2001:db8::10"}}},
                                {{"name", "ns1.pdns-a.example."}, {"addresses", {"198.51.100.1"}}}}));
  Result<DesiredZone> z = BuildDesiredZone(spec, {});
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  EXPECT_EQ(z->origin, "example.com.");
  EXPECT_THAT(Describe(*z), ElementsAre("example.com. 3600 MX 10 mx1.example.com.",
                                        "example.com. 3600 NS ns1.example.com.,ns1.pdns-a.example.",
                                        "ns1.example.com. 3600 A 192.0.2.10",
                                        "ns1.example.com. 3600 AAAA 2001:db8::10",
                                        "www.example.com. 300 A 192.0.2.80,192.0.2.81"));
  EXPECT_THAT(z->nameservers, ElementsAre("ns1.example.com.", "ns1.pdns-a.example."));
  ASSERT_NE(z->Find("www.example.com.", "A"), nullptr);
  EXPECT_EQ(z->Find("www.example.com.", "AAAA"), nullptr);
  EXPECT_EQ(z->RecordCount(), 7u);
}

TEST(BuildDesiredZone, ProviderNameserversWhenSpecHasNone) {
  json spec = {{"zone", "example.com"}, {"records", json::array()}};
  ZoneSources src;
  src.provider_nameservers = {"NS1.pdns-b.net.", "ns1.pdns-a.net"};
  Result<DesiredZone> z = BuildDesiredZone(spec, src);
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  EXPECT_THAT(Describe(*z), ElementsAre("example.com. 3600 NS ns1.pdns-a.net.,ns1.pdns-b.net."));
  Result<DesiredZone> none = BuildDesiredZone(spec, {});
  ASSERT_FALSE(none.ok());
  EXPECT_THAT(none.error().message, HasSubstr("spec.nameservers"));
}

TEST(BuildDesiredZone, RecordsFromMergesWithRecords) {
  json spec = Spec(json::array({{{"name", "www"}, {"type", "A"}, {"ttl", 300}, {"values", {"192.0.2.1"}}}}));
  ZoneSources src;
  src.records_from =
      "$TTL 300\n@ SOA ns1 h 1 1 1 1 1\n@ NS ignored.example.\nwww A 192.0.2.2\nftp CNAME www\n";
  Result<DesiredZone> z = BuildDesiredZone(spec, src);
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  EXPECT_THAT(Describe(*z), ElementsAre("example.com. 3600 NS ns1.pdns-a.net.",
                                        "ftp.example.com. 300 CNAME www.example.com.",
                                        "www.example.com. 300 A 192.0.2.1,192.0.2.2"));
}

struct InvalidCase {
  std::string name;
  json records;
  std::string want;  // substring of the message
  std::optional<std::string> records_from = std::nullopt;
};
class InvalidTest : public ::testing::TestWithParam<InvalidCase> {};
TEST_P(InvalidTest, NamesTheField) {
  const InvalidCase& c = GetParam();
  ZoneSources src;
  src.records_from = c.records_from;
  Result<DesiredZone> z = BuildDesiredZone(Spec(c.records), src);
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(z.error().message, HasSubstr(c.want));
}
json R(std::string name, std::string type, std::vector<std::string> values, int ttl = 300) {
  return {{"name", name}, {"type", type}, {"ttl", ttl}, {"values", values}};
}
INSTANTIATE_TEST_SUITE_P(
    Records, InvalidTest,
    ::testing::ValuesIn(std::vector<InvalidCase>{
        {"bad_ipv4",
         json::array({R("a", "A", {"192.0.2.1"}), R("b", "A", {"192.0.2.1"}), R("c", "A", {"192.0.2.1"}),
                      R("d", "A", {"300.1.1.1"})}),
         "spec.records[3].values[0]: \"300.1.1.1\" is not an IPv4 address"},
        {"cname_at_apex", json::array({R("@", "CNAME", {"other.example.net."})}),
         "spec.records[0]: CNAME is not allowed at the zone apex (example.com.)"},
        {"cname_beside_a", json::array({R("www", "A", {"192.0.2.1"}), R("www", "CNAME", {"x.example.net."})}),
         "spec.records[1]: www.example.com. has a CNAME and other records (A from spec.records[0])"},
        {"two_cname_values", json::array({R("www", "CNAME", {"a.example.net.", "b.example.net."})}),
         "a CNAME has exactly one value"},
        {"ttl_mismatch", json::array({R("www", "A", {"192.0.2.1"}, 300), R("www", "A", {"192.0.2.2"}, 60)}),
         "spec.records[1]: www.example.com. A has TTL 60 but spec.records[0] gives 300"},
        {"outside_zone", json::array({R("www.other.org.", "A", {"192.0.2.1"})}), "spec.records[0].name:"},
        {"soa", json::array({R("@", "SOA", {"a. b. 1 1 1 1 1"})}), "spec.records[0]: SOA records are managed"},
        {"apex_ns", json::array({R("@", "NS", {"ns.example.net."})}), "spec.records[0]: the apex NS set"},
        {"reserved_name", json::array({R("_dg-owner.www", "TXT", {"x"})}), "reserved for domainguard"},
        {"missing_values", json::array({{{"name", "www"}, {"type", "A"}}}), "spec.records[0].values: required"},
        {"bad_ttl", json::array({{{"name", "www"}, {"type", "A"}, {"ttl", -1}, {"values", {"192.0.2.1"}}}}),
         "spec.records[0].ttl"},
        {"bad_type", json::array({R("www", "BOGUS", {"x"})}), "spec.records[0].type:"},
        {"records_from_line", json::array(), "spec.recordsFrom: line 2:", "a A 192.0.2.1\nb A 1.2.3.999\n"},
        {"records_from_cname_conflict", json::array({R("www", "A", {"192.0.2.1"})}),
         "spec.recordsFrom line 1: www.example.com. has a CNAME and other records (A from spec.records[0])",
         "www CNAME x.example.net.\n"},
        {"every_problem_listed", json::array({R("a", "A", {"1.2.3"}), R("b", "AAAA", {"1.2.3.4"})}),
         "spec.records[0].values[0]: \"1.2.3\" is not an IPv4 address; spec.records[1].values[0]: \"1.2.3.4\" is "
         "not an IPv6 address"},
    }),
    [](const auto& info) { return info.param.name; });

TEST(BuildDesiredZone, InBailiwickNameserverNeedsGlue) {
  json spec = Spec(json::array(), json::array({{{"name", "ns1.example.com."}}}));
  Result<DesiredZone> z = BuildDesiredZone(spec, {});
  ASSERT_FALSE(z.ok());
  EXPECT_THAT(z.error().message, HasSubstr("spec.nameservers[0].addresses: ns1.example.com. is inside the zone"));
}

TEST(BuildDesiredZone, BadGlueAddressNamesTheField) {
  json spec = Spec(json::array(), json::array({{{"name", "ns1.example.com."}, {"addresses", {"10.0.0.300"}}}}));
  Result<DesiredZone> z = BuildDesiredZone(spec, {});
  ASSERT_FALSE(z.ok());
  EXPECT_THAT(z.error().message, HasSubstr("spec.nameservers[0].addresses[0]: \"10.0.0.300\" is not an IPv4"));
}

// Glue in spec.nameservers and an explicit record of the same name and type (issue #15, item 2).
struct GlueCase {
  std::string name;
  json records;
  std::string want;        // the ns1 A rrset as Describe prints it; "" when the build fails
  std::string want_note;   // substring of the one note; "" for none
  std::string want_error;  // substring of the error
};

class GlueMergeTest : public ::testing::TestWithParam<GlueCase> {};

TEST_P(GlueMergeTest, OneRRset) {
  const GlueCase& c = GetParam();
  json spec = Spec(c.records, json::array({{{"name", "ns1.example.com"}, {"addresses", {"192.0.2.10"}}},
                                           {{"name", "ns1.pdns-a.net."}}}));
  Result<DesiredZone> z = BuildDesiredZone(spec, {});
  if (c.want.empty()) {
    ASSERT_FALSE(z.ok());
    EXPECT_THAT(z.error().message, HasSubstr(c.want_error));
    return;
  }
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  const RRset* a = z->Find("ns1.example.com.", "A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(zone::Describe(*a), c.want);
  if (c.want_note.empty()) {
    EXPECT_TRUE(z->notes.empty());
  } else {
    ASSERT_EQ(z->notes.size(), 1u);
    EXPECT_THAT(z->notes[0], HasSubstr(c.want_note));
  }
}

INSTANTIATE_TEST_SUITE_P(
    BuildDesiredZone, GlueMergeTest,
    ::testing::ValuesIn(std::vector<GlueCase>{
        {"glue_only", json::array(), "ns1.example.com. 3600 A 192.0.2.10", "", ""},
        {"explicit_ttl_wins_when_values_agree",
         json::array({{{"name", "ns1"}, {"type", "A"}, {"ttl", 60}, {"values", {"192.0.2.10"}}}}),
         "ns1.example.com. 60 A 192.0.2.10", "ns1.example.com. A TTL 60 from spec.records[0]", ""},
        {"same_ttl_same_values_no_note",
         json::array({{{"name", "ns1"}, {"type", "A"}, {"ttl", 3600}, {"values", {"192.0.2.10"}}}}),
         "ns1.example.com. 3600 A 192.0.2.10", "", ""},
        {"different_addresses_refused",
         json::array({{{"name", "ns1"}, {"type", "A"}, {"ttl", 60}, {"values", {"192.0.2.99"}}}}), "", "",
         "spec.nameservers[0].addresses: ns1.example.com. A glue 192.0.2.10 differs from spec.records[0] 192.0.2.99"},
        {"different_addresses_same_ttl_refused",
         json::array({{{"name", "ns1"}, {"type", "A"}, {"ttl", 3600}, {"values", {"192.0.2.10", "192.0.2.11"}}}}),
         "", "", "differs from spec.records[0] 192.0.2.10,192.0.2.11"},
    }),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace domainguard::zone
