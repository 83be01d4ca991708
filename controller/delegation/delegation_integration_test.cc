// Delegation checks against the real local hierarchy (hack/testbed.sh): BIND root and two TLD servers for test.,
// PowerDNS A/B serving the child zones. Each test stages one situation for real (nsupdate at the TLD servers,
// zones through the PowerDNS API), runs the real engine (c-ares, ldns, walker, prober) and asserts the exact
// reason a user would see. Zone names are unique per run; everything staged is removed in TearDown.
#include <chrono>
#include <functional>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/delegation/bed_test_util.h"
#include "controller/delegation/check_command.h"
#include "controller/delegation/prober.h"
#include "controller/delegation/reasons.h"
#include "controller/delegation/report.h"
#include "controller/delegation/verdict.h"
#include "controller/delegation/walker.h"
#include "controller/dns/ares_resolver.h"
#include "tests/testbed_env.h"

namespace domainguard::delegation {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string Describe(const Verdict& v) {
  std::string out;
  for (const Finding& f : v.findings) {
    out += f.reason + "/" + std::string(SeverityName(f.severity)) + ": " + f.message + "\n";
  }
  return out.empty() ? "(no findings)" : out;
}

class DelegationBedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DG_BED_ENV(hints, "DG_ROOT_HINTS");
    DG_BED_ENV(tsig, "DG_TLD_TSIG_SECRET");
    DG_BED_ENV(pdns_a, "DG_PDNS_A_API");
    DG_BED_ENV(pdns_b, "DG_PDNS_B_API");
    auto roots = LoadRootHints(hints);
    ASSERT_TRUE(roots.ok()) << roots.error().ToString();
    roots_ = *roots;
    auto r = dns::AresResolver::Create(dns::AresOptions{.timeout = 400ms, .tries = 2});
    ASSERT_TRUE(r.ok());
    resolver_ = std::move(*r);
  }

  void TearDown() override {
    for (auto it = cleanup_.rbegin(); it != cleanup_.rend(); ++it) (*it)();
  }

  // Stages a healthy zone "<label>.test." served by PowerDNS A (ns1, 127.53.1.1) and B (ns2, 127.53.1.2), with
  // in-zone name servers glued at both TLD servers and www A 192.0.2.80. Extra name servers may be listed in
  // `extra_ns` (name label -> address) and are added to the apex NS set and the TLD delegation alike.
  std::string StageZone(const std::string& prefix, unsigned serial_a = 2026112301, unsigned serial_b = 2026112301,
                        const std::vector<std::pair<std::string, std::string>>& extra_ns = {}) {
    const std::string z = bed::UniqueLabel(prefix) + ".test.";
    std::vector<std::pair<std::string, std::string>> ns = {{"ns1." + z, "127.53.1.1"}, {"ns2." + z, "127.53.1.2"}};
    for (const auto& [label, addr] : extra_ns) ns.emplace_back(label + "." + z, addr);
    std::vector<std::string> ns_names;
    std::string rrsets;
    for (const auto& [name, addr] : ns) {
      ns_names.push_back(name);
      rrsets += bed::RrsetJson(name, "A", {addr}) + ",";
    }
    rrsets += bed::RrsetJson(z, "NS", ns_names) + "," + bed::RrsetJson("www." + z, "A", {"192.0.2.80"});
    cleanup_.push_back([z] {
      bed::PdnsDeleteZone("A", z);
      bed::PdnsDeleteZone("B", z);
    });
    EXPECT_EQ(bed::PdnsCreateZone("A", z, serial_a, rrsets), "");
    EXPECT_EQ(bed::PdnsCreateZone("B", z, serial_b, rrsets), "");

    std::vector<std::string> tld = {"update delete " + z};
    std::vector<std::string> undo = {"update delete " + z};
    for (const auto& [name, addr] : ns) {
      tld.push_back("update add " + z + " 300 IN NS " + name);
      tld.push_back("update add " + name + " 300 IN A " + addr);
      undo.push_back("update delete " + name);
    }
    cleanup_.push_back([undo] { bed::NsUpdateBoth("test.", undo); });
    EXPECT_EQ(bed::NsUpdateBoth("test.", tld), "");
    return z;
  }

  ZoneSpec DesiredFor(const std::string& z, const std::vector<std::pair<std::string, std::string>>& extra_ns = {}) {
    ZoneSpec s;
    s.zone = z;
    s.nameservers = {{"ns1." + z, {"127.53.1.1"}, ""}, {"ns2." + z, {"127.53.1.2"}, ""}};
    for (const auto& [label, addr] : extra_ns) s.nameservers.push_back({label + "." + z, {addr}, ""});
    s.records = {{"www." + z, dns::kTypeA, {"192.0.2.80"}}};
    return s;
  }

  Observation Observe(const ZoneSpec& spec) {
    Walker walker(*resolver_, roots_);
    Prober prober(*resolver_, walker);
    return prober.ObserveAll(std::span<const ZoneSpec>(&spec, 1), std::chrono::steady_clock::now() + 15s).front();
  }

  Verdict Check(const ZoneSpec& spec, const History& history = {}, int confirmations = 1) {
    return EvaluateDelegation(Observe(spec), spec, history, Policy{confirmations});
  }

  std::vector<NameserverSpec> roots_;
  std::unique_ptr<dns::AresResolver> resolver_;
  std::vector<std::function<void()>> cleanup_;
};

