#include "controller/providers/counting_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "controller/providers/fake_provider.h"

namespace domainguard::providers {
namespace {

using ::testing::ElementsAre;

TEST(WithCallCounting, EveryCallIsSeenWithItsOutcomeAndEmptyAppliesAreNot) {
  auto fake = std::make_shared<FakeProvider>("pdns-a");
  std::vector<std::string> seen;
  std::shared_ptr<Provider> p =
      WithCallCounting(fake, [&](std::string_view op, std::string_view outcome) {
        seen.push_back(std::string(op) + "=" + std::string(outcome));
      });
  EXPECT_EQ(p->Name(), "pdns-a");
  EXPECT_FALSE(p->ReadZone("example.com.").ok());
  Changes c;
  c.owner = "web/example-com";
  c.creates.push_back({"example.com.", "NS", 3600, {"ns1.pdns-a.net."}});
  Result<ObservedZone> z = p->CreateZone("example.com.", c);
  ASSERT_TRUE(z.ok());
  ASSERT_TRUE(p->Apply("example.com.", Changes{}, z->version).ok());  // writes nothing: not counted
  fake->SetDown(true);
  EXPECT_FALSE(p->Serial("example.com.").ok());
  EXPECT_FALSE(p->Apply("example.com.", c, z->version).ok());
  EXPECT_THAT(seen, ElementsAre("read_zone=NotFound", "create_zone=ok", "serial=Unavailable", "apply=Unavailable"));
}

}  // namespace
}  // namespace domainguard::providers
