#include "controller/delegation/packed_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "controller/dns/dns_message.h"

namespace domainguard::delegation {
namespace {

using ::testing::IsEmpty;

// A Domain of the scale bench: 2 name servers in the zone with glue, 5 records and the apex.
ZoneSpec BenchSpec() {
  ZoneSpec s;
  s.zone = "d0042.scale.test.";
  s.nameservers = {{"ns1.d0042.scale.test.", {"10.53.0.1"}, "pdns-a"},
                   {"ns2.d0042.scale.test.", {"10.53.0.2", "fd00::2"}, "pdns-b"}};
  s.records = {{"d0042.scale.test.", dns::kTypeA, {"192.0.2.1"}},
               {"r0.d0042.scale.test.", dns::kTypeA, {"192.0.2.10", "192.0.2.11"}},
               {"r1.d0042.scale.test.", dns::kTypeTXT, {"\"hello world\""}},
               {"www.d0042.scale.test.", dns::kTypeCNAME, {"d0042.scale.test."}}};
  return s;
}

void ExpectRoundTrip(const ZoneSpec& spec) {
  Result<ZoneSpec> back = PackedZoneSpec(spec).Unpack();
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->zone, spec.zone);
  EXPECT_EQ(back->nameservers, spec.nameservers);
  EXPECT_EQ(back->records, spec.records);
  EXPECT_THAT(back->providers, IsEmpty());
}

TEST(PackedZoneSpecTest, RoundTripsTheBenchSpec) { ExpectRoundTrip(BenchSpec()); }

TEST(PackedZoneSpecTest, RoundTripsEmptySets) {
  ExpectRoundTrip(ZoneSpec{});
  ZoneSpec zone_only;
  zone_only.zone = "example.test.";
  ExpectRoundTrip(zone_only);
  ZoneSpec empty_values = zone_only;
  empty_values.nameservers = {{"ns1.example.test.", {}, ""}};
  empty_values.records = {{"www.example.test.", dns::kTypeA, {}}};
  ExpectRoundTrip(empty_values);
}

TEST(PackedZoneSpecTest, RoundTripsNamesOutsideTheZoneAndLookalikes) {
  ZoneSpec s;
  s.zone = "example.test.";
  s.nameservers = {{"ns1.provider.test.", {}, "pdns"},   // outside
                   {"test.", {}, ""},                    // the parent
                   {"badexample.test.", {}, ""},         // ends with the zone, no label boundary
                   {".example.test.", {}, ""},           // an empty label before the zone
                   {"example.test.example.test.", {"10.0.0.1"}, ""}};
  s.records = {{"xexample.test.", dns::kTypeA, {"192.0.2.1"}},
               {"example.test", dns::kTypeA, {"192.0.2.2"}},  // without the final dot: not the apex
               {"a.b.c.example.test.", dns::kTypeTXT, {"\"x\""}}};
  ExpectRoundTrip(s);
}

TEST(PackedZoneSpecTest, RoundTripsIdnAndUppercaseAsGiven) {
  ZoneSpec s;
  s.zone = "xn--bcher-kva.example.";
  s.nameservers = {{"NS1.XN--BCHER-KVA.EXAMPLE.", {"10.0.0.1"}, ""},
                   {"ns2.xn--bcher-kva.example.", {}, "B"}};
  s.records = {{"WWW.xn--bcher-kva.example.", dns::kTypeA, {"192.0.2.1"}},
               {"bücher.xn--bcher-kva.example.", dns::kTypeAAAA, {"2001:db8::1"}}};
  ExpectRoundTrip(s);
  ZoneSpec upper_zone = s;
  upper_zone.zone = "XN--BCHER-KVA.EXAMPLE.";
  ExpectRoundTrip(upper_zone);
}

TEST(PackedZoneSpecTest, RoundTripsEveryTypeValueAndLongStrings) {
  ZoneSpec s;
  s.zone = "example.test.";
  std::string long_value(300, 'v');  // a length that takes two varint bytes
  s.records = {{"a.example.test.", 0, {long_value}},
               {"b.example.test.", 65535, {"\\# 0"}},
               {"c.example.test.", dns::kTypeMX, {"10 mx.example.test.", "20 mx2.other.test."}}};
  ExpectRoundTrip(s);
}

TEST(PackedZoneSpecTest, LeavesOutTheProviders) {
  ZoneSpec s = BenchSpec();
  s.providers = {{"pdns-a", 7, {6}, {"www.d0042.scale.test. A"}}};
  ExpectRoundTrip(s);
  EXPECT_EQ(PackedZoneSpec(s).bytes(), PackedZoneSpec(BenchSpec()).bytes());
}

TEST(PackedZoneSpecTest, KeepsNamesInTheZoneOnce) {
  // Every name under the zone is stored without it: the bench spec packs smaller than its strings spelled out
  // (6 names of ~20 bytes, 17 of them the zone's), and smaller than the same spec with names outside the zone.
  const ZoneSpec s = BenchSpec();
  size_t strings = s.zone.size();
  for (const NameserverSpec& ns : s.nameservers) {
    strings += ns.name.size() + ns.provider.size();
    for (const std::string& a : ns.addresses) strings += a.size();
  }
  for (const DesiredRecord& r : s.records) {
    strings += r.name.size();
    for (const std::string& v : r.values) strings += v.size();
  }
  EXPECT_LT(PackedZoneSpec(s).bytes(), strings - 4 * s.zone.size());
  ZoneSpec outside = s;
  outside.zone = "other.test.";
  EXPECT_LT(PackedZoneSpec(s).bytes() + 5 * 16, PackedZoneSpec(outside).bytes());
}

}  // namespace
}  // namespace domainguard::delegation