TEST_F(DelegationBedTest, HealthyDomainHasNoFindings) {
  const std::string z = StageZone("healthy");
  const ZoneSpec spec = DesiredFor(z);
  Observation o = Observe(spec);
  Verdict v = EvaluateDelegation(o, spec, {}, Policy{1});
  EXPECT_THAT(v.findings, IsEmpty()) << Describe(v);
  EXPECT_EQ(v.ConditionReason(), reasons::kDelegationHealthy);
  EXPECT_EQ(o.parent_zone, "test.");
  EXPECT_EQ(o.parents.size(), 2u);  // both TLD servers asked
  DelegationStatus s = StatusFromObservation(o);
  ASSERT_EQ(s.servers.size(), 2u);
  for (const auto& srv : s.servers) {
    EXPECT_TRUE(srv.authoritative) << srv.address;
    EXPECT_EQ(srv.serial, 2026112301u);
  }
}

TEST_F(DelegationBedTest, GlueRemovedAtTheTldIsGlueMissing) {
  const std::string z = StageZone("noglue");
  ASSERT_EQ(bed::NsUpdateBoth("test.", {"update delete ns1." + z + " A", "update delete ns2." + z + " A"}), "");
  Verdict v = Check(DesiredFor(z));
  const Finding* f = v.Find(reasons::kGlueMissing);
  ASSERT_NE(f, nullptr) << Describe(v);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_THAT(f->message, HasSubstr("ns1." + z));
}

TEST_F(DelegationBedTest, ParkingNameserversAtTheTldAreNameserversChanged) {
  const std::string z = StageZone("parked");
  ASSERT_EQ(bed::NsUpdateBoth("test.", {"update delete " + z + " NS", "update delete ns1." + z,
                                        "update delete ns2." + z, "update add " + z + " 300 IN NS ns1.pdns-b.net.",
                                        "update add " + z + " 300 IN NS ns1.bind-c.net."}),
            "");
  Verdict v = Check(DesiredFor(z));
  const Finding* f = v.Find(reasons::kNameserversChanged);
  ASSERT_NE(f, nullptr) << Describe(v);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_THAT(f->message, HasSubstr("ns1.pdns-b.net."));
}

TEST_F(DelegationBedTest, NameserverWithoutTheZoneIsLame) {
  // ns3 points at the RFC 2136 BIND, which does not have the zone and answers REFUSED.
  const std::vector<std::pair<std::string, std::string>> extra = {{"ns3", "127.53.1.3"}};
  const std::string z = StageZone("lame", 2026112301, 2026112301, extra);
  Verdict v = Check(DesiredFor(z, extra));
  const Finding* f = v.Find(reasons::kLameNameserver);
  ASSERT_NE(f, nullptr) << Describe(v);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_THAT(f->message, HasSubstr("ns3." + z + " (127.53.1.3): REFUSED"));
  EXPECT_EQ(v.findings.size(), 1u) << Describe(v);
}

