#include "controller/providers/rfc2136/rfc2136_update.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::providers::rfc2136 {
namespace {

using ::testing::ElementsAre;

constexpr const char* kMe = "web/example-com";

std::vector<std::string> Flat(const std::vector<std::vector<UpdateOp>>& groups) {
  std::vector<std::string> out;
  for (const auto& g : groups) {
    for (const UpdateOp& op : g) out.push_back(Describe(op));
    out.push_back("--");
  }
  return out;
}

TEST(BuildUpdateOps, CnameSwitchDeletesBeforeAddingInOneGroup) {
  Changes c;
  c.owner = kMe;
  c.deletes.push_back({{"www.example.com.", "A", 300, {"192.0.2.1"}}, kMe});
  c.creates.push_back({"www.example.com.", "CNAME", 300, {"web.example.net."}});
  EXPECT_THAT(Flat(BuildUpdateOps(c, "example.com.")),
              ElementsAre("del-rrset www.example.com. A",
                          "del _dg-owner.www.example.com. TXT \"heritage=domainguard,owner=web/example-com,type=A\"",
                          "add www.example.com. 300 CNAME web.example.net.",
                          "add _dg-owner.www.example.com. 300 TXT "
                          "\"heritage=domainguard,owner=web/example-com,type=CNAME\"",
                          "--"));
}

TEST(BuildUpdateOps, UpdateReplacesTheRrsetAndKeepsTheMark) {
  Changes c;
  c.owner = kMe;
  c.updates.push_back({{{"a.example.com.", "A", 300, {"192.0.2.1"}}, kMe}, {"a.example.com.", "A", 60, {"192.0.2.1", "192.0.2.2"}}});
  EXPECT_THAT(Flat(BuildUpdateOps(c, "example.com.")),
              ElementsAre("del-rrset a.example.com. A", "add a.example.com. 60 A 192.0.2.1",
                          "add a.example.com. 60 A 192.0.2.2", "--"));
}

TEST(BuildUpdateOps, ClaimAddsOnlyTheMarkAfterRewrite) {
  Changes c;
  c.owner = kMe;
  c.updates.push_back({{{"a.example.com.", "A", 300, {"192.0.2.1"}}, ""}, {"a.example.com.", "A", 300, {"192.0.2.1"}}});
  std::vector<std::string> ops = Flat(BuildUpdateOps(c, "example.com."));
  EXPECT_EQ(ops.back(), "--");
  EXPECT_EQ(ops[ops.size() - 2],
            "add _dg-owner.a.example.com. 300 TXT \"heritage=domainguard,owner=web/example-com,type=A\"");
}

TEST(BuildUpdateOps, ApexNsAddsFirstThenDeletesValues) {
  Changes c;
  c.owner = kMe;
  c.updates.push_back({{{"example.com.", "NS", 3600, {"ns1.old.net."}}, ""},
                       {"example.com.", "NS", 3600, {"ns1.a.net.", "ns1.b.net."}}});
  std::vector<std::string> ops = Flat(BuildUpdateOps(c, "example.com."));
  EXPECT_EQ(ops[0], "add example.com. 3600 NS ns1.a.net.");
  EXPECT_EQ(ops[1], "add example.com. 3600 NS ns1.b.net.");
  EXPECT_EQ(ops[2], "del example.com. NS ns1.old.net.");
  for (const std::string& op : ops) EXPECT_EQ(op.find("del-rrset example.com. NS"), std::string::npos);
}

TEST(BuildUpdateOps, GroupsAreNamesInOrder) {
  Changes c;
  c.owner = kMe;
  c.creates.push_back({"b.example.com.", "A", 300, {"192.0.2.2"}});
  c.creates.push_back({"a.example.com.", "A", 300, {"192.0.2.1"}});
  std::vector<std::vector<UpdateOp>> g = BuildUpdateOps(c, "example.com.");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0][0].name, "a.example.com.");
  EXPECT_EQ(g[1][0].name, "b.example.com.");
}

