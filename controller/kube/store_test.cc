#include "controller/kube/store.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::kube {
namespace {

using ::testing::UnorderedElementsAre;

json D(const std::string& ns, const std::string& name, const std::string& rv, const std::string& zone) {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"resourceVersion", rv}}}, {"spec", {{"zone", zone}}}};
}

std::vector<std::string> Names(const std::vector<json>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(Name(o));
  return out;
}

IndexFunc ZoneIndex() {
  return [](const json& o) -> std::vector<std::string> {
    if (o.contains("spec") && o["spec"].contains("zone") && o["spec"]["zone"].is_string()) {
      return {o["spec"]["zone"].get<std::string>()};
    }
    return {};
  };
}

TEST(Store, UpsertGetRemoveRoundTripsExactly) {
  Store s;
  json a = D("web", "a", "1", "a.test");
  a["status"] = {{"conditions", json::array({{{"type", "Ready"}, {"status", "True"}}})}, {"n", 1.5}};
  EXPECT_FALSE(s.Upsert(a).has_value());
  EXPECT_EQ(s.Get("web/a").value(), a);
  auto old = s.Upsert(D("web", "a", "2", "a.test"));
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(*old, a);
  EXPECT_EQ(ResourceVersion(s.Get("web/a").value()), "2");
  EXPECT_EQ(s.ResourceVersionOf("web/a"), "2");
  EXPECT_EQ(s.ResourceVersionOf("web/b"), std::nullopt);
  EXPECT_TRUE(s.Remove(a).has_value());
  EXPECT_FALSE(s.Get("web/a").has_value());
  EXPECT_EQ(s.ResourceVersionOf("web/a"), std::nullopt);
  EXPECT_EQ(s.size(), 0u);
}

TEST(Store, IndexesFollowUpdatesAndDeletes) {
  Store s;
  s.AddIndex("zone", ZoneIndex());
  s.Upsert(D("web", "a", "1", "a.test"));
  s.Upsert(D("shop", "b", "1", "a.test"));
  s.Upsert(D("web", "c", "1", "c.test"));
  EXPECT_THAT(Names(s.ByIndex("zone", "a.test")), UnorderedElementsAre("a", "b"));
  EXPECT_THAT(Names(s.ByIndex(kNamespaceIndex, "web")), UnorderedElementsAre("a", "c"));
  s.Upsert(D("web", "a", "2", "other.test"));  // zone changed
  EXPECT_THAT(Names(s.ByIndex("zone", "a.test")), UnorderedElementsAre("b"));
  EXPECT_THAT(s.KeysByIndex("zone", "other.test"), UnorderedElementsAre("web/a"));
  s.Remove(D("shop", "b", "1", ""));
  EXPECT_TRUE(s.ByIndex("zone", "a.test").empty());
  EXPECT_TRUE(s.ByIndex("no-such-index", "x").empty());
  // One object at a time, the same objects as ByIndex.
  std::vector<std::string> each;
  s.ForEachByIndex(kNamespaceIndex, "web", [&](const json& o) { each.push_back(Name(o)); });
  EXPECT_THAT(each, UnorderedElementsAre("a", "c"));
  each.clear();
  s.ForEachByIndex("no-such-index", "x", [&](const json& o) { each.push_back(Name(o)); });
  EXPECT_TRUE(each.empty());
}

