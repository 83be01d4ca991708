#include "controller/kube/label_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::kube {
namespace {

using nlohmann::json;
using Labels = std::map<std::string, std::string>;

// --- Matching: each selector against label sets, by map and by object ------------------------------------------

struct MatchCase {
  std::string name;
  std::string selector;  // JSON; "null": absent
  Labels labels;
  bool want;
};

class MatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatchTest, MapAndObjectAgree) {
  const MatchCase& c = GetParam();
  Result<LabelSelector> s = ParseLabelSelector(json::parse(c.selector), "sel");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->Matches(c.labels), c.want);
  json obj = {{"metadata", {{"labels", json::object()}}}};
  for (const auto& [k, v] : c.labels) obj["metadata"]["labels"][k] = v;
  EXPECT_EQ(s->MatchesObject(obj), c.want);
}

const char* const kTeamWebProdNotMuted = R"({"matchLabels": {"team": "web"}, "matchExpressions": [
    {"key": "tier", "operator": "In", "values": ["prod", "staging"]},
    {"key": "muted", "operator": "DoesNotExist"}]})";

INSTANTIATE_TEST_SUITE_P(
    Table, MatchTest,
    ::testing::ValuesIn(std::vector<MatchCase>{
        {"absent_matches_all", "null", {{"team", "web"}}, true},
        {"empty_matches_all", "{}", {}, true},
        {"empty_lists_match_all", R"({"matchLabels": {}, "matchExpressions": []})", {{"a", "1"}}, true},
        {"null_members_are_absent", R"({"matchLabels": null, "matchExpressions": null})", {}, true},
        {"match_labels", R"({"matchLabels": {"a": "1"}})", {{"a", "1"}, {"b", "2"}}, true},
        {"match_labels_other_value", R"({"matchLabels": {"a": "1"}})", {{"a", "2"}}, false},
        {"match_labels_missing", R"({"matchLabels": {"a": "1"}})", {}, false},
        {"match_labels_empty_value", R"({"matchLabels": {"a": ""}})", {{"a", ""}}, true},
        {"in", R"({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]})", {{"a", "2"}}, true},
        {"in_absent", R"({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1"]}]})", {}, false},
        {"not_in_listed", R"({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]})",
         {{"a", "1"}}, false},
        {"not_in_absent_matches", R"({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]})",
         {}, true},
        {"exists_empty_value", R"({"matchExpressions": [{"key": "a", "operator": "Exists"}]})", {{"a", ""}}, true},
        {"exists_absent", R"({"matchExpressions": [{"key": "a", "operator": "Exists"}]})", {{"b", ""}}, false},
        {"does_not_exist", R"({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]})", {{"a", ""}},
         false},
        {"does_not_exist_absent", R"({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]})", {}, true},
        {"prefixed_key", R"({"matchLabels": {"domainguard.io/failover": "true"}})",
         {{"domainguard.io/failover", "true"}}, true},
        {"all_hold", kTeamWebProdNotMuted, {{"team", "web"}, {"tier", "prod"}}, true},
        {"one_expression_fails", kTeamWebProdNotMuted, {{"team", "web"}, {"tier", "dev"}}, false},
        {"match_labels_fail", kTeamWebProdNotMuted, {{"team", "db"}, {"tier", "prod"}}, false},
        {"does_not_exist_fails", kTeamWebProdNotMuted, {{"team", "web"}, {"tier", "prod"}, {"muted", "yes"}}, false},
    }),
    [](const auto& info) { return info.param.name; });

TEST(LabelSelectorTest, ObjectLabelsThatAreNotStringsAreAbsent) {
  Result<LabelSelector> s = ParseLabelSelector(
      json::parse(R"({"matchExpressions": [{"key": "n", "operator": "DoesNotExist"}]})"), "sel");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->MatchesObject(json{{"metadata", {{"labels", {{"n", 2}}}}}}));
  EXPECT_TRUE(s->MatchesObject(json{{"metadata", {{"labels", nullptr}}}}));
  EXPECT_TRUE(s->MatchesObject(json::array()));
}

// --- Validation: each malformed selector, the whole message (it is user-visible) --------------------------------

struct BadCase {
  std::string name;
  std::string selector;
  std::string want;  // the error message
};

class BadSelectorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadSelectorTest, NamesTheField) {
  Result<LabelSelector> s = ParseLabelSelector(json::parse(GetParam().selector), "spec.sel");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadSelectorTest,
    ::testing::ValuesIn(std::vector<BadCase>{
        {"not_an_object", R"("team=web")", "spec.sel: must be an object"},
        {"match_labels_not_a_map", R"({"matchLabels": ["a"]})", "spec.sel.matchLabels: must be a map of strings"},
        {"match_label_not_a_string", R"({"matchLabels": {"a": 1}})", "spec.sel.matchLabels.a: must be a string"},
        {"match_label_bad_key", R"({"matchLabels": {"-a": "1"}})",
         R"(spec.sel.matchLabels.-a: invalid label key "-a": must start and end with a letter or digit)"},
        {"match_label_bad_value", R"({"matchLabels": {"a": "x y"}})",
         R"(spec.sel.matchLabels.a: invalid label value "x y": may hold only letters, digits, '-', '_' and '.')"},
        {"expressions_not_a_list", R"({"matchExpressions": {"key": "a"}})",
         "spec.sel.matchExpressions: must be a list"},
        {"expression_not_an_object", R"({"matchExpressions": ["a"]})",
         "spec.sel.matchExpressions[0]: must be an object"},
        {"no_key", R"({"matchExpressions": [{"operator": "Exists"}]})",
         "spec.sel.matchExpressions[0].key: required"},
        {"bad_key", R"({"matchExpressions": [{"key": "a b", "operator": "Exists"}]})",
         R"(spec.sel.matchExpressions[0].key: invalid label key "a b": may hold only letters, digits, '-', '_' and '.')"},
        {"unknown_operator", R"({"matchExpressions": [{"key": "a", "operator": "Like", "values": ["x"]}]})",
         R"(spec.sel.matchExpressions[0].operator: unknown operator "Like" (want In, NotIn, Exists or DoesNotExist))"},
        {"no_operator", R"({"matchExpressions": [{"key": "a"}]})",
         R"(spec.sel.matchExpressions[0].operator: unknown operator "" (want In, NotIn, Exists or DoesNotExist))"},
        {"operator_is_case_sensitive", R"({"matchExpressions": [{"key": "a", "operator": "in", "values": ["x"]}]})",
         R"(spec.sel.matchExpressions[0].operator: unknown operator "in" (want In, NotIn, Exists or DoesNotExist))"},
        {"in_without_values", R"({"matchExpressions": [{"key": "a", "operator": "In"}]})",
         "spec.sel.matchExpressions[0].values: required for operator In"},
        {"not_in_with_empty_values", R"({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": []}]})",
         "spec.sel.matchExpressions[0].values: required for operator NotIn"},
        {"exists_with_values", R"({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]})",
         "spec.sel.matchExpressions[0].values: must be empty for operator Exists"},
        {"does_not_exist_with_values",
         R"({"matchExpressions": [{"key": "b", "operator": "Exists"}, {"key": "a", "operator": "DoesNotExist",
             "values": ["x"]}]})",
         "spec.sel.matchExpressions[1].values: must be empty for operator DoesNotExist"},
        {"values_not_a_list", R"({"matchExpressions": [{"key": "a", "operator": "In", "values": "x"}]})",
         "spec.sel.matchExpressions[0].values: must be a list"},
        {"value_not_a_string", R"({"matchExpressions": [{"key": "a", "operator": "In", "values": ["x", 2]}]})",
         "spec.sel.matchExpressions[0].values[1]: must be a string"},
        {"bad_value", R"({"matchExpressions": [{"key": "a", "operator": "In", "values": ["x_"]}]})",
         R"(spec.sel.matchExpressions[0].values[0]: invalid label value "x_": must start and end with a letter or digit)"},
    }),
    [](const auto& info) { return info.param.name; });

// --- Label keys and values: Kubernetes' rules --------------------------------------------------------------------

struct KeyCase {
  std::string name;
  std::string key;
  std::string want;  // LabelKeyProblem's answer, "" = valid
};

class LabelKeyTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(LabelKeyTest, Problem) { EXPECT_EQ(LabelKeyProblem(GetParam().key), GetParam().want); }

INSTANTIATE_TEST_SUITE_P(
    Table, LabelKeyTest,
    ::testing::ValuesIn(std::vector<KeyCase>{
        {"simple", "team", ""},
        {"one_char", "a", ""},
        {"inner_punctuation", "A.b_c-9", ""},
        {"prefixed", "domainguard.io/failover", ""},
        {"prefixed_digits", "1.example-2.test/x", ""},
        {"name_63", std::string(63, 'a'), ""},
        {"name_64", std::string(64, 'a'), "must be at most 63 characters"},
        {"prefixed_name_64", "a.io/" + std::string(64, 'a'), "the name after \"/\" must be at most 63 characters"},
        {"prefix_253", std::string(61, 'a') + "." + std::string(61, 'b') + "." + std::string(61, 'c') + "." +
                           std::string(61, 'd') + ".eeeee/x",
         ""},
        {"prefix_254", std::string(61, 'a') + "." + std::string(61, 'b') + "." + std::string(61, 'c') + "." +
                           std::string(61, 'd') + ".eeeeee/x",
         "the prefix must be at most 253 characters"},
        {"empty", "", "must not be empty"},
        {"starts_with_dash", "-a", "must start and end with a letter or digit"},
        {"ends_with_dot", "a.", "must start and end with a letter or digit"},
        {"space", "a b", "may hold only letters, digits, '-', '_' and '.'"},
        {"empty_prefix", "/a", "the prefix before \"/\" is empty"},
        {"empty_name", "a.io/", "the name after \"/\" is empty"},
        {"two_slashes", "a.io/b/c", "holds more than one \"/\""},
        {"upper_case_prefix", "Example.io/a", "the prefix must be a DNS subdomain (lower-case letters, digits, '-' and '.')"},
        {"prefix_empty_label", "a..io/a", "the prefix must be a DNS subdomain (lower-case letters, digits, '-' and '.')"},
        {"prefix_label_dash_end", "a-.io/a", "the prefix must be a DNS subdomain (lower-case letters, digits, '-' and '.')"},
        {"prefix_underscore", "a_b.io/a", "the prefix must be a DNS subdomain (lower-case letters, digits, '-' and '.')"},
    }),
    [](const auto& info) { return info.param.name; });

TEST(LabelValueTest, EmptyOrANameOfAtMost63) {
  EXPECT_EQ(LabelValueProblem(""), "");
  EXPECT_EQ(LabelValueProblem("prod-1.eu_west"), "");
  EXPECT_EQ(LabelValueProblem(std::string(63, 'v')), "");
  EXPECT_EQ(LabelValueProblem(std::string(64, 'v')), "must be at most 63 characters");
  EXPECT_EQ(LabelValueProblem("a/b"), "may hold only letters, digits, '-', '_' and '.'");
  EXPECT_EQ(LabelValueProblem(".a"), "must start and end with a letter or digit");
}

}  // namespace
}  // namespace domainguard::kube