TEST(Registry, RoundTrip) {
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

TEST(AssembleZone, FoldsRegistryAndSoa) {
  std::vector<WireRecord> recs = {
      {"example.com.", "SOA", 3600, "ns.example.com. host.example.com. 42 1 1 1 1"},
      {"example.com.", "NS", 3600, "ns1.bind-c.net."},
      {"www.example.com.", "A", 300, "192.0.2.2"},
      {"www.example.com.", "A", 300, "192.0.2.1"},
      {"_dg-owner.www.example.com.", "TXT", 300, "\"heritage=domainguard,owner=web/example-com,type=A\""},
      {"_dg-owner.www.example.com.", "TXT", 300, "\"something else\""},
      {"ftp.example.com.", "A", 300, "192.0.2.9"},
      {"example.com.", "SOA", 3600, "ns.example.com. host.example.com. 42 1 1 1 1"},
  };
  ObservedZone z = AssembleZone("example.com.", recs);
  EXPECT_EQ(z.version.serial, 42u);
  EXPECT_EQ(z.version.soa, "ns.example.com. host.example.com. 42 1 1 1 1");
  std::vector<std::string> got;
  for (const auto& o : z.rrsets) got.push_back(zone::Describe(o.rrset) + " owner=" + o.owner);
  EXPECT_THAT(got, ElementsAre("example.com. 3600 NS ns1.bind-c.net. owner=", "ftp.example.com. 300 A 192.0.2.9 owner=",
                               "www.example.com. 300 A 192.0.2.1,192.0.2.2 owner=web/example-com"));
}

}  // namespace
}  // namespace domainguard::providers::rfc2136

#include "controller/providers/rfc2136/rfc2136_provider.h"

namespace domainguard::providers::rfc2136 {
namespace {

TEST(NewRfc2136Provider, ValidatesConfigWithoutLeakingTheSecret) {
  Config c{.name = "bind", .server = "127.53.1.3:53", .tsig_name = "k", .tsig_secret = "c2VjcmV0LXNlY3JldA=="};
  EXPECT_TRUE(NewRfc2136Provider(c).ok());
  Config v6 = c;
  v6.server = "[::1]:5353";
  EXPECT_TRUE(NewRfc2136Provider(v6).ok());
  Config host = c;
  host.server = "ns1.example.com:53";
  Result<std::unique_ptr<Provider>> h = NewRfc2136Provider(host);
  ASSERT_FALSE(h.ok());
  EXPECT_THAT(h.error().message, ::testing::HasSubstr("rfc2136.server"));
  Config port = c;
  port.server = "127.0.0.1:99999";
  EXPECT_FALSE(NewRfc2136Provider(port).ok());
  Config sha384 = c;
  sha384.tsig_algorithm = "hmac-sha384";
  Result<std::unique_ptr<Provider>> s = NewRfc2136Provider(sha384);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, ::testing::HasSubstr("hmac-sha256"));
  EXPECT_THAT(s.error().message, ::testing::Not(::testing::HasSubstr("c2VjcmV0")));
}

TEST(Rfc2136Provider, UnreachableServerIsUnavailable) {
  // Nothing listens on this loopback port: connection refused, reported as kUnavailable.
  Config c{.name = "bind", .server = "127.0.0.1:9", .tsig_name = "k", .tsig_secret = "c2VjcmV0LXNlY3JldA==",
           .timeout = std::chrono::milliseconds(500)};
  Result<std::unique_ptr<Provider>> p = NewRfc2136Provider(c);
  ASSERT_TRUE(p.ok());
  Result<ObservedZone> z = (*p)->ReadZone("example.com.");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.error().code, ErrorCode::kUnavailable) << z.error().ToString();
  Result<ObservedZone> e = (*p)->CreateZone("example.com.", {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::kUnavailable) << e.error().ToString();
  Changes ch;
  ch.owner = "a/b";
  ch.creates.push_back({"www.example.com.", "A", 300, {"192.0.2.1"}});
  Result<uint32_t> a = (*p)->Apply("example.com.", ch, {1, "ns. h. 1 1 1 1 1"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kUnavailable) << a.error().ToString();
  EXPECT_THAT(a.error().message, ::testing::Not(::testing::HasSubstr("c2VjcmV0")));
}

TEST(Rfc2136Provider, OversizedRrsetRefusedBeforeSending) {
  Config c;
  c.name = "bind";
  c.server = "127.0.0.1:9";
  Result<std::unique_ptr<Provider>> p = NewRfc2136Provider(c);
  ASSERT_TRUE(p.ok());
  Changes ch;
  ch.owner = "a/b";
  zone::RRset big{"www.example.com.", "A", 300, {}};
  for (int i = 0; i < 101; ++i) big.values.push_back("192.0." + std::to_string(i / 250) + "." + std::to_string(i % 250));
  ch.creates.push_back(big);
  Result<uint32_t> a = (*p)->Apply("example.com.", ch, {1, "ns. h. 1 1 1 1 1"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(a.error().message, ::testing::HasSubstr("at most 100"));
}

}  // namespace
}  // namespace domainguard::providers::rfc2136
