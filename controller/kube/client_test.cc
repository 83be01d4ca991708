#include "controller/kube/client.h"

#include <gtest/gtest.h>

#include "controller/http/testing/fake_transport.h"

namespace domainguard::kube {
namespace {

using http::FakeTransport;

// A custom resource as test data (the descriptor of a CRD; kube/ itself knows no custom resources).
constexpr Resource kWidgets{"example.io", "v1", "widgets", "Widget", true};

RestConfig TestConfig() {
  RestConfig c;
  c.server = "https://127.0.0.1:16443";
  c.token = "tkn";
  return c;
}

std::string StatusBody(int code, const std::string& reason, const std::string& message, const json& causes = nullptr) {
  json s{{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
         {"code", code},     {"reason", reason},   {"message", message}};
  if (!causes.is_null()) s["details"] = {{"causes", causes}};
  return s.dump();
}

json Widget(const std::string& ns, const std::string& name, const std::string& rv) {
  return {{"apiVersion", "example.io/v1"},
          {"kind", "Widget"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", rv}}},
          {"spec", {{"zone", name + ".test"}}}};
}

TEST(ResourcePath, CoreGroupAndNamedGroups) {
  EXPECT_EQ(kWidgets.Path("web", "a", "status"), "/apis/example.io/v1/namespaces/web/widgets/a/status");
  EXPECT_EQ(kWidgets.Path(""), "/apis/example.io/v1/widgets");
  EXPECT_EQ(kSecrets.Path("web", "s"), "/api/v1/namespaces/web/secrets/s");
  EXPECT_EQ(kNamespaces.Path("ignored", "web"), "/api/v1/namespaces/web");
  EXPECT_EQ(kEvents.ApiVersion(), "events.k8s.io/v1");
}

struct ErrorCase {
  std::string name;
  int status;
  std::string body;
  RequestInfo info;
  ErrorCode want_code;
  std::vector<std::string> want_in_message;
};

class ApiErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ApiErrorTest, Maps) {
  const auto& c = GetParam();
  Error e = ApiError(c.status, c.body, c.status == 429 ? std::optional<std::string>("7") : std::nullopt, c.info);
  EXPECT_EQ(e.code, c.want_code) << e.ToString();
  for (const auto& part : c.want_in_message) EXPECT_NE(e.message.find(part), std::string::npos) << e.message;
}

INSTANTIATE_TEST_SUITE_P(
    Codes, ApiErrorTest,
    ::testing::ValuesIn(std::vector<ErrorCase>{
        {"not_found", 404, StatusBody(404, "NotFound", "widgets \"a\" not found"), {"get", "widgets", "web", "a"},
         ErrorCode::kNotFound, {"not found"}},
        {"conflict", 409, StatusBody(409, "Conflict", "the object has been modified"), {"update", "widgets", "web", "a"},
         ErrorCode::kAborted, {"modified"}},
        {"already_exists", 409, StatusBody(409, "AlreadyExists", "widgets \"a\" already exists"),
         {"create", "widgets", "web", "a"}, ErrorCode::kAlreadyExists, {"already exists"}},
        {"gone", 410, StatusBody(410, "Expired", "too old resource version: 5 (90)"), {"list", "widgets", "", ""},
         ErrorCode::kGone, {"too old"}},
        {"forbidden_names_verb_resource_namespace", 403,
         StatusBody(403, "Forbidden", "widgets.example.io \"a\" is forbidden: User \"u\" cannot update resource"),
         {"update", "widgets/status", "web", "a"}, ErrorCode::kPermissionDenied,
         {"forbidden: cannot update widgets/status in namespace \"web\""}},
        {"unauthorized", 401, StatusBody(401, "Unauthorized", "Unauthorized"), {"get", "widgets", "web", "a"},
         ErrorCode::kUnauthenticated, {"unauthorized"}},
        {"invalid_names_fields", 422,
         StatusBody(422, "Invalid", "Widget.example.io \"a\" is invalid",
                    json::array({{{"reason", "FieldValueRequired"}, {"message", "Required value"},
                                  {"field", "spec.size"}}})),
         {"create", "widgets", "web", "a"}, ErrorCode::kInvalidArgument, {"spec.size", "Required value"}},
        {"throttled_retry_after", 429, StatusBody(429, "TooManyRequests", "slow down"), {"list", "widgets", "", ""},
         ErrorCode::kUnavailable, {"throttled"}},
        {"server_error_non_json", 503, "<html>upstream</html>", {"get", "widgets", "web", "a"},
         ErrorCode::kUnavailable, {"503"}},
    }),
    [](const auto& info) { return info.param.name; });

TEST(ApiError, RetryAfterIsKept) {
  Error e = ApiError(429, "{}", std::string("7"), {"list", "widgets", "", ""});
  ASSERT_TRUE(e.retry_after.has_value());
  EXPECT_EQ(e.retry_after->count(), 7);
}

TEST(Client, GetSendsBearerTokenAndParses) {
  FakeTransport t;
  RealClock clock;
  t.ExpectJson("GET", "/namespaces/web/widgets/a", 200, Widget("web", "a", "5").dump());
  Client c(t, TestConfig(), clock);
  auto d = c.Get(kWidgets, "web", "a");
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_EQ(ResourceVersion(*d), "5");
  auto reqs = t.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].url, "https://127.0.0.1:16443/apis/example.io/v1/namespaces/web/widgets/a");
  bool auth = false;
  for (const auto& h : reqs[0].headers) auth |= (h.name == "Authorization" && h.value == "Bearer tkn");
  EXPECT_TRUE(auth);
}

TEST(Client, ListAllFollowsContinueTokens) {
  FakeTransport t;
  RealClock clock;
  t.ExpectJson("GET", "limit=2", 200,
               json{{"metadata", {{"resourceVersion", "10"}, {"continue", "c1"}}},
                    {"items", {Widget("web", "a", "1"), Widget("web", "b", "2")}}}
                   .dump());
  t.ExpectJson("GET", "continue=c1", 200,
               json{{"metadata", {{"resourceVersion", "11"}}}, {"items", {Widget("web", "c", "3")}}}.dump());
  Client c(t, TestConfig(), clock);
  ListOptions o;
  o.limit = 2;
  o.label_selector = "app in (a,b)";
  auto all = c.ListAll(kWidgets, "web", o);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->items.size(), 3u);
  EXPECT_EQ(all->resource_version, "11");
  EXPECT_EQ(Name(all->items[2]), "c");
  EXPECT_EQ(all->items[0]["kind"], "Widget");
  EXPECT_NE(t.requests()[0].url.find("labelSelector=app%20in%20%28a%2Cb%29"), std::string::npos)
      << t.requests()[0].url;
}