// The indexes point at the cache's own keys: they must follow every way an entry is made, replaced, removed or
// swapped for a whole list, with keys too long to be kept inline in a string and enough of them to rehash the map.
TEST(Store, IndexesHoldEveryKeyThroughUpdatesRemovesAndReplace) {
  Store s;
  auto name = [](int i) { return "a-domain-name-long-enough-" + std::to_string(i); };
  auto zone = [](int i) { return "zone-" + std::to_string(i % 3) + ".test"; };
  for (int i = 0; i < 300; ++i) s.Upsert(D("namespace-of-some-length", name(i), "1", zone(i)));
  s.AddIndex("zone", ZoneIndex());  // registered late: indexes what is there
  for (int i = 0; i < 300; i += 2) s.Upsert(D("namespace-of-some-length", name(i), "2", zone(i + 1)));  // moved
  for (int i = 0; i < 300; i += 5) s.Remove(D("namespace-of-some-length", name(i), "", ""));
  auto want = [&](int z, bool replaced) {
    std::vector<std::string> keys;
    for (int i = 0; i < 300; ++i) {
      if (!replaced && i % 5 == 0) continue;
      const int at = replaced ? i : (i % 2 == 0 ? i + 1 : i);
      if (at % 3 == z) keys.push_back("namespace-of-some-length/" + name(i));
    }
    std::sort(keys.begin(), keys.end());
    return keys;
  };
  for (int z = 0; z < 3; ++z) EXPECT_EQ(s.KeysByIndex("zone", zone(z)), want(z, false)) << zone(z);
  EXPECT_EQ(s.KeysByIndex(kNamespaceIndex, "namespace-of-some-length").size(), 240u);
  s.BeginReplace();
  for (int i = 0; i < 300; ++i) s.ReplaceAdd(D("namespace-of-some-length", name(i), "3", zone(i)));
  s.CommitReplace();
  for (int z = 0; z < 3; ++z) EXPECT_EQ(s.KeysByIndex("zone", zone(z)), want(z, true)) << zone(z);
  EXPECT_EQ(s.ByIndex("zone", zone(1)).size(), 100u);
}

TEST(Store, ReplaceSwapsAtOnceAndReportsDifferences) {
  Store s;
  s.AddIndex("zone", ZoneIndex());
  s.Upsert(D("web", "keep", "1", "k.test"));
  s.Upsert(D("web", "changed", "1", "c.test"));
  s.Upsert(D("web", "gone", "1", "g.test"));
  s.BeginReplace();
  s.ReplaceAdd(D("web", "keep", "1", "k.test"));
  s.ReplaceAdd(D("web", "changed", "7", "c.test"));
  s.ReplaceAdd(D("web", "new", "8", "n.test"));
  // Nothing visible until the commit.
  EXPECT_TRUE(s.Get("web/gone").has_value());
  EXPECT_FALSE(s.Get("web/new").has_value());
  auto changes = s.CommitReplace();
  std::vector<std::string> got;
  EXPECT_EQ(changes.size(), 3u);
  changes.ForEach([&](const StoreChange& c) {
    switch (c.type) {
      case StoreChange::Type::kAdded: got.push_back("add " + Name(*c.new_object)); break;
      case StoreChange::Type::kUpdated:
        got.push_back("update " + Name(*c.new_object) + " " + ResourceVersion(*c.old_object) + "->" +
                      ResourceVersion(*c.new_object));
        break;
      case StoreChange::Type::kDeleted: got.push_back("delete " + Name(*c.old_object)); break;
    }
  });
  EXPECT_THAT(got, UnorderedElementsAre("add new", "update changed 1->7", "delete gone"));
  EXPECT_THAT(s.Keys(), UnorderedElementsAre("web/keep", "web/changed", "web/new"));
  EXPECT_TRUE(s.ByIndex("zone", "g.test").empty());
  EXPECT_THAT(Names(s.ByIndex("zone", "n.test")), UnorderedElementsAre("new"));
}

TEST(Store, CompactStorageStaysWithinThreeTimesJson) {
  Store s;
  size_t json_bytes = 0;
  for (int i = 0; i < 200; ++i) {
    json d = D("web", "widget-" + std::to_string(i), std::to_string(1000 + i), "d" + std::to_string(i) + ".test");
    d["spec"]["records"] = json::array();
    for (int r = 0; r < 5; ++r) {
      d["spec"]["records"].push_back({{"name", "www" + std::to_string(r)}, {"type", "A"}, {"ttl", 300},
                                      {"values", {"192.0.2." + std::to_string(r)}}});
    }
    json_bytes += d.dump().size();
    s.Upsert(d);
  }
  EXPECT_LT(s.ApproxBytes(), 3 * json_bytes) << "store " << s.ApproxBytes() << " json " << json_bytes;
}

