#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "controller/http/testing/fake_transport.h"
#include "controller/providers/powerdns/powerdns_json.h"
#include "controller/providers/powerdns/powerdns_provider.h"

namespace domainguard::providers::powerdns {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

constexpr const char* kZoneJson = R"({
  "name": "example.com.", "serial": 2026112305,
  "rrsets": [
    {"name": "example.com.", "type": "SOA", "ttl": 3600, "comments": [],
     "records": [{"content": "ns1.pdns-a.net. hostmaster.example.com. 2026112305 10800 3600 604800 3600", "disabled": false}]},
    {"name": "Example.com.", "type": "NS", "ttl": 3600, "comments": [],
     "records": [{"content": "ns1.pdns-b.net.", "disabled": false}, {"content": "NS1.pdns-a.net.", "disabled": false}]},
    {"name": "www.example.com.", "type": "A", "ttl": 300,
     "comments": [{"account": "domainguard", "content": "domainguard: owner=web/example-com", "modified_at": 1}],
     "records": [{"content": "192.0.2.2", "disabled": false}, {"content": "192.0.2.1", "disabled": false},
                 {"content": "192.0.2.9", "disabled": true}]},
    {"name": "ftp.example.com.", "type": "A", "ttl": 60,
     "comments": [{"account": "alice", "content": "domainguard: owner=web/example-com"}],
     "records": [{"content": "192.0.2.7", "disabled": false}]},
    {"name": "off.example.com.", "type": "A", "ttl": 60, "records": [{"content": "192.0.2.8", "disabled": true}]},
    {"name": "txt.example.com.", "type": "TXT", "ttl": 60, "records": [{"content": "\"hello world\"", "disabled": false}]}
  ]})";

TEST(ParseZone, CanonicalRrsetsOwnersAndSoa) {
  Result<ObservedZone> z = ParseZone(kZoneJson, "example.com.");
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  EXPECT_EQ(z->version.serial, 2026112305u);
  EXPECT_EQ(z->version.soa, "ns1.pdns-a.net. hostmaster.example.com. 2026112305 10800 3600 604800 3600");
  std::vector<std::string> got;
  for (const ObservedRRset& o : z->rrsets) got.push_back(zone::Describe(o.rrset) + " owner=" + o.owner);
  EXPECT_THAT(got, ElementsAre("example.com. 3600 NS ns1.pdns-a.net.,ns1.pdns-b.net. owner=",
                               // a comment by another account is not our mark, even with our words
                               "ftp.example.com. 60 A 192.0.2.7 owner=",
                               "txt.example.com. 60 TXT \"hello world\" owner=",
                               "www.example.com. 300 A 192.0.2.1,192.0.2.2 owner=web/example-com"));
}

TEST(OwnerComment, RoundTrip) {
  EXPECT_EQ(OwnerComment("web/example-com"), "domainguard: owner=web/example-com");
  EXPECT_EQ(ParseOwnerComment("domainguard: owner=web/example-com"), "web/example-com");
  EXPECT_EQ(ParseOwnerComment("set by hand"), std::nullopt);
  EXPECT_EQ(ParseOwnerComment("domainguard: owner="), std::nullopt);
}

TEST(ParseZone, Malformed) {
  EXPECT_FALSE(ParseZone("not json", "example.com.").ok());
  EXPECT_FALSE(ParseZone("{}", "example.com.").ok());
  EXPECT_TRUE(ParseZone(R"({"rrsets": [1, {"name": 2}, {"name": "x.", "type": "A", "records": "no"}]})",
                        "example.com.")
                  .ok());
}

Changes SwitchToCname() {
  Changes c;
  c.owner = "web/example-com";
  c.deletes.push_back({{"www.example.com.", "A", 300, {"192.0.2.1"}}, "web/example-com"});
  c.creates.push_back({"www.example.com.", "CNAME", 300, {"web.example.net."}});
  c.updates.push_back({{{"a.example.com.", "A", 300, {"192.0.2.1"}}, ""}, {"a.example.com.", "A", 60, {"192.0.2.1"}}});
  return c;
}

