#include "controller/registration/registrable.h"

#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

TEST(Registrable, IcannRulesOnly) {
  EXPECT_EQ(RegistrableDomain("www.Example.COM.").value_or("?"), "example.com");
  EXPECT_EQ(RegistrableDomain("a.b.example.co.uk").value_or("?"), "example.co.uk");
  EXPECT_EQ(RegistrableDomain("example.test").value_or("?"), "example.test");  // unlisted TLD: "*" rule
  EXPECT_EQ(RegistrableDomain("api.example.sm").value_or("?"), "example.sm");
  // github.io is a private suffix: its registry registered "github.io", not "someone.github.io".
  EXPECT_EQ(RegistrableDomain("someone.github.io").value_or("?"), "github.io");
  EXPECT_EQ(RegistrableDomain("co.uk").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RegistrableDomain("com").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(RegistrableDomain("").error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace domainguard::registration