// One parse per (key, resourceVersion), shared: readers of the same version get the same object; a new version, a
// relist, a remove and a plain Upsert never leave a stale parse to be handed out.
TEST(Store, GetSharedHandsOutOneParsePerVersion) {
  Store s;
  s.AddIndex("zone", ZoneIndex());
  s.Upsert(D("web", "a", "1", "a.test"));
  std::shared_ptr<const json> first = s.GetShared("web/a");
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(*first, D("web", "a", "1", "a.test"));
  EXPECT_EQ(s.GetShared("web/a"), first) << "the same version parsed again";
  EXPECT_EQ(s.GetShared("web/none"), nullptr);
  // A watch event's parse is the one handed out, and the previous version comes back shared.
  auto v2 = std::make_shared<const json>(D("web", "a", "2", "a.test"));
  std::shared_ptr<const json> old = s.UpsertShared(v2);
  EXPECT_EQ(old, first) << "the previous version, from the recent parses";
  EXPECT_EQ(s.GetShared("web/a"), v2);
  EXPECT_EQ(s.Get("web/a").value(), *v2);
  ASSERT_EQ(s.SharedByIndex("zone", "a.test").size(), 1u);
  EXPECT_EQ(s.SharedByIndex("zone", "a.test")[0], v2);
  EXPECT_EQ(s.UpsertShared(std::make_shared<const json>(D("web", "b", "1", "b.test"))), nullptr) << "an add";
  // A plain Upsert forgets the parse, even at the same resourceVersion.
  json edited = D("web", "a", "2", "edited.test");
  s.Upsert(edited);
  EXPECT_EQ(*s.GetShared("web/a"), edited);
  // Removed: none; relisted: the relisted object.
  s.Remove(edited);
  EXPECT_EQ(s.GetShared("web/a"), nullptr);
  s.Upsert(D("web", "c", "1", "c.test"));
  std::shared_ptr<const json> c1 = s.GetShared("web/c");
  s.BeginReplace();
  s.ReplaceAdd(D("web", "c", "1", "relisted.test"));  // same version, other content: the relist wins
  s.CommitReplace();
  EXPECT_EQ(*s.GetShared("web/c"), D("web", "c", "1", "relisted.test"));
  EXPECT_EQ(*c1, D("web", "c", "1", "c.test")) << "a reader's parse stays valid";
}

TEST(Store, GetSharedParsesObjectsWithoutVersionEveryTime) {
  Store s;
  s.Upsert(D("web", "a", "", "a.test"));
  std::shared_ptr<const json> one = s.GetShared("web/a");
  std::shared_ptr<const json> two = s.GetShared("web/a");
  ASSERT_NE(one, nullptr);
  EXPECT_NE(one, two) << "no version to tell a stale parse by";
  EXPECT_EQ(*one, *two);
}

TEST(Store, RecentParsesAreBounded) {
  Store s;
  const size_t n = Store::kRecentParsed + 10;
  for (size_t i = 0; i < n; ++i) s.Upsert(D("web", "d" + std::to_string(i), "1", "z.test"));
  std::vector<std::shared_ptr<const json>> first;
  for (size_t i = 0; i < n; ++i) first.push_back(s.GetShared("web/d" + std::to_string(i)));
  // The last kRecentParsed are still shared; the first ones were let go (parsed again, equal).
  EXPECT_EQ(s.GetShared("web/d" + std::to_string(n - 1)), first[n - 1]);
  std::shared_ptr<const json> again = s.GetShared("web/d0");
  EXPECT_NE(again, first[0]);
  EXPECT_EQ(*again, *first[0]);
  EXPECT_EQ(first[0].use_count(), 1) << "the store no longer holds the evicted parse";
}

}  // namespace
}  // namespace domainguard::kube
