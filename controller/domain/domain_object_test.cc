#include "controller/domain/domain_object.h"

#include <gtest/gtest.h>

namespace domainguard::domain {
namespace {

using nlohmann::json;

json D(const std::string& ns, const std::string& name, const std::string& zone, const std::string& created) {
  json d = {{"metadata", {{"name", name}, {"namespace", ns}}}, {"spec", {{"zone", zone}}}};
  if (!created.empty()) d["metadata"]["creationTimestamp"] = created;
  return d;
}

TEST(CanonicalZone, LowerCaseOneTrailingDot) {
  EXPECT_EQ(CanonicalZone(D("a", "b", "Example.COM", "")), "example.com.");
  EXPECT_EQ(CanonicalZone(D("a", "b", "example.com.", "")), "example.com.");
  EXPECT_EQ(CanonicalZone(json::object()), "");
  EXPECT_EQ(CanonicalZone(json{{"spec", {{"zone", 5}}}}), "");
}

TEST(ZoneClaimWinner, OldestWinsThenKeyOrder) {
  EXPECT_EQ(ZoneClaimWinner({D("web", "new", "x.test", "2026-12-02T10:00:00Z"),
                             D("web", "old", "x.test", "2026-12-01T10:00:00Z")}),
            "web/old");
  EXPECT_EQ(ZoneClaimWinner({D("b", "x", "x.test", "2026-12-01T10:00:00Z"),
                             D("a", "x", "x.test", "2026-12-01T10:00:00Z")}),
            "a/x");
  // Without a creation time (not yet stored) never wins over a stored object.
  EXPECT_EQ(ZoneClaimWinner({D("a", "x", "x.test", ""), D("b", "x", "x.test", "2026-12-01T10:00:00Z")}), "b/x");
  EXPECT_EQ(ZoneClaimWinner(std::vector<json>{}), std::nullopt);
}

TEST(Annotation, ReadsStringsOnly) {
  json d = {{"metadata", {{"annotations", {{"a", "1"}, {"b", 2}}}}}};
  EXPECT_EQ(Annotation(d, "a"), "1");
  EXPECT_EQ(Annotation(d, "b"), std::nullopt);
  EXPECT_EQ(Annotation(d, "c"), std::nullopt);
}

}  // namespace
}  // namespace domainguard::domain
