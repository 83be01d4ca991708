#include "controller/dns/zone_file.h"

#include <gtest/gtest.h>

namespace domainguard::dns {
namespace {

TEST(ZoneFileTest, ParsesRootHintsStyleText) {
  auto r = ParseZoneText(
      "; hints\n.  3600000  NS  A.ROOT-SERVERS.NET.\nA.ROOT-SERVERS.NET. 3600000 A 127.53.0.1\n"
      "A.ROOT-SERVERS.NET. 3600000 AAAA 2001:db8::1\n");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, ".");
  EXPECT_EQ((*r)[0].type, kTypeNS);
  EXPECT_EQ((*r)[0].rdata, "a.root-servers.net.");
  EXPECT_EQ((*r)[1].rdata, "127.53.0.1");
  EXPECT_EQ((*r)[2].rdata, "2001:db8::1");
}

TEST(ZoneFileTest, RelativeNamesUseTheOrigin) {
  auto r = ParseZoneText("$TTL 300\nwww IN A 192.0.2.1\n@ IN MX 10 mx1\n", "example.test.");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "www.example.test.");
  EXPECT_EQ((*r)[0].ttl, 300u);
  EXPECT_EQ((*r)[1].rdata, "10 mx1.example.test.");
}

TEST(ZoneFileTest, BadLineIsNamed) {
  auto r = ParseZoneText("www IN A not-an-address\n", "example.test.");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find("line"), std::string::npos);
  EXPECT_EQ(ParseZoneFile("/nonexistent/hints").error().code, ErrorCode::kNotFound);
}

TEST(NormalizeRdataTest, MatchesWhatServersPrint) {
  EXPECT_EQ(*NormalizeRdata(kTypeMX, "10 MX1.Example.TEST.", "example.test."), "10 mx1.example.test.");
  EXPECT_EQ(*NormalizeRdata(kTypeMX, "10 mx1", "example.test."), "10 mx1.example.test.");
  EXPECT_EQ(*NormalizeRdata(kTypeAAAA, "2001:DB8:0::1", "example.test."), "2001:db8::1");
  EXPECT_EQ(*NormalizeRdata(kTypeTXT, "\"v=spf1 -all\"", "example.test."), "\"v=spf1 -all\"");
  EXPECT_FALSE(NormalizeRdata(kTypeA, "300.1.1.1", "example.test.").ok());
}

// The fast path (base/plain_rdata.h) must be invisible: each value gives what ldns alone gives, or both fail.
TEST(NormalizeRdataTest, PlainFastPathAgreesWithLdns) {
  const std::vector<std::pair<uint16_t, std::string>> cases = {
      {kTypeA, "192.0.2.1"},      {kTypeA, "0.0.0.0"},         {kTypeA, "256.0.0.1"},     {kTypeA, "01.2.3.4"},
      {kTypeA, " 1.2.3.4"},       {kTypeA, "1.2.3.4 ; x"},     {kTypeA, "::1"},           {kTypeA, ""},
      {kTypeAAAA, "2001:db8::1"}, {kTypeAAAA, "2001:DB8:0:0::10"}, {kTypeAAAA, "::"},     {kTypeAAAA, "1.2.3.4"},
      {kTypeAAAA, "::ffff:1.2.3.4"}, {kTypeAAAA, "fe80::1%eth0"}, {kTypeAAAA, "2001:0db8:0000::0001"},
      {kTypeA, std::string("1.2.3.4\0x", 9)}, {kTypeAAAA, std::string("::1\0", 4)},
      {kTypeNS, "ns1.example.net."}, {kTypeNS, "NS1.Example.NET."}, {kTypeNS, "ns1"}, {kTypeNS, "a..b."},
      {kTypeNS, "@"}, {kTypeNS, "x\\.y."}, {kTypeNS, "ns1.example.net. "}, {kTypeNS, "-a.b."}, {kTypeNS, "*.a."},
      {kTypeMX, "10 mx1"}, {kTypeMX, "010 MX1.Example.TEST."}, {kTypeMX, "65536 mx."}, {kTypeMX, "10  mx."},
      {kTypeMX, "0 ."}, {kTypeMX, "10"}, {kTypeMX, "10 mx. x"},
      {kTypeTXT, "\"v=spf1 -all\""}, {kTypeTXT, "v=spf1 -all"}, {kTypeTXT, "\"a\" \"b\""}, {kTypeTXT, "\"\""},
      {kTypeTXT, "\"a;b\""}, {kTypeTXT, "\"k=v\""}, {kTypeTXT, "plain"},
  };
  for (const std::string origin : {"example.test.", "Example.TEST.", "."}) {
    for (const auto& [type, value] : cases) {
      Result<std::string> fast = NormalizeRdata(type, value, origin);
      Result<std::string> ldns = NormalizeRdataWithLdns(type, value, origin);
      ASSERT_EQ(fast.ok(), ldns.ok()) << type << " [" << value << "] origin " << origin;
      if (fast.ok()) {
        EXPECT_EQ(*fast, *ldns) << type << " [" << value << "] origin " << origin;
      }
    }
  }
}

}  // namespace
}  // namespace domainguard::dns
