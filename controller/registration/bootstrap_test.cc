#include "controller/registration/bootstrap.h"

#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

TEST(Bootstrap, ShippedIanaFileMapsGtlds) {
  auto b = RdapBootstrap::LoadFile(std::string(DG_REGISTRATION_SOURCE_DIR) + "/data/iana-rdap-dns.json");
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_GT(b->size(), 500u);
  auto com = b->BaseUrlsFor("Example.COM.");
  ASSERT_FALSE(com.empty());
  EXPECT_EQ(com.front().rfind("https://", 0), 0u);
  EXPECT_NE(com.front().find("verisign"), std::string::npos);
  EXPECT_EQ(com.front().back(), '/');
  // Field notes: many ccTLDs have no RDAP (WHOIS fallback).
  EXPECT_TRUE(b->BaseUrlsFor("example.sm").empty());
  EXPECT_TRUE(b->BaseUrlsFor("example.de").empty());
}

TEST(Bootstrap, LongestSuffixWholeLabelsHttpsFirst) {
  auto b = RdapBootstrap::Parse(R"({"version":"1.0","services":[
      [["test","net"],["http://127.0.0.1:18480"]],
      [["co.test"],["http://plain.example/rdap/","https://secure.example/rdap/"]],
      [["bad"],[]],
      "junk", [["x"]]]})");
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ(b->BaseUrlsFor("a.example.test"), std::vector<std::string>{"http://127.0.0.1:18480/"});
  EXPECT_EQ(b->BaseUrlsFor("shop.co.test"),
            (std::vector<std::string>{"https://secure.example/rdap/", "http://plain.example/rdap/"}));
  EXPECT_TRUE(b->BaseUrlsFor("example.atest").empty());  // "test" must match a whole label
  EXPECT_TRUE(b->BaseUrlsFor("example.bad").empty());
}

TEST(Bootstrap, EmptyServicesMeansWhoisEverywhere) {
  // RFC 9224: an empty list is a valid registry that knows no RDAP service.
  auto b = RdapBootstrap::Parse(R"({"version":"1.0","publication":"2026-01-01T00:00:00Z","services":[]})");
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ(b->size(), 0u);
  EXPECT_TRUE(b->BaseUrlsFor("example.com").empty());
}

TEST(Bootstrap, RejectsGarbage) {
  EXPECT_FALSE(RdapBootstrap::Parse("{").ok());
  EXPECT_FALSE(RdapBootstrap::Parse("[]").ok());
  EXPECT_FALSE(RdapBootstrap::Parse(R"({"services":[[["test"],["ftp://x/"]]]})").ok());  // nothing usable
  EXPECT_FALSE(RdapBootstrap::Parse(R"({"version":"1.0"})").ok());
  EXPECT_EQ(RdapBootstrap::LoadFile("/nonexistent/bootstrap.json").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace domainguard::registration
