#include "controller/dns/testing/fake_resolver.h"

#include <gtest/gtest.h>

namespace domainguard::dns {
namespace {

TEST(FakeResolverTest, ScriptsAnswersTimeoutsRefusedAndTruncation) {
  FakeResolver r;
  r.SetAnswer("10.0.0.1", "Example.test", kTypeSOA,
              AuthoritativeAnswer("example.test.", kTypeSOA,
                                  {Rr("example.test.", kTypeSOA, "ns. h. 7 1 1 1 1")}));
  r.SetTimeout("10.0.0.2", "example.test.", kTypeSOA);
  r.SetDefaultRcode("10.0.0.3", kRcodeRefused);
  r.SetTruncated("10.0.0.4", "example.test.", kTypeSOA,
                 AuthoritativeAnswer("example.test.", kTypeSOA, {Rr("example.test.", kTypeSOA, "ns. h. 9 1 1 1 1")}));
  r.SetUnreachable("10.0.0.5");
  std::vector<Probe> probes;
  for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"}) {
    probes.push_back(Probe{a, 53, "example.test.", kTypeSOA, false});
  }
  auto res = r.QueryAll(probes, std::chrono::steady_clock::now());
  ASSERT_EQ(res.size(), 6u);
  ASSERT_TRUE(res[0].ok());
  EXPECT_EQ(res[0]->SoaSerial(), 7u);
  ASSERT_FALSE(res[1].ok());
  EXPECT_EQ(res[1].error().code, ErrorCode::kDeadlineExceeded);
  ASSERT_TRUE(res[2].ok());
  EXPECT_EQ(res[2]->rcode, kRcodeRefused);
  ASSERT_TRUE(res[3].ok());
  EXPECT_EQ(res[3]->SoaSerial(), 9u);
  ASSERT_FALSE(res[4].ok());
  EXPECT_EQ(res[4].error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(res[5].error().code, ErrorCode::kDeadlineExceeded);
  // The truncated UDP answer was retried over TCP.
  auto seen = r.probes();
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(seen[4].tcp);
  EXPECT_EQ(seen[4].address, "10.0.0.4");
}

}  // namespace
}  // namespace domainguard::dns