TEST(BuildPatchBodies, OneBodyDeletesFirstWithOwnership) {
  std::vector<std::string> bodies = BuildPatchBodies(SwitchToCname(), 1 << 20);
  ASSERT_EQ(bodies.size(), 1u);
  json b = json::parse(bodies[0]);
  ASSERT_EQ(b["rrsets"].size(), 3u);
  EXPECT_EQ(b["rrsets"][0]["name"], "a.example.com.");
  EXPECT_EQ(b["rrsets"][0]["changetype"], "REPLACE");
  EXPECT_EQ(b["rrsets"][0]["ttl"], 60);
  EXPECT_EQ(b["rrsets"][1]["changetype"], "DELETE");
  EXPECT_EQ(b["rrsets"][1]["type"], "A");
  EXPECT_EQ(b["rrsets"][2]["type"], "CNAME");
  EXPECT_EQ(b["rrsets"][2]["records"][0]["content"], "web.example.net.");
  EXPECT_EQ(b["rrsets"][2]["comments"][0]["content"], "domainguard: owner=web/example-com");
  EXPECT_EQ(b["rrsets"][2]["comments"][0]["account"], "domainguard");
  EXPECT_TRUE(BuildPatchBodies(Changes{}, 1 << 20).empty());
}

TEST(BuildPatchBodies, ChunksKeepNamesTogether) {
  Changes c;
  c.owner = "o/x";
  for (int i = 0; i < 200; ++i) {
    std::string n = "h" + std::to_string(1000 + i) + ".example.com.";
    c.deletes.push_back({{n, "A", 300, {"192.0.2.1"}}, "o/x"});
    c.creates.push_back({n, "CNAME", 300, {"t.example.net."}});
  }
  std::vector<std::string> bodies = BuildPatchBodies(c, 4000);
  ASSERT_GT(bodies.size(), 5u);
  size_t total = 0;
  for (const std::string& body : bodies) {
    EXPECT_LE(body.size(), 4000u);
    json b = json::parse(body);
    total += b["rrsets"].size();
    // Every name in a body has both its DELETE and its REPLACE there.
    std::map<std::string, int> per_name;
    for (const json& r : b["rrsets"]) per_name[r["name"]]++;
    for (const auto& [n, k] : per_name) EXPECT_EQ(k, 2) << n;
  }
  EXPECT_EQ(total, 400u);
}

TEST(ErrorFromResponse, VerbatimAndCoded) {
  Error e = ErrorFromResponse(422, R"({"error": "Record www.example.com./A '300.1.1.1': unable to parse IP address"})", "");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message, "PowerDNS HTTP 422: Record www.example.com./A '300.1.1.1': unable to parse IP address");
  EXPECT_EQ(ErrorFromResponse(400, "Request body too large\n", "").message, "PowerDNS HTTP 400: Request body too large");
  EXPECT_EQ(ErrorFromResponse(401, "Unauthorized", "").code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(ErrorFromResponse(404, "Not Found", "").code, ErrorCode::kNotFound);
  Error busy = ErrorFromResponse(503, "", "7");
  EXPECT_EQ(busy.code, ErrorCode::kUnavailable);
  ASSERT_TRUE(busy.retry_after.has_value());
  EXPECT_EQ(busy.retry_after->count(), 7);
  EXPECT_EQ(ErrorFromResponse(500, std::string(2000, 'x'), "").message.size(), std::string("PowerDNS HTTP 500: ").size() + 500u + 3u);
}

