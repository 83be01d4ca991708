// PackedZone: an ObservedZone's name and rrsets read back exactly as they were packed (its version is not kept),
// in a fraction of its size; providers holding the same rrsets share one buffer.
#include "controller/records/packed_zone.h"

#include <gtest/gtest.h>

namespace domainguard::records {
namespace {

using providers::ObservedRRset;
using providers::ObservedZone;

ObservedRRset Set(std::string name, std::string type, uint32_t ttl, std::vector<std::string> values,
                  std::string owner = "web/example", bool adopted = false) {
  return ObservedRRset{zone::RRset{std::move(name), std::move(type), ttl, std::move(values)}, std::move(owner), adopted};
}

// The zone the scale bench's Domains have at each provider: apex NS, MX, TXT, www A and AAAA, mx A.
ObservedZone BenchZone() {
  ObservedZone z;
  z.zone = "it-1234.test.";
  z.version = {2026120701, "ns1.pdns-a.net. hostmaster.it-1234.test. 2026120701 10800 3600 604800 3600", 3600};
  z.rrsets = {Set("it-1234.test.", "MX", 300, {"10 mx.it-1234.test."}),
              Set("it-1234.test.", "NS", 3600, {"ns1.pdns-a.net.", "ns1.pdns-b.net."}),
              Set("it-1234.test.", "TXT", 300, {"\"v=spf1 -all\""}),
              Set("mx.it-1234.test.", "A", 300, {"192.0.2.25"}),
              Set("www.it-1234.test.", "A", 60, {"192.0.2.80"}),
              Set("www.it-1234.test.", "AAAA", 60, {"2001:db8::80"})};
  return z;
}

void ExpectSame(const ObservedZone& got, const ObservedZone& want) {
  EXPECT_EQ(got.zone, want.zone);
  EXPECT_EQ(got.version.serial, 0u) << "the version is not kept: no plan reads it";
  EXPECT_EQ(got.version.soa, "");
  EXPECT_EQ(got.version.soa_ttl, 0u);
  EXPECT_EQ(got.rrsets, want.rrsets);
}

TEST(PackedZone, ReadsBackExactly) {
  const ObservedZone z = BenchZone();
  Result<ObservedZone> back = PackedZone(z).Unpack();
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ExpectSame(*back, z);
}

TEST(PackedZone, KeepsOwnersAdoptionLongValuesAndLargeIntegers) {
  ObservedZone z;
  z.zone = "example.com.";
  z.version = {UINT32_MAX, "", 0};
  const std::string long_txt = "\"" + std::string(300, 'x') + "\" \"second string\"";  // lengths over 127
  z.rrsets = {Set("example.com.", "TXT", UINT32_MAX, {long_txt, "\"\\010 escaped\""}, ""),
              Set("adopted.example.com.", "CNAME", 0, {"target.example.net."}, "", true),
              Set("empty.example.com.", "A", 1, {}, "other-ns/other-domain"),
              Set("again.example.com.", "A", 1, {"192.0.2.1"}, "other-ns/other-domain"),
              Set("unmarked.example.com.", "A", 1, {"192.0.2.2"}, "")};
  Result<ObservedZone> back = PackedZone(z).Unpack();
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ExpectSame(*back, z);
}

TEST(PackedZone, KeepsNamesOutsideTheZoneAndLookalikes) {
  ObservedZone z;
  z.zone = "example.com.";
  z.rrsets = {Set("example.net.", "A", 1, {"192.0.2.1"}),           // not under the zone
              Set("badexample.com.", "A", 1, {"192.0.2.2"}),        // ends with the zone's text, no dot before it
              Set(".example.com.", "A", 1, {"192.0.2.3"}),          // an empty label before the zone
              Set("a.b.example.com.", "A", 1, {"192.0.2.4"}, "x"),  // two labels below it
              Set("com.", "NS", 1, {"a.example."}, "x")};
  Result<ObservedZone> back = PackedZone(z).Unpack();
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ExpectSame(*back, z);
}

TEST(PackedZone, ProvidersHoldingTheSameRrsetsShareOneBuffer) {
  ObservedZone a = BenchZone();
  ObservedZone b = BenchZone();
  b.version = {2026120702, "ns1.pdns-b.net. hostmaster.it-1234.test. 2026120702 10800 3600 604800 3600", 3600};
  const PackedZone pa(a);
  const PackedZone pb = PackedZone(b).Share(pa);
  EXPECT_EQ(pa, pb);
  b.rrsets[0].rrset.ttl = 301;
  const PackedZone other = PackedZone(b).Share(pa);
  EXPECT_FALSE(other == pa);
  Result<ObservedZone> back = other.Unpack();
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ExpectSame(*back, b);
  back = pb.Unpack();
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ExpectSame(*back, a);
}

TEST(PackedZone, AnEmptyZoneReadsBackEmpty) {
  Result<ObservedZone> back = PackedZone(ObservedZone{}).Unpack();
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ExpectSame(*back, ObservedZone{});
  EXPECT_TRUE(PackedZone().Unpack().ok() == false) << "nothing packed is not a zone";
}

TEST(PackedZone, IsOneSmallBuffer) {
  // 6 rrsets of ~30-byte names and values: as ObservedZone ~1.2 KB in ~30 allocations; names relative to the
  // zone and the owner once.
  EXPECT_LT(PackedZone(BenchZone()).bytes(), 200u);  // 180; was ~400 with the version, names whole, owners each
}

}  // namespace
}  // namespace domainguard::records
