#include "controller/base/json_member.h"

#include <gtest/gtest.h>

namespace domainguard {
namespace {

using nlohmann::json;

TEST(JsonMember, ReadsWithoutThrowing) {
  const json obj = {{"a", 1}, {"n", nullptr}};
  ASSERT_NE(Member(obj, "a"), nullptr);
  EXPECT_EQ(*Member(obj, "a"), 1);
  EXPECT_EQ(Member(obj, "missing"), nullptr);
  ASSERT_NE(Member(obj, "n"), nullptr);  // present, null
  EXPECT_TRUE(Member(obj, "n")->is_null());
  for (const json& not_object : {json(nullptr), json(3), json("a"), json::array({1, 2})}) {
    EXPECT_EQ(Member(not_object, "a"), nullptr) << not_object.dump();
    EXPECT_EQ(NonNullMember(not_object, "a"), nullptr) << not_object.dump();
  }
}

TEST(JsonMember, NonNullMemberTreatsNullAsAbsent) {
  const json obj = {{"a", "x"}, {"n", nullptr}};
  ASSERT_NE(NonNullMember(obj, "a"), nullptr);
  EXPECT_EQ(*NonNullMember(obj, "a"), "x");
  EXPECT_EQ(NonNullMember(obj, "n"), nullptr);
  EXPECT_EQ(NonNullMember(obj, "missing"), nullptr);
}

}  // namespace
}  // namespace domainguard
