#include "controller/domain/inputs.h"

#include <gtest/gtest.h>

namespace domainguard::domain {
namespace {

using nlohmann::json;

json D(const std::string& ns, const std::string& name, json providers) {
  return {{"metadata", {{"name", name}, {"namespace", ns}, {"resourceVersion", "1"}}},
          {"spec", {{"zone", name + ".test"}, {"providers", providers}}}};
}

TEST(ProviderNames, InSpecOrderSkippingBadEntries) {
  EXPECT_EQ(ProviderNames(D("web", "a", json::array({{{"name", "p2"}}, {{"name", 3}}, "x", {{"name", "p1"}}}))),
            (std::vector<std::string>{"p2", "p1"}));
  EXPECT_TRUE(ProviderNames(json::object()).empty());
}

TEST(DomainsUsingProvider, OnlyTheProvidersOwnNamespace) {
  kube::Store domains;
  domains.AddIndex(kProviderIndex, ProviderIndexValues);
  domains.Upsert(D("web", "a", json::array({{{"name", "pdns-a"}}, {{"name", "pdns-b"}}})));
  domains.Upsert(D("web", "b", json::array({{{"name", "pdns-b"}}})));
  domains.Upsert(D("other", "c", json::array({{{"name", "pdns-a"}}})));
  EXPECT_EQ(DomainsUsingProvider(domains, "web", "pdns-a"), std::vector<std::string>{"web/a"});
  std::vector<std::string> b = DomainsUsingProvider(domains, "web", "pdns-b");
  std::sort(b.begin(), b.end());
  EXPECT_EQ(b, (std::vector<std::string>{"web/a", "web/b"}));
  EXPECT_TRUE(DomainsUsingProvider(domains, "web", "bind-c").empty());
  // An edit of spec.providers moves the Domain in the index.
  domains.Upsert(D("web", "b", json::array({{{"name", "bind-c"}}})));
  EXPECT_EQ(DomainsUsingProvider(domains, "web", "pdns-b"), std::vector<std::string>{"web/a"});
  EXPECT_EQ(DomainsUsingProvider(domains, "web", "bind-c"), std::vector<std::string>{"web/b"});
}

// What BuildDomainZone reads, one change at a time: each one moves the version, nothing else does.
TEST(ZoneInputsVersion, MovesWithEveryInputOfTheZoneOnly) {
  // The version of `d` with its recordsFrom read as a controller's pass reads it.
  auto version = [](const json& d, const std::vector<ProviderRef>& providers, const kube::Store* configmaps,
                    const std::vector<json>& extra) {
    return ZoneInputsVersion(d, api::ReadDomainSpec(d).records_from, providers, configmaps, extra);
  };
  kube::Store configmaps;
  configmaps.Upsert({{"metadata", {{"name", "zone-file"}, {"namespace", "web"}, {"resourceVersion", "7"}}}});
  auto domain = [](int64_t generation, const std::string& uid, bool records_from) {
    json d = D("web", "a", json::array({{{"name", "pdns-a"}}, {{"name", "pdns-b"}}}));
    d["metadata"]["generation"] = generation;
    d["metadata"]["uid"] = uid;
    if (records_from) d["spec"]["recordsFrom"] = {{"configMapRef", {{"name", "zone-file"}, {"key", "zone"}}}};
    return d;
  };
  auto provider = [](const std::string& name, const std::string& rv) {
    ProviderRef r;
    r.name = name;
    r.object = std::make_shared<const json>(
        json{{"metadata", {{"name", name}, {"namespace", "web"}, {"resourceVersion", rv}}}});
    return r;
  };
  ProviderRef missing;
  missing.name = "pdns-b";
  missing.error = "not found";
  const std::vector<ProviderRef> both = {provider("pdns-a", "10"), provider("pdns-b", "11")};
  const std::vector<json> extra = {{{"name", "www"}, {"type", "A"}, {"values", {"192.0.2.1"}}}};

  const std::string base = version(domain(1, "u1", false), both, &configmaps, {});
  EXPECT_FALSE(base.empty());
  // The same inputs read again (a status write moves only the Domain's resourceVersion): the same version.
  json status_written = domain(1, "u1", false);
  status_written["metadata"]["resourceVersion"] = "99";
  status_written["status"] = {{"conditions", json::array()}};
  EXPECT_EQ(version(status_written, both, &configmaps, {}), base);

  struct Case {
    std::string what;
    std::string version;
  };
  const std::vector<Case> moved = {
      {"a spec edit (generation)", version(domain(2, "u1", false), both, &configmaps, {})},
      {"deleted and created again (uid)", version(domain(1, "u2", false), both, &configmaps, {})},
      {"a DNSProvider changed", version(domain(1, "u1", false),
                                                  {provider("pdns-a", "10"), provider("pdns-b", "12")}, &configmaps,
                                                  {})},
      {"a DNSProvider gone", version(domain(1, "u1", false), {provider("pdns-a", "10"), missing},
                                               &configmaps, {})},
      {"extra records", version(domain(1, "u1", false), both, &configmaps, extra)},
      {"recordsFrom", version(domain(1, "u1", true), both, &configmaps, {})},
  };
  for (const Case& c : moved) {
    EXPECT_NE(c.version, base) << c.what;
    EXPECT_FALSE(c.version.empty()) << c.what;
  }

  // The recordsFrom ConfigMap: its edit moves the version; without a ConfigMap cache it cannot be known.
  const std::string with_cm = version(domain(1, "u1", true), both, &configmaps, {});
  configmaps.Upsert({{"metadata", {{"name", "zone-file"}, {"namespace", "web"}, {"resourceVersion", "8"}}}});
  EXPECT_NE(version(domain(1, "u1", true), both, &configmaps, {}), with_cm);
  EXPECT_EQ(version(domain(1, "u1", true), both, nullptr, {}), "");
  EXPECT_EQ(version(domain(1, "u1", false), both, nullptr, {}), base);
}

}  // namespace
}  // namespace domainguard::domain