class ProviderTest : public ::testing::Test {
 protected:
  std::unique_ptr<Provider> Make(double qps = 0, int burst = 1) {
    Config c;
    c.name = "pdns-a";
    c.url = "http://127.0.0.1:18081/";
    c.api_key = "s3cr3t-key";
    c.qps = qps;
    c.burst = burst;
    return NewPowerDnsProvider(c, &transport_, &clock_, [this](std::chrono::nanoseconds d) {
      slept_ += d;
      clock_.Advance(d);
    });
  }
  http::FakeTransport transport_;
  FakeClock clock_;
  std::chrono::nanoseconds slept_{0};
};

TEST_F(ProviderTest, ApplyIsOnePatchWithTheKeyAndNothingElse) {
  auto p = Make();
  transport_.Expect("PATCH", "/zones/example.com.", http::HttpResponse{204, {}, ""});
  Result<uint32_t> r = p->Apply("example.com.", SwitchToCname(), {5, ""});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  std::vector<http::HttpRequest> reqs = transport_.requests();
  ASSERT_EQ(reqs.size(), 1u);  // an edit: the caller's read, this PATCH, the caller's re-read: 3 requests
  EXPECT_EQ(reqs[0].method, "PATCH");
  EXPECT_EQ(reqs[0].url, "http://127.0.0.1:18081/api/v1/servers/localhost/zones/example.com.");
  bool key = false;
  for (const http::Header& h : reqs[0].headers) key |= h.name == "X-API-Key" && h.value == "s3cr3t-key";
  EXPECT_TRUE(key);
}

TEST_F(ProviderTest, SerialsOfManyZonesAreOneListRequest) {
  auto p = Make();
  transport_.ExpectJson("GET", "/zones?dnssec=false", 200,
                        R"([{"name": "a.example.", "serial": 7}, {"name": "b.example.", "serial": 2026120601},
                            {"name": "other.example.", "serial": 1}, {"name": "noserial.example."}])");
  Result<std::map<std::string, Result<uint32_t>>> s =
      p->Serials({"a.example.", "b.example.", "gone.example.", "noserial.example."});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(transport_.requests().size(), 1u);
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ(*s->at("a.example."), 7u);
  EXPECT_EQ(*s->at("b.example."), 2026120601u);
  EXPECT_EQ(s->at("gone.example.").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*s->at("noserial.example."), 0u);
}

TEST_F(ProviderTest, SerialsOfAnUnreachableServerFailAsAWhole) {
  auto p = Make();
  transport_.Expect("GET", "", Error::Unavailable("connection refused"));
  Result<std::map<std::string, Result<uint32_t>>> s = p->Serials({"a.example."});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

TEST(ParseZoneListSerials, ReadsEachEntrysNameAndSerialAndNothingNestedInIt) {
  // As PowerDNS 4.7 lists zones, with nested values that carry the same keys.
  Result<std::map<std::string, uint32_t>> got = ParseZoneListSerials(R"([
    {"account": "", "dnssec": false, "id": "a.test.", "kind": "Native", "masters": [], "name": "a.test.",
     "notified_serial": 0, "serial": 2026120701, "url": "/api/v1/servers/localhost/zones/a.test."},
    {"name": "b.test.", "catalog": {"name": "cat.", "serial": 7}, "masters": [{"name": "m.", "serial": 9}],
     "serial": 4294967295},
    {"serial": 5, "name": "c.test."},
    {"name": "d.test."},
    {"name": "e.test.", "serial": 1.5},
    [{"name": "nested.test.", "serial": 3}],
    {"name": "", "serial": 4},
    {"name": "a.test.", "serial": 2026120702}
  ])");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  const std::map<std::string, uint32_t> want = {
      {"a.test.", 2026120702}, {"b.test.", 4294967295u}, {"c.test.", 5}, {"d.test.", 0}, {"e.test.", 0}};
  EXPECT_EQ(*got, want);
  EXPECT_TRUE(ParseZoneListSerials("[]")->empty());
  EXPECT_FALSE(ParseZoneListSerials(R"([{"name": "a."}] trailing)").ok());
  EXPECT_FALSE(ParseZoneListSerials(R"([{"name": "a.")").ok()) << "cut short";
  EXPECT_FALSE(ParseZoneListSerials("\"a string\"").ok());
}

