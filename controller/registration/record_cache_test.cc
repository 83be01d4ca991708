#include "controller/registration/record_cache.h"

#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

RegistrationRecord Typical(const std::string& domain) {
  RegistrationRecord r;
  r.domain = domain;
  r.registrar = "Example Registrar, LLC";
  r.registrar_iana_id = "1111";
  r.expires_at = SystemTime{} + std::chrono::hours(500000);
  r.statuses = {"clientTransferProhibited", "serverTransferProhibited"};
  r.nameservers = {"ns1.pdns-a.net.", "ns1.pdns-b.net."};
  r.server = "http://127.0.0.1:18480/domain/" + domain;
  return r;
}

TEST(RecordCache, TenThousandDomainsFitInTwentyMegabytes) {
  RecordCache cache(20u << 20);
  for (int i = 0; i < 10000; ++i) {
    std::string d = "bench-" + std::to_string(i) + ".test";
    cache.Put(d, Typical(d));
  }
  EXPECT_EQ(cache.entries(), 10000u);
  EXPECT_LT(cache.bytes(), 20u << 20);
  EXPECT_GT(cache.bytes(), 10000u * 300);  // the accounting is not vacuous
}

TEST(RecordCache, EvictsLeastRecentlyUsedPastTheBound) {
  size_t one = RecordCache::SizeOf("a.test", Typical("a.test"));
  RecordCache cache(one * 3 + one / 2);
  cache.Put("a.test", Typical("a.test"));
  cache.Put("b.test", Typical("b.test"));
  cache.Put("c.test", Typical("c.test"));
  ASSERT_TRUE(cache.Get("a.test"));  // a is now the most recent; b the least
  cache.Put("d.test", Typical("d.test"));
  EXPECT_TRUE(cache.Get("a.test"));
  EXPECT_FALSE(cache.Get("b.test"));
  EXPECT_TRUE(cache.Get("c.test"));
  EXPECT_TRUE(cache.Get("d.test"));
  EXPECT_LE(cache.bytes(), one * 3 + one / 2);
}

TEST(RecordCache, ReplaceKeepsOneEntry) {
  RecordCache cache;
  cache.Put("a.test", Typical("a.test"));
  auto r = Typical("a.test");
  r.registrar = "Other";
  cache.Put("a.test", r);
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.Get("a.test")->registrar, "Other");
}

}  // namespace
}  // namespace domainguard::registration
