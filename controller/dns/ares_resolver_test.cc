// AresResolver against an in-process DNS server on 127.0.0.1: the real sockets, c-ares and ldns.
#include "controller/dns/ares_resolver.h"

#include <gtest/gtest.h>

#include "controller/dns/testing/fake_resolver.h"
#include "controller/dns/test_dns_server.h"

namespace domainguard::dns {
namespace {

using namespace std::chrono_literals;

std::optional<DnsMessage> Script(const DnsMessage& q, bool tcp) {
  if (q.qname == "soa.test.") {
    return AuthoritativeAnswer(q.qname, q.qtype, {Rr(q.qname, kTypeSOA, "ns1.soa.test. h.soa.test. 42 1 1 1 1")});
  }
  if (q.qname == "refused.test.") return RcodeAnswer(q.qname, q.qtype, kRcodeRefused);
  if (q.qname == "servfail.test.") return RcodeAnswer(q.qname, q.qtype, kRcodeServFail);
  if (q.qname == "nx.test.") return RcodeAnswer(q.qname, q.qtype, kRcodeNxDomain, true);
  if (q.qname == "child.test.") {
    return Referral(q.qname, q.qtype, "child.test.", {"ns1.child.test."}, {Rr("ns1.child.test.", kTypeA, "127.0.0.9")});
  }
  if (q.qname == "big.test.") {
    if (!tcp) {
      DnsMessage m = RcodeAnswer(q.qname, q.qtype, kRcodeNoError, true);
      m.tc = true;
      return m;
    }
    return AuthoritativeAnswer(q.qname, q.qtype, {Rr(q.qname, kTypeTXT, "\"over tcp\"")});
  }
  if (q.qname == "rd.test.") {
    // Tells the client whether it asked with RD set: the engine must never ask for recursion.
    return AuthoritativeAnswer(q.qname, q.qtype, {Rr(q.qname, kTypeTXT, q.rd ? "\"rd1\"" : "\"rd0\"")});
  }
  if (q.qname.ends_with(".many.test.")) {
    return AuthoritativeAnswer(q.qname, q.qtype, {Rr(q.qname, kTypeA, "192.0.2.1")});
  }
  return std::nullopt;  // silent: a timeout
}

class AresResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = AresResolver::Create(AresOptions{.timeout = 200ms, .tries = 1, .max_in_flight_per_server = 50});
    ASSERT_TRUE(r.ok());
    resolver_ = std::move(*r);
  }
  Probe P(const std::string& name, uint16_t type = kTypeSOA) { return Probe{"127.0.0.1", server_.port(), name, type}; }

  TestDnsServer server_{Script};
  std::unique_ptr<AresResolver> resolver_;
};

TEST_F(AresResolverTest, TellsAnswersRefusedServfailReferralAndTimeoutApart) {
  std::vector<Probe> probes = {P("soa.test."), P("refused.test."), P("servfail.test."), P("child.test.", kTypeNS),
                               P("silent.test."), P("nx.test.")};
  auto start = std::chrono::steady_clock::now();
  auto res = resolver_->QueryAll(probes, start + 5s);
  ASSERT_EQ(res.size(), probes.size());
  ASSERT_TRUE(res[0].ok()) << res[0].error().ToString();
  EXPECT_TRUE(res[0]->aa);
  EXPECT_EQ(res[0]->SoaSerial(), 42u);
  ASSERT_TRUE(res[1].ok()) << res[1].error().ToString();
  EXPECT_EQ(res[1]->rcode, kRcodeRefused);
  ASSERT_TRUE(res[2].ok()) << res[2].error().ToString();
  EXPECT_EQ(res[2]->rcode, kRcodeServFail);
  ASSERT_TRUE(res[3].ok()) << res[3].error().ToString();
  EXPECT_TRUE(res[3]->IsReferral());
  EXPECT_EQ(res[3]->AddressesOf("ns1.child.test."), std::vector<std::string>{"127.0.0.9"});
  ASSERT_FALSE(res[4].ok());
  EXPECT_EQ(res[4].error().code, ErrorCode::kDeadlineExceeded);
  ASSERT_TRUE(res[5].ok());
  EXPECT_EQ(res[5]->rcode, kRcodeNxDomain);
  // The silent server cost one 200 ms try, not the 5 s deadline.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(AresResolverTest, NeverSetsRecursionDesired) {
  auto r = resolver_->Query(P("rd.test.", kTypeTXT), std::chrono::steady_clock::now() + 2s);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->answer.size(), 1u);
  EXPECT_EQ(r->answer[0].rdata, "\"rd0\"");
}

TEST_F(AresResolverTest, TruncatedUdpIsRetriedOverTcp) {
  auto r = resolver_->Query(P("big.test.", kTypeTXT), std::chrono::steady_clock::now() + 2s);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  ASSERT_EQ(r->answer.size(), 1u);
  EXPECT_EQ(r->answer[0].rdata, "\"over tcp\"");
  EXPECT_FALSE(r->tc);
}

TEST_F(AresResolverTest, ForcedTcpWorks) {
  Probe p = P("soa.test.");
  p.tcp = true;
  auto r = resolver_->Query(p, std::chrono::steady_clock::now() + 2s);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->SoaSerial(), 42u);
}

TEST_F(AresResolverTest, ThousandsInFlightAllAnswered) {
  std::vector<Probe> probes;
  for (int i = 0; i < 3000; ++i) probes.push_back(P("h" + std::to_string(i) + ".many.test.", kTypeA));
  auto res = resolver_->QueryAll(probes, std::chrono::steady_clock::now() + 20s);
  int ok = 0;
  for (size_t i = 0; i < res.size(); ++i) {
    if (res[i].ok() && res[i]->qname == CanonicalName(probes[i].qname)) ++ok;
  }
  EXPECT_EQ(ok, 3000);
}

TEST_F(AresResolverTest, DeadlineCutsTheBatch) {
  std::vector<Probe> probes(20, P("silent.test."));
  auto start = std::chrono::steady_clock::now();
  auto res = resolver_->QueryAll(probes, start + 100ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  for (const auto& r : res) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
  }
  // The resolver is reusable after a cut batch.
  auto again = resolver_->Query(P("soa.test."), std::chrono::steady_clock::now() + 2s);
  EXPECT_TRUE(again.ok());
}

}  // namespace
}  // namespace domainguard::dns
