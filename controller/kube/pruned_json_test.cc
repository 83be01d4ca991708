// ParsePruned: the values at the given paths (keys, "*" for array elements) are left out, everything else is what
// json::parse gives; text that is not one JSON value is refused.
#include "controller/kube/pruned_json.h"

#include <gtest/gtest.h>

namespace domainguard::kube {
namespace {

using nlohmann::json;

struct Case {
  const char* text;
  std::vector<JsonPath> left_out;
  const char* want;
};

TEST(ParsePruned, LeavesOutExactlyThePaths) {
  const Case cases[] = {
      {R"({"a":1,"b":{"c":[1,2]}})", {}, R"({"a":1,"b":{"c":[1,2]}})"},
      {R"({"a":1,"b":{"c":[1,2]}})", {{"b"}}, R"({"a":1})"},
      {R"({"a":1,"b":{"c":[1,2],"d":2}})", {{"b", "c"}}, R"({"a":1,"b":{"d":2}})"},
      {R"({"b":{"c":1},"c":2})", {{"c"}}, R"({"b":{"c":1}})"},                   // only at its depth
      {R"({"items":[{"m":{"f":1,"n":"a"}},{"m":{"n":"b"}},{"m":{"f":[{}]}},3]})", {{"items", "*", "m", "f"}},
       R"({"items":[{"m":{"n":"a"}},{"m":{"n":"b"}},{"m":{}},3]})"},
      {R"({"items":{"x":{"m":{"f":1}}}})", {{"items", "*", "m", "f"}}, R"({"items":{"x":{"m":{"f":1}}}})"},  // "*": arrays only
      {R"({"a":[{"b":1}]})", {{"a", "b"}}, R"({"a":[{"b":1}]})"},                // a key step does not match elements
      {R"({"a":{"b":1},"a":{"c":2}})", {{"a", "b"}}, R"({"a":{"c":2}})"},          // repeated key: the last wins
      {R"({"x":{"y":[[{"z":1,"w":2}]]}})", {{"x", "y", "*", "*", "z"}}, R"({"x":{"y":[[{"w":2}]]}})"},
      {R"({"s":{"deep":[[[[{"k":[]}]]]]},"t":true})", {{"s"}, {"t"}}, R"({})"},
      {R"([{"a":1}])", {{"*", "a"}}, R"([{}])"},                                // the root may be an array
      {R"("text")", {{"a"}}, R"("text")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    std::optional<json> got = ParsePruned(c.text, c.left_out);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, json::parse(c.want));
  }
}

TEST(ParsePruned, RefusesWhatIsNotOneValue) {
  for (const char* text : {"", "{", R"({"a":1} x)", R"({"a":})", R"({"s":[1,2})", R"([1,])", "{\"a\":\"\x01\"}"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParsePruned(text, {{"s"}}).has_value());
  }
}

}  // namespace
}  // namespace domainguard::kube