TEST_F(DelegationBedTest, OlderSerialAtOneNameserverIsSerialDrift) {
  const std::string z = StageZone("drift", 2026112302, 2026112301);
  Verdict v = Check(DesiredFor(z));
  const Finding* f = v.Find(reasons::kSerialDrift);
  ASSERT_NE(f, nullptr) << Describe(v);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_THAT(f->message, HasSubstr("2026112301 at ns2." + z));
}

TEST_F(DelegationBedTest, WrongGlueAddressIsGlueMismatch) {
  const std::string z = StageZone("badglue");
  ASSERT_EQ(bed::NsUpdateBoth("test.", {"update delete ns2." + z + " A", "update add ns2." + z + " 300 IN A 127.53.1.9"}),
            "");
  Verdict v = Check(DesiredFor(z));
  const Finding* f = v.Find(reasons::kGlueMismatch);
  ASSERT_NE(f, nullptr) << Describe(v);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_THAT(f->message, HasSubstr("127.53.1.9"));
  // The world follows the glue: the server at the wrong address cannot answer.
  EXPECT_TRUE(v.Has(reasons::kLameNameserver)) << Describe(v);
}

TEST_F(DelegationBedTest, RecordDifferentFromDesiredIsRecordsNotServed) {
  const std::string z = StageZone("records");
  ZoneSpec spec = DesiredFor(z);
  spec.records = {{"www." + z, dns::kTypeA, {"192.0.2.81"}}};
  Verdict v = Check(spec);
  const Finding* f = v.Find(reasons::kRecordsNotServed);
  ASSERT_NE(f, nullptr) << Describe(v);
  EXPECT_EQ(f->severity, Severity::kCritical);  // no server serves it
}

TEST_F(DelegationBedTest, NameserversUnderASuspendedZoneAreDependencyBroken) {
  const std::string host = StageZone("nshost");
  // The dependent zone: served by PowerDNS A and B, delegated to name servers that live under `host`.
  const std::string dep = bed::UniqueLabel("dependent") + ".test.";
  const std::string rrsets = bed::RrsetJson(dep, "NS", {"ns1." + host, "ns2." + host}) + "," +
                             bed::RrsetJson("www." + dep, "A", {"192.0.2.80"});
  cleanup_.push_back([dep] {
    bed::PdnsDeleteZone("A", dep);
    bed::PdnsDeleteZone("B", dep);
    bed::NsUpdateBoth("test.", {"update delete " + dep});
  });
  ASSERT_EQ(bed::PdnsCreateZone("A", dep, 2026112301, rrsets), "");
  ASSERT_EQ(bed::PdnsCreateZone("B", dep, 2026112301, rrsets), "");
  ASSERT_EQ(bed::NsUpdateBoth("test.", {"update add " + dep + " 300 IN NS ns1." + host,
                                        "update add " + dep + " 300 IN NS ns2." + host}),
            "");
  ZoneSpec spec;
  spec.zone = dep;
  spec.nameservers = {{"ns1." + host, {}, ""}, {"ns2." + host, {}, ""}};

  Verdict before = Check(spec);
  EXPECT_FALSE(before.Has(reasons::kDependencyBroken)) << Describe(before);
  EXPECT_FALSE(before.Has(reasons::kLameNameserver)) << Describe(before);
  EXPECT_THAT(before.depends_on, ElementsAre(host));

  // The registry suspends the hosting zone: its delegation and glue disappear from both TLD servers.
  ASSERT_EQ(bed::NsUpdateBoth("test.", {"update delete " + host, "update delete ns1." + host, "update delete ns2." + host}),
            "");
  Verdict after = Check(spec);
  const Finding* f = after.Find(reasons::kDependencyBroken);
  ASSERT_NE(f, nullptr) << Describe(after);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_THAT(f->message, HasSubstr(host));
  EXPECT_THAT(after.depends_on, ElementsAre(host));
}