TEST(Client, RequestObserverSeesEveryRequestWithItsStatus) {
  FakeTransport t;
  RealClock clock;
  t.ExpectJson("PATCH", "/widgets/a/status", 200, Widget("web", "a", "2").dump());
  t.ExpectJson("GET", "/widgets/b", 404, StatusBody(404, "NotFound", "widgets \"b\" not found"));
  Client c(t, TestConfig(), clock);
  std::vector<std::string> seen;
  c.set_request_observer([&](const RequestInfo& info, int status) {
    seen.push_back(info.verb + " " + info.resource + " " + std::to_string(status));
  });
  ASSERT_TRUE(c.Apply(kWidgets, Widget("web", "a", "1"), "m", true, "status").ok());
  EXPECT_FALSE(c.Get(kWidgets, "web", "b").ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"patch widgets/status 200", "get widgets 404"}));
}

TEST(Client, WritesParseTheAnswerAsFarAsAsked) {
  FakeTransport t;
  RealClock clock;
  json answered = Widget("web", "a", "2");
  answered["status"] = {{"observedGeneration", 1}};
  t.ExpectJson("PATCH", "/widgets/a/status", 200, answered.dump());
  t.ExpectJson("PATCH", "/widgets/a/status", 200, answered.dump());
  t.ExpectJson("POST", "/widgets", 201, "not json");
  t.ExpectJson("POST", "/widgets", 201, "not json");
  Client c(t, TestConfig(), clock);
  Result<json> whole = c.Apply(kWidgets, Widget("web", "a", "1"), "m", true, "status");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(*whole, answered);
  Result<json> status = c.Apply(kWidgets, Widget("web", "a", "1"), "m", true, "status", Answer::kStatus);
  ASSERT_TRUE(status.ok());
  EXPECT_FALSE(status->contains("spec"));
  EXPECT_EQ((*status)["status"], answered["status"]);
  EXPECT_EQ((*status)["metadata"]["resourceVersion"], "2");
  EXPECT_EQ(c.Create(kWidgets, "web", Widget("web", "b", ""), Answer::kNone).value(), json::object());
  Result<json> refused = c.Create(kWidgets, "web", Widget("web", "b", ""));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("not a JSON object"), std::string::npos) << refused.error().message;
}

TEST(Client, ListAndWatchCanLeaveManagedFieldsOut) {
  json item = Widget("web", "a", "5");
  item["metadata"]["managedFields"] = json::array({{{"manager", "kubectl"}, {"fieldsV1", {{"f:spec", json::object()}}}}});
  json list = {{"kind", "WidgetList"}, {"metadata", {{"resourceVersion", "9"}}}, {"items", json::array({item, item})}};
  FakeTransport t;
  RealClock clock;
  t.ExpectJson("GET", "/widgets", 200, list.dump());
  t.ExpectJson("GET", "/widgets", 200, list.dump());
  Client c(t, TestConfig(), clock);
  ListOptions o;
  o.without_managed_fields = true;
  Result<ListPage> pruned = c.List(kWidgets, "web", o);
  ASSERT_TRUE(pruned.ok());
  ASSERT_EQ(pruned->items.size(), 2u);
  json want = Widget("web", "a", "5");
  EXPECT_EQ(pruned->items[0], want);
  EXPECT_EQ(pruned->resource_version, "9");
  Result<ListPage> whole = c.List(kWidgets, "web");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->items[0]["metadata"]["managedFields"], item["metadata"]["managedFields"]);

  const std::string line = json{{"type", "MODIFIED"}, {"object", item}}.dump();
  Result<WatchEvent> ev = ParseWatchEvent(line, /*without_managed_fields=*/true);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->type, WatchEvent::Type::kModified);
  EXPECT_EQ(ev->object, want);
  EXPECT_EQ(ParseWatchEvent(line)->object, item);
  EXPECT_FALSE(ParseWatchEvent("{\"type\":", true).ok());
}

