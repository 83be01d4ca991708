#include "controller/records/ownership.h"

#include <gtest/gtest.h>

namespace domainguard::records {
namespace {

TEST(Ownership, CommentRoundTrip) {
  EXPECT_EQ(OwnerComment("web/example-com"), "domainguard: owner=web/example-com");
  EXPECT_EQ(ParseOwnerComment("domainguard: owner=web/example-com"), "web/example-com");
  EXPECT_EQ(ParseOwnerComment("set by hand"), std::nullopt);
  EXPECT_EQ(ParseOwnerComment("domainguard: owner="), std::nullopt);
}

TEST(Ownership, RegistryRoundTrip) {
  EXPECT_EQ(RegistryName("www.example.com."), "_dg-owner.www.example.com.");
  EXPECT_EQ(RegistryOwnerName("_dg-owner.www.example.com."), "www.example.com.");
  EXPECT_EQ(RegistryOwnerName("www.example.com."), std::nullopt);
  std::string v = RegistryValue("web/example-com", "AAAA");
  EXPECT_EQ(v, "\"heritage=domainguard,owner=web/example-com,type=AAAA\"");
  std::optional<RegistryEntry> e = ParseRegistryValue(v);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->owner, "web/example-com");
  EXPECT_EQ(e->type, "AAAA");
  EXPECT_FALSE(ParseRegistryValue("\"v=spf1 -all\""));
  EXPECT_FALSE(ParseRegistryValue("\"heritage=domainguard,owner=x\""));
}

TEST(Ownership, ClaimOf) {
  const std::string zone = "example.com.";
  EXPECT_EQ(ClaimOf({{"www.example.com.", "A", 1, {}}, "web/a"}, zone, "web/a"), Claim::kOurs);
  EXPECT_EQ(ClaimOf({{"www.example.com.", "A", 1, {}}, ""}, zone, "web/a"), Claim::kUnmarked);
  EXPECT_EQ(ClaimOf({{"www.example.com.", "A", 1, {}}, "web/b"}, zone, "web/a"), Claim::kOtherDomain);
  EXPECT_EQ(ClaimOf({{"example.com.", "NS", 1, {}}, ""}, zone, "web/a"), Claim::kOurs);
  EXPECT_EQ(ClaimOf({{"sub.example.com.", "NS", 1, {}}, ""}, zone, "web/a"), Claim::kUnmarked);
  EXPECT_EQ(ParseOwnershipMode("Zone").value(), OwnershipMode::kZone);
  EXPECT_EQ(ParseOwnershipMode("").value(), OwnershipMode::kRecords);
  EXPECT_FALSE(ParseOwnershipMode("zone").ok());
}

}  // namespace
}  // namespace domainguard::records
