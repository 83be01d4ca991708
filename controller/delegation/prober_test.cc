// Walker and Prober over a scripted hierarchy (FakeResolver), and the pure answer readers.
#include "controller/delegation/prober.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/delegation/verdict.h"
#include "controller/dns/testing/fake_resolver.h"

namespace domainguard::delegation {
namespace {

using dns::AuthoritativeAnswer;
using dns::FakeResolver;
using dns::Referral;
using dns::Rr;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::vector<NameserverSpec> kRoots = {{"a.root.", {"10.0.0.1"}, ""}};

// root 10.0.0.1 -> test./net. at a.nic (10.0.1.1) and b.nic (10.0.1.2)
// test. -> z.test. at ns1.z.test. (glue 10.0.2.1) and ns1.host.net. (no glue)
// net. -> host.net. at ns1.host.net. (glue 10.0.3.1); host.net. serves ns1.host.net. A 10.0.2.2
void ScriptHierarchy(FakeResolver& r) {
  const std::vector<dns::ResourceRecord> tld_glue = {Rr("a.nic.test.", dns::kTypeA, "10.0.1.1"),
                                                     Rr("b.nic.test.", dns::kTypeA, "10.0.1.2")};
  r.SetAnswer("10.0.0.1", "z.test.", dns::kTypeNS, Referral("z.test.", dns::kTypeNS, "test.", {"a.nic.test.", "b.nic.test."}, tld_glue));
  r.SetAnswer("10.0.0.1", "ns1.host.net.", dns::kTypeA,
              Referral("ns1.host.net.", dns::kTypeA, "net.", {"a.nic.test.", "b.nic.test."}, tld_glue));
  r.SetAnswer("10.0.0.1", "host.net.", dns::kTypeNS,
              Referral("host.net.", dns::kTypeNS, "net.", {"a.nic.test.", "b.nic.test."}, tld_glue));
  for (const char* tld : {"10.0.1.1", "10.0.1.2"}) {
    r.SetAnswer(tld, "z.test.", dns::kTypeNS,
                Referral("z.test.", dns::kTypeNS, "z.test.", {"ns1.z.test.", "ns1.host.net."},
                         {Rr("ns1.z.test.", dns::kTypeA, "10.0.2.1")}));
    r.SetAnswer(tld, "ns1.host.net.", dns::kTypeA,
                Referral("ns1.host.net.", dns::kTypeA, "host.net.", {"ns1.host.net."},
                         {Rr("ns1.host.net.", dns::kTypeA, "10.0.3.1")}));
    r.SetAnswer(tld, "host.net.", dns::kTypeNS,
                Referral("host.net.", dns::kTypeNS, "host.net.", {"ns1.host.net."},
                         {Rr("ns1.host.net.", dns::kTypeA, "10.0.3.1")}));
  }
  r.SetAnswer("10.0.3.1", "ns1.host.net.", dns::kTypeA,
              AuthoritativeAnswer("ns1.host.net.", dns::kTypeA, {Rr("ns1.host.net.", dns::kTypeA, "10.0.2.2")}));
  r.SetAnswer("10.0.3.1", "host.net.", dns::kTypeSOA,
              AuthoritativeAnswer("host.net.", dns::kTypeSOA, {Rr("host.net.", dns::kTypeSOA, "ns1.host.net. h. 5 1 1 1 1")}));
  r.SetAnswer("10.0.3.1", "host.net.", dns::kTypeNS,
              AuthoritativeAnswer("host.net.", dns::kTypeNS, {Rr("host.net.", dns::kTypeNS, "ns1.host.net.")}));
  for (const char* ns : {"10.0.2.1", "10.0.2.2"}) {
    r.SetAnswer(ns, "z.test.", dns::kTypeSOA,
                AuthoritativeAnswer("z.test.", dns::kTypeSOA, {Rr("z.test.", dns::kTypeSOA, "ns1.z.test. h.z.test. 7 1 1 1 1")}));
    r.SetAnswer(ns, "z.test.", dns::kTypeNS,
                AuthoritativeAnswer("z.test.", dns::kTypeNS,
                                    {Rr("z.test.", dns::kTypeNS, "ns1.z.test."), Rr("z.test.", dns::kTypeNS, "ns1.host.net.")}));
    r.SetAnswer(ns, "www.z.test.", dns::kTypeA,
                AuthoritativeAnswer("www.z.test.", dns::kTypeA, {Rr("www.z.test.", dns::kTypeA, "192.0.2.80")}));
  }
}

ZoneSpec Spec() {
  return ZoneSpec{"z.test.",
                  {{"ns1.host.net.", {}, ""}, {"ns1.z.test.", {"10.0.2.1"}, ""}},
                  {{"www.z.test.", dns::kTypeA, {"192.0.2.80"}}}};
}

TEST(ProberTest, ObservesAWholeHierarchyAndFindsItHealthy) {
  FakeResolver r;
  ScriptHierarchy(r);
  Walker walker(r, kRoots);
  Prober prober(r, walker);
  const ZoneSpec spec = Spec();
  auto obs = prober.ObserveAll(std::span<const ZoneSpec>(&spec, 1), std::chrono::steady_clock::now() + std::chrono::hours(1));
  ASSERT_EQ(obs.size(), 1u);
  const Observation& o = obs[0];
  EXPECT_EQ(o.discovery_error, "");
  EXPECT_EQ(o.parent_zone, "test.");
  ASSERT_EQ(o.parents.size(), 2u);
  for (const auto& p : o.parents) {
    EXPECT_EQ(p.outcome, ParentOutcome::kDelegation);
    EXPECT_THAT(p.ns, ElementsAre("ns1.host.net.", "ns1.z.test."));
    EXPECT_THAT(p.glue.at("ns1.z.test."), ElementsAre("10.0.2.1"));
  }
  ASSERT_EQ(o.servers.size(), 2u);
  for (const auto& s : o.servers) {
    EXPECT_EQ(s.outcome, ServerOutcome::kAuthoritative) << s.address << " " << s.detail;
    EXPECT_EQ(s.serial, 7u);
    EXPECT_EQ(s.records_checked, 1);
    EXPECT_THAT(s.records_missing, IsEmpty());
  }
  ASSERT_EQ(o.dependencies.size(), 1u);
  EXPECT_EQ(o.dependencies[0].zone, "host.net.");
  EXPECT_FALSE(o.dependencies[0].broken) << o.dependencies[0].detail;
  Verdict v = EvaluateDelegation(o, spec, {}, {});
  EXPECT_THAT(v.findings, IsEmpty()) << (v.findings.empty() ? "" : v.findings[0].message);
  EXPECT_THAT(v.depends_on, ElementsAre("host.net."));
}

TEST(ProberTest, RefusingServerAndSuspendedHostZoneAreSeen) {
  FakeResolver r;
  ScriptHierarchy(r);
  // ns1.z.test. lost the zone; host.net. was suspended at both TLD servers.
  r.SetAnswer("10.0.2.1", "z.test.", dns::kTypeSOA, dns::RcodeAnswer("z.test.", dns::kTypeSOA, dns::kRcodeRefused));
  for (const char* tld : {"10.0.1.1", "10.0.1.2"}) {
    r.SetAnswer(tld, "ns1.host.net.", dns::kTypeA, dns::RcodeAnswer("ns1.host.net.", dns::kTypeA, dns::kRcodeNxDomain, true));
    r.SetAnswer(tld, "host.net.", dns::kTypeNS, dns::RcodeAnswer("host.net.", dns::kTypeNS, dns::kRcodeNxDomain, true));
  }
  Walker walker(r, kRoots);
  Prober prober(r, walker);
  const ZoneSpec spec = Spec();
  auto o = prober.ObserveAll(std::span<const ZoneSpec>(&spec, 1), std::chrono::steady_clock::now() + std::chrono::hours(1)).front();
  EXPECT_THAT(o.unresolvable_ns, ElementsAre("ns1.host.net."));
  ASSERT_EQ(o.dependencies.size(), 1u);
  EXPECT_TRUE(o.dependencies[0].broken);
  Verdict v = EvaluateDelegation(o, spec, {}, {});
  ASSERT_TRUE(v.Has("DependencyBroken"));
  EXPECT_EQ(v.Find("DependencyBroken")->severity, Severity::kCritical);
  ASSERT_TRUE(v.Has("LameNameserver"));
  EXPECT_EQ(v.Find("LameNameserver")->severity, Severity::kCritical);  // nobody answers any more
}

TEST(WalkerTest, ManyZonesUnderOneTldAskTheRootOnce) {
  FakeResolver r;
  const std::vector<dns::ResourceRecord> glue = {Rr("a.nic.test.", dns::kTypeA, "10.0.1.1")};
  std::vector<std::string> zones;
  for (int i = 0; i < 50; ++i) {
    const std::string z = "z" + std::to_string(i) + ".test.";
    zones.push_back(z);
    r.SetAnswer("10.0.0.1", z, dns::kTypeNS, Referral(z, dns::kTypeNS, "test.", {"a.nic.test."}, glue));
    r.SetAnswer("10.0.1.1", z, dns::kTypeNS, Referral(z, dns::kTypeNS, z, {"ns1.x.test."}));
  }
  Walker walker(r, kRoots);
  auto parents = walker.FindParents(zones, std::chrono::steady_clock::now() + std::chrono::hours(1));
  for (const auto& p : parents) {
    ASSERT_TRUE(p.ok()) << p.error().ToString();
    EXPECT_EQ(p->zone, "test.");
  }
  int to_root = 0;
  for (const auto& p : r.probes()) to_root += p.address == "10.0.0.1";
  EXPECT_EQ(to_root, 1);
  EXPECT_EQ(walker.queries_sent(), 51u);
  // The TLD cut is cached: a second batch goes straight to the TLD.
  (void)walker.FindParents(zones, std::chrono::steady_clock::now() + std::chrono::hours(1));
  EXPECT_EQ(walker.queries_sent(), 101u);
}

TEST(WalkerTest, TimingOutServerIsSkippedForTheNextOne) {
  FakeResolver r;
  const std::vector<NameserverSpec> roots = {{"a.root.", {"10.0.0.1"}, ""}, {"b.root.", {"10.0.0.2"}, ""}};
  r.SetTimeout("10.0.0.1", "z.test.", dns::kTypeNS);
  r.SetAnswer("10.0.0.2", "z.test.", dns::kTypeNS, Referral("z.test.", dns::kTypeNS, "test.", {"a.nic.test."},
                                                            {Rr("a.nic.test.", dns::kTypeA, "10.0.1.1")}));
  r.SetAnswer("10.0.1.1", "z.test.", dns::kTypeNS, dns::RcodeAnswer("z.test.", dns::kTypeNS, dns::kRcodeNxDomain, true));
  Walker walker(r, roots);
  const std::string z = "z.test.";
  auto p = walker.FindParents(std::span<const std::string>(&z, 1), std::chrono::steady_clock::now() + std::chrono::hours(1));
  ASSERT_TRUE(p[0].ok()) << p[0].error().ToString();
  EXPECT_EQ(p[0]->zone, "test.");  // NXDOMAIN at the TLD: the parent is the TLD, which does not delegate it
}

TEST(WalkerTest, NoServerAnsweringIsUnavailable) {
  FakeResolver r;
  Walker walker(r, kRoots);
  const std::string z = "z.test.";
  auto p = walker.FindParents(std::span<const std::string>(&z, 1), std::chrono::steady_clock::now() + std::chrono::hours(1));
  ASSERT_FALSE(p[0].ok());
  EXPECT_EQ(p[0].error().code, ErrorCode::kUnavailable);
}

struct ParentCase {
  std::string name;
  Result<dns::DnsMessage> answer;
  ParentOutcome want;
};

class ReadParentAnswerTest : public ::testing::TestWithParam<ParentCase> {};

TEST_P(ReadParentAnswerTest, Outcome) {
  EXPECT_EQ(ReadParentAnswer("z.test.", GetParam().answer).outcome, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Parent, ReadParentAnswerTest,
    ::testing::Values(
        ParentCase{"referral", Referral("z.test.", dns::kTypeNS, "z.test.", {"ns1.z.test."}), ParentOutcome::kDelegation},
        ParentCase{"authoritative_ns", AuthoritativeAnswer("z.test.", dns::kTypeNS, {Rr("z.test.", dns::kTypeNS, "ns1.x.")}),
                   ParentOutcome::kDelegation},
        ParentCase{"nxdomain", dns::RcodeAnswer("z.test.", dns::kTypeNS, dns::kRcodeNxDomain, true), ParentOutcome::kNoDelegation},
        ParentCase{"nodata", dns::RcodeAnswer("z.test.", dns::kTypeNS, dns::kRcodeNoError, true), ParentOutcome::kNoDelegation},
        ParentCase{"refused", dns::RcodeAnswer("z.test.", dns::kTypeNS, dns::kRcodeRefused), ParentOutcome::kRefused},
        ParentCase{"servfail", dns::RcodeAnswer("z.test.", dns::kTypeNS, dns::kRcodeServFail), ParentOutcome::kServFail},
        ParentCase{"referral_elsewhere", Referral("z.test.", dns::kTypeNS, "test.", {"a.nic.test."}), ParentOutcome::kBadAnswer},
        ParentCase{"timeout", Error::DeadlineExceeded("t"), ParentOutcome::kTimeout},
        ParentCase{"refused_connection", Error::Unavailable("u"), ParentOutcome::kUnreachable}),
    [](const auto& info) { return info.param.name; });

TEST(ReadSoaAnswerTest, OnlyAnAuthoritativeSoaCounts) {
  ServerView v;
  ReadSoaAnswer("z.test.", AuthoritativeAnswer("z.test.", dns::kTypeSOA, {Rr("z.test.", dns::kTypeSOA, "a. b. 9 1 1 1 1")}), v);
  EXPECT_EQ(v.outcome, ServerOutcome::kAuthoritative);
  EXPECT_EQ(v.serial, 9u);
  ServerView upward;
  ReadSoaAnswer("z.test.", Referral("z.test.", dns::kTypeSOA, ".", {"a.root."}), upward);
  EXPECT_EQ(upward.outcome, ServerOutcome::kNotAuthoritative);
  ServerView refused;
  ReadSoaAnswer("z.test.", dns::RcodeAnswer("z.test.", dns::kTypeSOA, dns::kRcodeRefused), refused);
  EXPECT_EQ(refused.outcome, ServerOutcome::kRefused);
}

TEST(ServesRecordTest, ComparesTheWholeSet) {
  DesiredRecord want{"www.z.test.", dns::kTypeA, {"192.0.2.1", "192.0.2.2"}};
  auto both = AuthoritativeAnswer("www.z.test.", dns::kTypeA,
                                  {Rr("www.z.test.", dns::kTypeA, "192.0.2.2"), Rr("www.z.test.", dns::kTypeA, "192.0.2.1")});
  auto one = AuthoritativeAnswer("www.z.test.", dns::kTypeA, {Rr("www.z.test.", dns::kTypeA, "192.0.2.1")});
  EXPECT_TRUE(ServesRecord(want, both));
  EXPECT_FALSE(ServesRecord(want, one));
  EXPECT_FALSE(ServesRecord(want, Error::DeadlineExceeded("t")));
}

}  // namespace
}  // namespace domainguard::delegation