TEST(Client, UpdateWithRetryRereadsOnConflict) {
  FakeTransport t;
  RealClock clock;
  t.ExpectJson("GET", "/widgets/a", 200, Widget("web", "a", "1").dump());
  t.ExpectJson("PUT", "/widgets/a/status", 409, StatusBody(409, "Conflict", "the object has been modified"));
  t.ExpectJson("GET", "/widgets/a", 200, Widget("web", "a", "2").dump());
  auto written = Widget("web", "a", "3");
  written["status"] = {{"observedGeneration", 1}};
  t.ExpectJson("PUT", "/widgets/a/status", 200, written.dump());
  Client c(t, TestConfig(), clock);
  int calls = 0;
  auto r = c.UpdateWithRetry(
      kWidgets, "web", "a",
      [&](json& d) {
        ++calls;
        d["status"]["observedGeneration"] = 1;
        return OkStatus();
      },
      "status");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(ResourceVersion(*r), "3");
  auto reqs = t.requests();
  ASSERT_EQ(reqs.size(), 4u);
  // The second write carries the re-read resourceVersion.
  EXPECT_EQ(ResourceVersion(json::parse(reqs[3].body)), "2");
}

TEST(Client, UpdateWithRetryWritesNothingWhenUnchanged) {
  FakeTransport t;
  RealClock clock;
  t.ExpectJson("GET", "/widgets/a", 200, Widget("web", "a", "1").dump());
  Client c(t, TestConfig(), clock);
  auto r = c.UpdateWithRetry(kWidgets, "web", "a", [](json&) { return OkStatus(); });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(t.requests().size(), 1u);
}

TEST(Client, ApplyUsesApplyPatchWithFieldManager) {
  FakeTransport t;
  RealClock clock;
  t.ExpectJson("PATCH", "/widgets/a", 200, Widget("web", "a", "4").dump());
  Client c(t, TestConfig(), clock);
  auto r = c.Apply(kWidgets, Widget("web", "a", ""), "domainguard", true);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  auto req = t.requests().at(0);
  EXPECT_NE(req.url.find("fieldManager=domainguard"), std::string::npos);
  EXPECT_NE(req.url.find("force=true"), std::string::npos);
  bool ct = false;
  for (const auto& h : req.headers) ct |= (h.name == "Content-Type" && h.value == "application/apply-patch+yaml");
  EXPECT_TRUE(ct);
}

TEST(Client, TransportFailureIsUnavailableAndNamesVerb) {
  FakeTransport t;
  RealClock clock;
  t.Expect("DELETE", "/widgets/a", Error::Unavailable("connection refused"));
  Client c(t, TestConfig(), clock);
  auto s = c.Delete(kWidgets, "web", "a");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message.find("delete widgets"), std::string::npos);
}

TEST(Client, WatchErrorStatusIsMapped) {
  FakeTransport t;
  RealClock clock;
  auto s = t.ExpectStream("watch=1", 403);
  s->Push(StatusBody(403, "Forbidden", "cannot watch"));
  s->End();
  Client c(t, TestConfig(), clock);
  auto w = c.OpenWatch(kWidgets, "web", {});
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(w.error().message.find("cannot watch widgets in namespace \"web\""), std::string::npos);
  auto url = t.requests()[0].url;
  EXPECT_NE(url.find("allowWatchBookmarks=true"), std::string::npos);
  EXPECT_NE(url.find("timeoutSeconds=300"), std::string::npos);
}

TEST(ParseWatchEvent, TypesAndGarbage) {
  auto ev = ParseWatchEvent(R"({"type":"DELETED","object":{"metadata":{"name":"a","resourceVersion":"9"}}})");
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->type, WatchEvent::Type::kDeleted);
  EXPECT_EQ(ResourceVersion(ev->object), "9");
  EXPECT_FALSE(ParseWatchEvent("not json").ok());
  EXPECT_FALSE(ParseWatchEvent(R"({"type":"WAT","object":{}})").ok());
  EXPECT_FALSE(ParseWatchEvent(R"({"type":"ADDED","object":5})").ok());
}

}  // namespace
}  // namespace domainguard::kube
