#include "controller/records/ownership.h"

#include <gtest/gtest.h>

namespace domainguard::records {
namespace {

TEST(Ownership, ClaimOf) {
  const std::string zone = "example.com.";
  EXPECT_EQ(ClaimOf({{"www.example.com.", "A", 1, {}}, "web/a"}, zone, "web/a"), Claim::kOurs);
  EXPECT_EQ(ClaimOf({{"www.example.com.", "A", 1, {}}, ""}, zone, "web/a"), Claim::kUnmarked);
  EXPECT_EQ(ClaimOf({{"www.example.com.", "A", 1, {}}, "web/b"}, zone, "web/a"), Claim::kOtherDomain);
  EXPECT_EQ(ClaimOf({{"example.com.", "NS", 1, {}}, ""}, zone, "web/a"), Claim::kOurs);
  EXPECT_EQ(ClaimOf({{"sub.example.com.", "NS", 1, {}}, ""}, zone, "web/a"), Claim::kUnmarked);
}

}  // namespace
}  // namespace domainguard::records