TEST_F(DelegationBedTest, OneStaleTldServerNeverRaisesACriticalVerdict) {
  const std::string z = StageZone("stale");
  // Only TLD server a loses the delegation; b still has it.
  ASSERT_EQ(bed::NsUpdate("127.53.10.1", "test.", {"update delete " + z, "update delete ns1." + z, "update delete ns2." + z})
                .status,
            0);
  History h;
  for (int probe = 0; probe < 3; ++probe) {
    Verdict v = Check(DesiredFor(z), h, 2);
    const Finding* f = v.Find(reasons::kDelegationMissing);
    ASSERT_NE(f, nullptr) << Describe(v);
    EXPECT_EQ(f->severity, Severity::kWarning) << "probe " << probe;
    EXPECT_THAT(f->message, HasSubstr("127.53.10.1"));
    EXPECT_NE(v.Worst(), Severity::kCritical) << Describe(v);
    h = v.history;
  }
}

TEST_F(DelegationBedTest, MissingAtBothTldServersIsCriticalAfterConfirmations) {
  const std::string z = StageZone("gone");
  ASSERT_EQ(bed::NsUpdateBoth("test.", {"update delete " + z, "update delete ns1." + z, "update delete ns2." + z}), "");
  Verdict first = Check(DesiredFor(z), {}, 2);
  ASSERT_TRUE(first.Has(reasons::kDelegationMissing)) << Describe(first);
  EXPECT_EQ(first.Find(reasons::kDelegationMissing)->severity, Severity::kWarning);
  Verdict second = Check(DesiredFor(z), first.history, 2);
  EXPECT_EQ(second.Find(reasons::kDelegationMissing)->severity, Severity::kCritical) << Describe(second);
}

TEST_F(DelegationBedTest, CheckCommandReadsAManifestAndExitsByVerdict) {
  DG_BED_ENV(hints, "DG_ROOT_HINTS");
  const std::string z = StageZone("cli");
  const std::string manifest = bed::WriteTemp(
      "apiVersion: domainguard.io/v1alpha1\nkind: Domain\nmetadata: {name: cli, namespace: web}\nspec:\n  zone: " + z +
      "\n  nameservers:\n  - {name: ns1." + z + ", addresses: [127.53.1.1]}\n  - {name: ns2." + z +
      ", addresses: [127.53.1.2]}\n  records:\n  - {name: www, type: A, ttl: 300, values: [192.0.2.80]}\n");
  cleanup_.push_back([manifest] { std::remove(manifest.c_str()); });

  std::ostringstream out, err;
  int code = RunCheck({"-f", manifest, "-o", "json", "--root-hints", hints, "--timeout", "400ms"}, {}, out, err);
  EXPECT_EQ(code, 0) << out.str() << err.str();
  auto j = nlohmann::json::parse(out.str(), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << out.str();
  ASSERT_EQ(j["domains"].size(), 1u);
  EXPECT_EQ(j["domains"][0]["zone"], z);
  EXPECT_TRUE(j["domains"][0]["findings"].empty()) << out.str();
  EXPECT_EQ(j["domains"][0]["delegation"]["servers"].size(), 2u);

  // A zone the TLD does not know, with a plug-in part: critical (2), the plug-in's part printed beside.
  CheckPlugins plugins;
  plugins.parts.push_back(CheckPlugin{
      "registration", {"--rdap-bootstrap"}, {}, [](const std::map<std::string, std::string>&) { return std::string(); },
      [](const std::string& zone) -> std::optional<CheckPart> {
        return CheckPart{{{"source", "test"}, {"zone", zone}}, {}, false, {}};
      },
      "", {}, nullptr, nullptr});
  std::ostringstream out2, err2;
  const std::string missing = bed::UniqueLabel("nosuch") + ".test";
  code = RunCheck({missing, "-o", "json", "--root-hints", hints, "--rdap-bootstrap", "x.json"}, plugins, out2, err2);
  EXPECT_EQ(code, 2) << out2.str() << err2.str();
  auto j2 = nlohmann::json::parse(out2.str(), nullptr, false);
  ASSERT_FALSE(j2.is_discarded());
  EXPECT_EQ(j2["domains"][0]["findings"][0]["reason"], "DelegationMissing");
  EXPECT_EQ(j2["domains"][0]["registration"]["source"], "test");

  // Usage errors are "unknown" (3) and say what is wrong.
  std::ostringstream out3, err3;
  EXPECT_EQ(RunCheck({"--bogus"}, {}, out3, err3), 3);
  EXPECT_THAT(err3.str(), HasSubstr("unknown flag --bogus"));
}

}  // namespace
}  // namespace domainguard::delegation