TEST(ParseZoneListSerials, Malformed) {
  EXPECT_FALSE(ParseZoneListSerials("not json").ok());
  EXPECT_FALSE(ParseZoneListSerials("{}").ok());
  Result<std::map<std::string, uint32_t>> odd =
      ParseZoneListSerials(R"([1, {"name": 2}, {"name": "x.", "serial": -1}, {"name": "y.", "serial": 99999999999}])");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->size(), 2u);
  EXPECT_EQ(odd->at("x."), 0u);
  EXPECT_EQ(odd->at("y."), 0u);
}

TEST_F(ProviderTest, EmptyChangesSendNothing) {
  auto p = Make();
  Result<uint32_t> r = p->Apply("example.com.", Changes{}, {5, ""});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(transport_.requests().empty());
}

TEST_F(ProviderTest, RejectedPatchIsVerbatimAndKeyless) {
  auto p = Make();
  transport_.ExpectJson("PATCH", "/zones/example.com.", 422, R"({"error": "RRset www.example.com. IN CNAME: Conflicts with pre-existing RRset"})");
  Result<uint32_t> r = p->Apply("example.com.", SwitchToCname(), {5, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().message, HasSubstr("Conflicts with pre-existing RRset"));
  EXPECT_THAT(r.error().message, Not(HasSubstr("s3cr3t")));
}

TEST_F(ProviderTest, ConnectionRefusedIsUnavailable) {
  auto p = Make();
  transport_.Expect("GET", "", Error::Unavailable("connection refused"));
  Result<ObservedZone> r = p->ReadZone("example.com.");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  for (int i = 0; i < 3; ++i) transport_.ExpectJson("GET", "", 502, "bad gateway");
  Result<ObservedZone> bad = p->ReadZone("example.com.");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(bad.error().message, HasSubstr("PowerDNS HTTP 502: bad gateway"));
  EXPECT_EQ(transport_.requests().size(), 4u);  // refused once (not retried), 502 three times
}

TEST_F(ProviderTest, ServerErrorIsRetried) {
  auto p = Make();
  transport_.Expect("PATCH", "/zones/example.com.", http::HttpResponse{500, {}, "database is locked"});
  transport_.Expect("PATCH", "/zones/example.com.", http::HttpResponse{204, {}, ""});
  Result<uint32_t> r = p->Apply("example.com.", SwitchToCname(), {5, ""});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(transport_.requests().size(), 2u);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(slept_).count(), 250);
}

TEST_F(ProviderTest, ReadZoneNotFound) {
  auto p = Make();
  transport_.Expect("GET", "", http::HttpResponse{404, {}, "Not Found"});
  EXPECT_EQ(p->ReadZone("example.com.").error().code, ErrorCode::kNotFound);
}

Changes NewZone() {
  Changes c;
  c.owner = "web/example-com";
  c.creates.push_back({"example.com.", "NS", 3600, {"ns1.pdns-a.net."}});
  c.creates.push_back({"www.example.com.", "A", 300, {"192.0.2.1", "192.0.2.2"}});
  return c;
}

constexpr const char* kCreatedJson = R"({"name": "example.com.", "serial": 2026120201, "rrsets": [
  {"name": "example.com.", "type": "SOA", "ttl": 3600, "records": [{"content": "a.misconfigured.dns.server.invalid. hostmaster.example.com. 2026120201 10800 3600 604800 3600", "disabled": false}]},
  {"name": "example.com.", "type": "NS", "ttl": 3600, "comments": [{"account": "domainguard", "content": "domainguard: owner=web/example-com"}], "records": [{"content": "ns1.pdns-a.net.", "disabled": false}]},
  {"name": "www.example.com.", "type": "A", "ttl": 300, "comments": [{"account": "domainguard", "content": "domainguard: owner=web/example-com"}], "records": [{"content": "192.0.2.1", "disabled": false}, {"content": "192.0.2.2", "disabled": false}]}]})";

