#include "controller/zone/master_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::zone {
namespace {

std::vector<std::string> Describe(const std::vector<MasterRecord>& recs) {
  std::vector<std::string> out;
  for (const MasterRecord& r : recs) out.push_back(zone::Describe(r.rrset));
  return out;
}

TEST(ParseMasterFile, OriginTtlRelativeAndAt) {
  const char* text =
      "$TTL 600\n"
      "@   IN SOA ns1 hostmaster 1 3600 600 86400 300\n"
      "@   IN NS  ns1.example.com.\n"
      "www      A   192.0.2.1 ; a comment\n"
      "         A   192.0.2.2\n"
      "mail 120 IN MX 10 MX1.Example.com.\n"
      "$ORIGIN sub.example.com.\n"
      "host     AAAA 2001:db8::1\n"
      "txt      TXT (\"multi\"\n"
      "              \"line\")\n";
  Result<std::vector<MasterRecord>> r = ParseMasterFile(text, "example.com.", 300);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_THAT(Describe(*r), ::testing::ElementsAre("example.com. 600 SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300",
                                                   "example.com. 600 NS ns1.example.com.",
                                                   "www.example.com. 600 A 192.0.2.1",
                                                   "www.example.com. 600 A 192.0.2.2",
                                                   "mail.example.com. 120 MX 10 mx1.example.com.",
                                                   "host.sub.example.com. 600 AAAA 2001:db8::1",
                                                   "txt.sub.example.com. 600 TXT \"multi\" \"line\""));
  EXPECT_EQ((*r)[2].line, 4);
}

TEST(ParseMasterFile, DefaultTtlWithoutDirective) {
  Result<std::vector<MasterRecord>> r = ParseMasterFile("www A 192.0.2.1\n", "example.com.", 300);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].rrset.ttl, 300u);
}

TEST(ParseMasterFile, ErrorsNameTheLine) {
  Result<std::vector<MasterRecord>> r = ParseMasterFile("a A 192.0.2.1\nb A 300.1.1.1\n", "example.com.", 300);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, ::testing::StartsWith("line 2: "));
}

TEST(ParseMasterFile, RefusesInclude) {
  Result<std::vector<MasterRecord>> r = ParseMasterFile("a A 192.0.2.1\n$include /etc/passwd\n", "example.com.", 300);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "line 2: $INCLUDE is not allowed");
}

TEST(ParseMasterFile, RefusesRecordsOutsideTheZone) {
  Result<std::vector<MasterRecord>> r = ParseMasterFile("www.other.org. A 192.0.2.1\n", "example.com.", 300);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, ::testing::HasSubstr("outside zone example.com."));
}

// Found by zonefile_fuzz: ldns reads "TYPE<n>" past 65535 into its type enum unchecked.
TEST(ParseMasterFile, RefusesATypeNumberBeyond16Bits) {
  Result<std::vector<MasterRecord>> r = ParseMasterFile("www 300 IN TYPE96222222222 \\# 0\n", "example.com.", 300);
  ASSERT_FALSE(r.ok());
  Result<std::vector<MasterRecord>> ok = ParseMasterFile("www 300 IN TYPE65280 \\# 1 00\n", "example.com.", 300);
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].rrset.type, "TYPE65280");
}

TEST(ParseMasterFile, EmptyIsEmpty) {
  Result<std::vector<MasterRecord>> r = ParseMasterFile("; only a comment\n\n", "example.com.", 300);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace domainguard::zone
