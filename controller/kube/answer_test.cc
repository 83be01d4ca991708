// ParseAnswer: kStatus gives the whole object without spec, annotations and managedFields' field sets, and
// nothing else is different; kNone parses nothing; bodies that are not one JSON object are refused.
#include "controller/kube/answer.h"

#include <gtest/gtest.h>

#include "controller/kube/testing/answer_reference.h"

namespace domainguard::kube {
namespace {

using nlohmann::json;

// A Domain as the apiserver answers a status apply: created by `kubectl apply` (its annotation repeats the spec),
// two managers in managedFields.
const char* const kAppliedDomain = R"({"apiVersion":"domainguard.io/v1alpha1","kind":"Domain",
  "metadata":{"name":"d1","namespace":"web","uid":"0b7c","resourceVersion":"10705","generation":1,
    "labels":{"team":"a"},
    "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"spec\":{\"zone\":\"it-1.test\"}}"},
    "managedFields":[
      {"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"domainguard.io/v1alpha1",
       "time":"2026-12-07T03:31:14Z","fieldsType":"FieldsV1",
       "fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}},
                   "f:spec":{".":{},"f:records":{},"f:zone":{}}}},
      {"manager":"domainguard","operation":"Apply","apiVersion":"domainguard.io/v1alpha1",
       "time":"2026-12-07T03:31:15Z","fieldsType":"FieldsV1","subresource":"status",
       "fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{}}}}}}]},
  "spec":{"zone":"it-1.test","providers":[{"name":"pdns-a"},{"name":"pdns-b"}],
    "records":[{"name":"www","type":"A","ttl":60,"values":["192.0.2.80"]},
               {"name":"@","type":"MX","ttl":300,"values":["10 mx.it-1.test."]}]},
  "status":{"conditions":[{"type":"Ready","status":"True","reason":"Healthy","message":"ok","observedGeneration":1,
    "lastTransitionTime":"2026-12-07T03:31:14Z"}],
    "providers":[{"name":"pdns-a","serial":2026120701,"synced":true,"pendingChanges":0,"ratio":0.5,"note":null}]}})";

TEST(ParseAnswer, StatusLeavesOutSpecAnnotationsAndFieldSets) {
  std::optional<json> got = ParseAnswer(kAppliedDomain, Answer::kStatus);
  ASSERT_TRUE(got.has_value());
  const json whole = json::parse(kAppliedDomain);
  EXPECT_FALSE(got->contains("spec"));
  EXPECT_FALSE((*got)["metadata"].contains("annotations"));
  EXPECT_EQ((*got)["status"], whole["status"]);
  EXPECT_EQ((*got)["metadata"]["resourceVersion"], "10705");
  EXPECT_EQ((*got)["metadata"]["labels"], whole["metadata"]["labels"]);
  const json& managed = (*got)["metadata"]["managedFields"];
  ASSERT_EQ(managed.size(), 2u);
  EXPECT_EQ(managed[1], (json{{"manager", "domainguard"}, {"operation", "Apply"},
                              {"apiVersion", "domainguard.io/v1alpha1"}, {"time", "2026-12-07T03:31:15Z"},
                              {"fieldsType", "FieldsV1"}, {"subresource", "status"}}));
  EXPECT_EQ(*got, testing::StatusAnswerOf(whole));
}

TEST(ParseAnswer, LeavesOutOnlyThosePaths) {
  // Each body, parsed with kStatus, equals the whole parse with the three paths erased (the slow reference).
  const char* const bodies[] = {
      R"({})",
      R"({"spec":1})",
      R"({"spec":{"a":[1,{"b":{}}]},"spec":2,"kind":"X"})",              // repeated: both left out
      R"({"kind":"X","kind":"Y"})",                                     // repeated: the last wins
      R"({"a":{"spec":1},"b":[{"spec":2}]})",                           // spec deeper than the top: kept
      R"({"metadata":{"x":{"annotations":1},"annotations":{"a":"b"}}})",
      R"({"metadata":[{"annotations":1}]})",                             // metadata not an object: kept as is
      R"({"annotations":1,"status":{"metadata":{"annotations":2}}})",    // annotations outside metadata: kept
      R"({"metadata":{"managedFields":{"a":{"fieldsV1":1}}}})",           // managedFields not an array
      R"({"metadata":{"managedFields":[{"fieldsV1":{"f:a":{}},"manager":"m"},[{"fieldsV1":1}],7,
          {"x":{"fieldsV1":2}},{"fieldsV1":[[],{}],"time":"t"}]}})",
      R"({"status":{"a":[[[]]],"b":-1,"c":18446744073709551615,"d":1.5e300,"e":true,"f":null,"g":"\u00e9"}})",
      R"({"spec":{"deep":[[[[[[[[{"x":[]}]]]]]]]]},"status":{}})",
  };
  for (const char* body : bodies) {
    SCOPED_TRACE(body);
    std::optional<json> got = ParseAnswer(body, Answer::kStatus);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, testing::StatusAnswerOf(json::parse(body)));
  }
}

TEST(ParseAnswer, WholeIsTheObjectAsAnswered) {
  std::optional<json> got = ParseAnswer(kAppliedDomain, Answer::kWhole);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, json::parse(kAppliedDomain));
}

TEST(ParseAnswer, NoneParsesNothing) {
  EXPECT_EQ(ParseAnswer(kAppliedDomain, Answer::kNone), json::object());
  EXPECT_EQ(ParseAnswer("not json", Answer::kNone), json::object());
}

TEST(ParseAnswer, RefusesWhatIsNotOneObject) {
  for (const char* body : {"", "[1]", "\"s\"", "1", "null", "{", R"({"a":1} x)", R"({"spec":{"a":)", R"({"a":})",
                           R"({"spec":[1,2})", "{\"a\":\"\x01\"}"}) {
    SCOPED_TRACE(body);
    EXPECT_FALSE(ParseAnswer(body, Answer::kStatus).has_value());
    EXPECT_FALSE(ParseAnswer(body, Answer::kWhole).has_value());
  }
}

}  // namespace
}  // namespace domainguard::kube