TEST_F(ProviderTest, CreateZoneIsOnePostWithEveryRRsetAndItsAnswerIsTheZone) {
  auto p = Make();
  transport_.ExpectJson("POST", "/zones", 201, kCreatedJson);
  Result<ObservedZone> z = p->CreateZone("example.com.", NewZone());
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  std::vector<http::HttpRequest> reqs = transport_.requests();
  ASSERT_EQ(reqs.size(), 1u);  // no list, no read, no PATCH
  json body = json::parse(reqs[0].body);
  EXPECT_EQ(body["name"], "example.com.");
  EXPECT_EQ(body["kind"], "Native");
  EXPECT_EQ(body["nameservers"], json::array());  // 4.7 refuses a nameservers list beside an apex NS rrset
  ASSERT_EQ(body["rrsets"].size(), 2u);
  EXPECT_EQ(body["rrsets"][1]["name"], "www.example.com.");
  EXPECT_FALSE(body["rrsets"][1].contains("changetype"));
  EXPECT_EQ(body["rrsets"][1]["comments"][0]["content"], "domainguard: owner=web/example-com");
  EXPECT_EQ(z->version.serial, 2026120201u);
  ASSERT_EQ(z->rrsets.size(), 2u);
  EXPECT_EQ(z->rrsets[1].owner, "web/example-com");
}

TEST_F(ProviderTest, CreateZoneOfAZoneThatAppearedIsAlreadyExists) {
  auto p = Make();
  transport_.Expect("POST", "/zones", http::HttpResponse{409, {}, "Conflict"});
  Result<ObservedZone> z = p->CreateZone("example.com.", NewZone());
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.error().code, ErrorCode::kAlreadyExists);
}

TEST_F(ProviderTest, CreateZonePastTheBodyLimitPostsEmptyThenPatchesThenReads) {
  Config c;
  c.name = "pdns-a";
  c.url = "http://127.0.0.1:18081";
  c.api_key = "k";
  c.qps = 0;
  c.max_body_bytes = 300;  // the two rrsets do not fit in one POST
  auto p = NewPowerDnsProvider(c, &transport_, &clock_, [](std::chrono::nanoseconds) {});
  transport_.ExpectJson("POST", "/zones", 201, R"({"name": "example.com.", "serial": 1, "rrsets": []})");
  transport_.Expect("PATCH", "/zones/example.com.", http::HttpResponse{204, {}, ""});
  transport_.Expect("PATCH", "/zones/example.com.", http::HttpResponse{204, {}, ""});
  transport_.ExpectJson("GET", "/zones/example.com.", 200, kCreatedJson);
  Result<ObservedZone> z = p->CreateZone("example.com.", NewZone());
  ASSERT_TRUE(z.ok()) << z.error().ToString();
  std::vector<std::string> calls;
  for (const http::HttpRequest& r : transport_.requests()) calls.push_back(r.method);
  EXPECT_THAT(calls, ElementsAre("POST", "PATCH", "PATCH", "GET"));  // one name per PATCH at this limit
  EXPECT_EQ(json::parse(transport_.requests()[0].body)["rrsets"], json::array());
  EXPECT_EQ(z->rrsets.size(), 2u);
}

TEST_F(ProviderTest, RateLimitWaitsPastTheBurst) {
  auto p = Make(/*qps=*/2, /*burst=*/2);
  transport_.SetSendHandler([](const http::HttpRequest&) -> Result<http::HttpResponse> {
    return http::HttpResponse{200, {}, R"([{"name": "example.com.", "serial": 1}])"};
  });
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(p->Serial("example.com.").ok());
  // 2 free, then 4 more at 2 per second.
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(slept_).count(), 2000);
}

}  // namespace
}  // namespace domainguard::providers::powerdns
