// The delegation controller's pure helpers as tables, and Reconcile over a scripted DNS hierarchy
// (FakeResolver) and a small in-memory apiserver (FakeTransport) for the status writes and Events.
#include "controller/delegation/delegation_controller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "controller/api/conditions.h"
#include "controller/api/testing/counting_spec_reader.h"
#include "controller/delegation/reasons.h"
#include "controller/dns/testing/fake_resolver.h"
#include "controller/domain/status_writer.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/kube/event_recorder.h"
#include "controller/metrics/registry.h"

namespace domainguard::api {

// Readable failures (found by argument-dependent lookup: in the namespace of the types, outside an unnamed one).
void PrintTo(const PlannedEvent& e, std::ostream* os) { *os << e.type << " " << e.reason << " \"" << e.note << "\""; }
void PrintTo(const Finding& f, std::ostream* os) { *os << f.reason << ":" << SeverityName(f.severity) << " \"" << f.message << "\""; }

}  // namespace domainguard::api

namespace domainguard::delegation {

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::Not;

// --- ZoneSpecFromDesired ---

std::vector<std::string> DescribeSpec(const ZoneSpec& s) {
  std::vector<std::string> out;
  for (const NameserverSpec& n : s.nameservers) {
    std::string line = "ns " + n.name;
    for (const std::string& a : n.addresses) line += " " + a;
    if (!n.provider.empty()) line += " @" + n.provider;
    out.push_back(line);
  }
  for (const DesiredRecord& r : s.records) {
    std::string line = r.name + " " + dns::TypeName(r.type);
    for (size_t i = 0; i < r.values.size(); ++i) line += (i == 0 ? " " : "|") + r.values[i];
    out.push_back(line);
  }
  return out;
}

domain::ProviderRef Provider(const std::string& name, std::vector<std::string> nameservers) {
  return domain::ProviderRef{name,
                             std::make_shared<const json>(json{{"metadata", {{"name", name}, {"namespace", "web"}}},
                                                               {"spec", {{"nameservers", nameservers}}}}),
                             ""};
}

struct SpecCase {
  std::string name;
  json spec;                                  // Domain .spec
  std::vector<domain::ProviderRef> providers;
  std::vector<std::string> want;
};

void PrintTo(const SpecCase& c, std::ostream* os) { *os << c.name; }

class ZoneSpecFromDesiredTest : public ::testing::TestWithParam<SpecCase> {};

TEST_P(ZoneSpecFromDesiredTest, Expectations) {
  const SpecCase& c = GetParam();
  zone::ZoneSources sources;
  sources.provider_nameservers = domain::ProviderNameservers(c.providers);
  Result<zone::DesiredZone> desired = zone::BuildDesiredZone(c.spec, sources);
  ASSERT_TRUE(desired.ok()) << desired.error().ToString();
  const ZoneSpec spec = ZoneSpecFromDesired(*desired, c.providers);
  EXPECT_EQ(spec.zone, "z.test.");
  EXPECT_THAT(DescribeSpec(spec), ElementsAreArray(c.want));
}

INSTANTIATE_TEST_SUITE_P(
    Delegation, ZoneSpecFromDesiredTest,
    ::testing::ValuesIn(std::vector<SpecCase>{
        {"glue_only_in_bailiwick_and_apex_ns_left_out",
         {{"zone", "z.test"},
          {"nameservers", json::array({{{"name", "NS1.z.test"}, {"addresses", {"2001:db8::1", "10.0.2.1"}}},
                                       {{"name", "ns1.host.net."}}})},
          {"records", json::array({{{"name", "www"}, {"type", "A"}, {"values", {"192.0.2.80"}}}})}},
         {},
         {"ns ns1.host.net.", "ns ns1.z.test. 10.0.2.1 2001:db8::1", "ns1.z.test. A 10.0.2.1",
          "ns1.z.test. AAAA 2001:db8::1", "www.z.test. A 192.0.2.80"}},
        {"providers_label_their_name_servers",
         {{"zone", "z.test"}, {"providers", json::array({{{"name", "pdns-a"}}, {{"name", "bind-b"}}})}},
         {Provider("pdns-a", {"ns1.pdns-a.example."}), Provider("bind-b", {"NS1.Bind-B.example", "ns2.bind-b.example."})},
         {"ns ns1.bind-b.example. @bind-b", "ns ns1.pdns-a.example. @pdns-a", "ns ns2.bind-b.example. @bind-b"}},
        {"values_in_the_form_answers_are_read_in",
         {{"zone", "z.test"},
          {"nameservers", json::array({{{"name", "ns1.host.net."}}})},
          {"records", json::array({{{"name", "@"}, {"type", "MX"}, {"values", {"20 MX2.Z.test.", "10 mx1"}}},
                                   {{"name", "@"}, {"type", "TXT"}, {"values", {"v=spf1 -all"}}},
                                   {{"name", "Www"}, {"type", "cname"}, {"values", {"web.host.net."}}}})}},
         {},
         {"ns ns1.host.net.", "www.z.test. CNAME web.host.net.", "z.test. MX 10 mx1.z.test.|20 mx2.z.test.",
          "z.test. TXT \"v=spf1 -all\""}},
        {"delegations_below_the_apex_are_referrals_not_records",
         {{"zone", "z.test"},
          {"nameservers", json::array({{{"name", "ns1.host.net."}}})},
          {"records",
           json::array({{{"name", "sub"}, {"type", "NS"}, {"values", {"ns1.sub.z.test."}}},
                        {{"name", "ns1.sub"}, {"type", "A"}, {"values", {"192.0.2.53"}}},
                        {{"name", "sub"},
                         {"type", "DS"},
                         {"values", {"12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"}}},
                        {{"name", "subway"}, {"type", "A"}, {"values", {"192.0.2.7"}}}})}},
         {},
         {"ns ns1.host.net.", "sub.z.test. DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "subway.z.test. A 192.0.2.7"}},
    }),
    [](const auto& info) { return info.param.name; });

// The values must compare equal to what a server serves, as the prober reads it.
TEST(ZoneSpecFromDesired, ValuesMatchServedAnswers) {
  const json spec = {{"zone", "z.test"},
                     {"nameservers", json::array({{{"name", "ns1.host.net."}}})},
                     {"records", json::array({{{"name", "@"}, {"type", "MX"}, {"values", {"10 MX1.z.test."}}},
                                              {{"name", "@"}, {"type", "TXT"}, {"values", {"v=spf1 -all"}}}})}};
  auto desired = zone::BuildDesiredZone(spec, {});
  ASSERT_TRUE(desired.ok()) << desired.error().ToString();
  const ZoneSpec z = ZoneSpecFromDesired(*desired, {});
  ASSERT_EQ(z.records.size(), 2u);
  const auto mx = dns::AuthoritativeAnswer("z.test.", dns::kTypeMX, {dns::Rr("z.test.", dns::kTypeMX, "10 mx1.z.test.")});
  const auto txt = dns::AuthoritativeAnswer("z.test.", dns::kTypeTXT, {dns::Rr("z.test.", dns::kTypeTXT, "\"v=spf1 -all\"")});
  EXPECT_TRUE(ServesRecord(z.records[0], Result<dns::DnsMessage>(mx)));
  EXPECT_TRUE(ServesRecord(z.records[1], Result<dns::DnsMessage>(txt)));
  EXPECT_FALSE(ServesRecord(z.records[0], Result<dns::DnsMessage>(txt)));
}

TEST(ZoneSpecFromDomain, OnlyTheZoneAndItsNameservers) {
  const json d = {{"metadata", {{"name", "z"}, {"namespace", "web"}}},
                  {"spec",
                   {{"zone", "Z.Test"},
                    {"nameservers", json::array({{{"name", "NS1.z.test"}, {"addresses", {"10.0.2.9", "10.0.2.1"}}},
                                                 {{"addresses", {"10.0.0.1"}}},
                                                 {{"name", "ns1.pdns-a.example"}}})},
                    {"records", json::array({{{"name", "www"}, {"type", "A"}, {"values", {"300.1.1.1"}}}})}}}};
  const ZoneSpec z = ZoneSpecFromDomain(api::ReadDomainSpec(d), {Provider("pdns-a", {"ns1.pdns-a.example."})});
  EXPECT_EQ(z.zone, "z.test.");
  EXPECT_THAT(DescribeSpec(z), ElementsAre("ns ns1.z.test. 10.0.2.1 10.0.2.9", "ns ns1.pdns-a.example. @pdns-a"));
  EXPECT_THAT(ZoneSpecFromDomain(api::ReadDomainSpec({{"spec", {{"zone", "z.test"}}}}), {}).nameservers, IsEmpty());
}

// --- DelegationCondition ---

Finding F(std::string_view reason, Severity s, std::string message = "") {
  return Finding{std::string(reason), s, message.empty() ? std::string(reason) + " message" : message};
}

struct ConditionCase {
  std::string name;
  std::vector<Finding> findings;
  bool unknown;
  std::string want_status, want_reason, want_message;
};

void PrintTo(const ConditionCase& c, std::ostream* os) { *os << c.name; }

class DelegationConditionTest : public ::testing::TestWithParam<ConditionCase> {};

TEST_P(DelegationConditionTest, Condition) {
  const ConditionCase& c = GetParam();
  Verdict v;
  v.findings = c.findings;
  v.unknown = c.unknown;
  const kube::Condition got = DelegationCondition(v, 7);
  EXPECT_EQ(got.type, "DelegationHealthy");
  EXPECT_EQ(got.status, c.want_status);
  EXPECT_EQ(got.reason, c.want_reason);
  if (!c.want_message.empty()) {
    EXPECT_EQ(got.message, c.want_message);
  }
  EXPECT_FALSE(got.message.empty());
  EXPECT_EQ(got.observed_generation, 7);
}

INSTANTIATE_TEST_SUITE_P(
    Delegation, DelegationConditionTest,
    ::testing::ValuesIn(std::vector<ConditionCase>{
        {"no_findings_is_healthy", {}, false, "True", "DelegationHealthy", ""},
        {"info_only_is_healthy", {F(reasons::kSinglePointOfFailure, Severity::kInfo)}, false, "True",
         "DelegationHealthy", ""},
        {"warning_is_false", {F(reasons::kSerialDrift, Severity::kWarning)}, false, "False", "SerialDrift",
         "SerialDrift message"},
        {"worst_finding_decides",
         {F(reasons::kGlueMissing, Severity::kCritical), F(reasons::kLameNameserver, Severity::kWarning)}, false,
         "False", "GlueMissing", "GlueMissing message"},
        {"single_point_of_failure_is_a_risk_not_a_failure",
         {F(reasons::kSinglePointOfFailure, Severity::kWarning, "all name servers of z.test. are under one TLD, net.")},
         false, "True", "DelegationHealthy",
         "the parent delegates the zone as desired and its name servers answer authoritatively; risk: all name "
         "servers of z.test. are under one TLD, net."},
        {"failure_beside_single_point_of_failure_decides",
         {F(reasons::kSinglePointOfFailure, Severity::kWarning), F(reasons::kSerialDrift, Severity::kWarning)}, false,
         "False", "SerialDrift", "SerialDrift message"},
        {"unknown_parent_is_unknown",
         {F(reasons::kLameNameserver, Severity::kCritical), F(reasons::kParentUnreachable, Severity::kWarning)}, true,
         "Unknown", "ParentUnreachable", "ParentUnreachable message"},
    }),
    [](const auto& info) { return info.param.name; });

// --- VerdictChanges ---

struct ChangeCase {
  std::string name;
  std::vector<Finding> previous, current;
  std::vector<PlannedEvent> want;
};

void PrintTo(const ChangeCase& c, std::ostream* os) { *os << c.name; }

class VerdictChangesTest : public ::testing::TestWithParam<ChangeCase> {};

TEST_P(VerdictChangesTest, Events) {
  const ChangeCase& c = GetParam();
  EXPECT_THAT(VerdictChanges(c.previous, c.current), ElementsAreArray(c.want));
}

const PlannedEvent kRecovered{"Normal", "DelegationHealthy", "delegation healthy again"};

INSTANTIATE_TEST_SUITE_P(
    Delegation, VerdictChangesTest,
    ::testing::ValuesIn(std::vector<ChangeCase>{
        {"healthy_stays_quiet", {}, {}, {}},
        {"new_finding_is_a_warning_event",
         {},
         {F(reasons::kGlueMissing, Severity::kWarning, "no glue for ns1.z.test.")},
         {{"Warning", "GlueMissing", "no glue for ns1.z.test."}}},
        {"same_findings_stay_quiet",
         {F(reasons::kGlueMissing, Severity::kWarning, "old text")},
         {F(reasons::kGlueMissing, Severity::kWarning, "new text")},
         {}},
        {"worsened_finding_is_an_event",
         {F(reasons::kDelegationMissing, Severity::kWarning), F(reasons::kSerialDrift, Severity::kWarning)},
         {F(reasons::kDelegationMissing, Severity::kCritical, "gone"), F(reasons::kSerialDrift, Severity::kWarning)},
         {{"Warning", "DelegationMissing", "gone"}}},
        {"milder_finding_stays_quiet",
         {F(reasons::kNameserversChanged, Severity::kCritical)},
         {F(reasons::kNameserversChanged, Severity::kWarning)},
         {}},
        {"one_of_two_gone_is_not_recovery",
         {F(reasons::kGlueMissing, Severity::kWarning), F(reasons::kSerialDrift, Severity::kWarning)},
         {F(reasons::kSerialDrift, Severity::kWarning)},
         {}},
        {"all_gone_is_recovery", {F(reasons::kLameNameserver, Severity::kCritical)}, {}, {kRecovered}},
        {"only_info_left_is_recovery",
         {F(reasons::kLameNameserver, Severity::kWarning)},
         {F(reasons::kSinglePointOfFailure, Severity::kInfo)},
         {kRecovered}},
        {"only_single_point_of_failure_left_is_recovery",
         {F(reasons::kDelegationMissing, Severity::kCritical), F(reasons::kSinglePointOfFailure, Severity::kWarning)},
         {F(reasons::kSinglePointOfFailure, Severity::kWarning)},
         {kRecovered}},
        {"single_point_of_failure_alone_is_no_recovery_from_nothing",
         {F(reasons::kSinglePointOfFailure, Severity::kWarning)},
         {},
         {}},
        {"info_finding_raises_no_event", {}, {F(reasons::kSinglePointOfFailure, Severity::kInfo)}, {}},
        {"info_to_warning_is_an_event",
         {F(reasons::kSinglePointOfFailure, Severity::kInfo)},
         {F(reasons::kSinglePointOfFailure, Severity::kWarning, "one provider")},
         {{"Warning", "SinglePointOfFailure", "one provider"}}},
        {"replaced_finding_is_an_event_not_recovery",
         {F(reasons::kParentUnreachable, Severity::kWarning)},
         {F(reasons::kDelegationMissing, Severity::kWarning, "NXDOMAIN")},
         {{"Warning", "DelegationMissing", "NXDOMAIN"}}},
    }),
    [](const auto& info) { return info.param.name; });

// Issue #14: a new zone's SinglePointOfFailure is a finding from its first probe, not an Event; a later change to it
// still is.
TEST(VerdictChanges, FirstVerdictRaisesNoEventForARisk) {
  const std::vector<Finding> spof = {F(reasons::kSinglePointOfFailure, Severity::kWarning, "one TLD")};
  EXPECT_THAT(VerdictChanges({}, spof, /*first_verdict=*/true), IsEmpty());
  EXPECT_THAT(VerdictChanges({}, spof), ElementsAre(PlannedEvent{"Warning", "SinglePointOfFailure", "one TLD"}));
  const std::vector<Finding> lost = {F(reasons::kDelegationMissing, Severity::kCritical, "gone"), spof[0]};
  EXPECT_THAT(VerdictChanges({}, lost, true), ElementsAre(PlannedEvent{"Warning", "DelegationMissing", "gone"}));
}

// --- ConfirmDependencies ---

TEST(ConfirmDependencies, CriticalOnlyOnConsecutiveVerdicts) {
  const Finding broken = F(reasons::kDependencyBroken, Severity::kCritical, "host.test. lost");
  Verdict v;
  v.findings = {broken, F(reasons::kLameNameserver, Severity::kWarning)};
  v.history.streak["DelegationMissing"] = 1;
  ConfirmDependencies(v, History{}, 2);
  EXPECT_THAT(v.findings, ElementsAre(F(reasons::kDependencyBroken, Severity::kWarning,
                                        "host.test. lost (confirmation 1 of 2)"),
                                      F(reasons::kLameNameserver, Severity::kWarning)));
  EXPECT_EQ(v.history.streak.at("DependencyBroken"), 1);
  EXPECT_EQ(v.history.streak.at("DelegationMissing"), 1) << "the verdict's own streaks stay";

  const History previous = v.history;
  Verdict again;
  again.findings = {broken};
  ConfirmDependencies(again, previous, 2);
  EXPECT_THAT(again.findings, ElementsAre(broken));
  EXPECT_EQ(again.history.streak.at("DependencyBroken"), 2);

  Verdict gone;
  gone.history.streak["DependencyBroken"] = 5;  // never from the verdict; cleared all the same
  ConfirmDependencies(gone, again.history, 2);
  EXPECT_FALSE(gone.history.streak.count("DependencyBroken"));

  Verdict once;
  once.findings = {broken};
  ConfirmDependencies(once, History{}, 1);
  EXPECT_THAT(once.findings, ElementsAre(broken)) << "confirmations 1: Critical at once";
}

// --- Small readers ---

TEST(FindingsFromStatus, KeepsOnlyDelegationReasons) {
  const json status = {{"findings", json::array({{{"reason", "Expired"}, {"severity", "Critical"}, {"message", "x"}},
                                                 {{"reason", "GlueMissing"}, {"severity", "Critical"}, {"message", "g"}},
                                                 {{"reason", "SerialDrift"}, {"severity", "Warning"}},
                                                 {{"reason", "SinglePointOfFailure"}, {"severity", "Info"}},
                                                 {{"severity", "Warning"}}})}};
  EXPECT_THAT(FindingsFromStatus(status),
              ElementsAre(Finding{"GlueMissing", Severity::kCritical, "g"}, Finding{"SerialDrift", Severity::kWarning, ""},
                          Finding{"SinglePointOfFailure", Severity::kInfo, ""}));
  EXPECT_THAT(FindingsFromStatus(json()), IsEmpty());
}

TEST(IsDelegationReason, ExactlyTheDelegationVocabulary) {
  for (std::string_view r : {reasons::kDelegationMissing, reasons::kNameserversChanged, reasons::kGlueMissing,
                             reasons::kGlueMismatch, reasons::kLameNameserver, reasons::kSerialDrift,
                             reasons::kRecordsNotServed, reasons::kParentUnreachable, reasons::kDependencyBroken,
                             reasons::kSinglePointOfFailure, reasons::kDelegationHealthy}) {
    EXPECT_TRUE(IsDelegationReason(r)) << r;
  }
  for (std::string_view r : {"Expired", "ChangeBlocked", "Synced", "glueMissing", ""}) {
    EXPECT_FALSE(IsDelegationReason(r)) << r;
  }
}

TEST(DelegationInterval, SpecOrFallback) {
  auto with = [](json interval) {
    return api::ReadDomainSpec(json{{"spec", {{"checks", {{"delegation", {{"interval", interval}}}}}}}});
  };
  EXPECT_EQ(DelegationInterval(with("5m"), 60s), 5min);
  EXPECT_EQ(DelegationInterval(with("1m30s"), 60s), 90s);
  EXPECT_EQ(DelegationInterval(with("soon"), 60s), 60s);
  EXPECT_EQ(DelegationInterval(with("0s"), 60s), 60s);
  EXPECT_EQ(DelegationInterval(with(30), 60s), 60s);
  EXPECT_EQ(DelegationInterval(api::ReadDomainSpec(json{{"spec", {{"zone", "z.test"}}}}), 45s), 45s);
}

// --- Reconcile ---

const std::vector<NameserverSpec> kRoots = {{"a.root.", {"10.0.0.1"}, ""}};

// root 10.0.0.1 -> test./net. at a.nic (10.0.1.1) and b.nic (10.0.1.2)
// test. -> z.test. at ns1.z.test. (glue 10.0.2.1) and ns1.host.net.
// net. -> host.net. at ns1.host.net. (glue 10.0.3.1); host.net. serves ns1.host.net. A 10.0.2.2
// z.test.'s servers 10.0.2.1 and 10.0.2.2 serve SOA, NS, ns1.z.test. A and www.z.test. A.
void ScriptHierarchy(dns::FakeResolver& r) {
  using dns::AuthoritativeAnswer;
  using dns::Referral;
  using dns::Rr;
  const std::vector<dns::ResourceRecord> tld_glue = {Rr("a.nic.test.", dns::kTypeA, "10.0.1.1"),
                                                     Rr("b.nic.test.", dns::kTypeA, "10.0.1.2")};
  for (const char* q : {"z.test.", "host.net."}) {
    r.SetAnswer("10.0.0.1", q, dns::kTypeNS,
                Referral(q, dns::kTypeNS, std::string(q) == "z.test." ? "test." : "net.", {"a.nic.test.", "b.nic.test."},
                         tld_glue));
  }
  r.SetAnswer("10.0.0.1", "ns1.host.net.", dns::kTypeA,
              Referral("ns1.host.net.", dns::kTypeA, "net.", {"a.nic.test.", "b.nic.test."}, tld_glue));
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
    r.SetAnswer(ns, "ns1.z.test.", dns::kTypeA,
                AuthoritativeAnswer("ns1.z.test.", dns::kTypeA, {Rr("ns1.z.test.", dns::kTypeA, "10.0.2.1")}));
    r.SetAnswer(ns, "www.z.test.", dns::kTypeA,
                AuthoritativeAnswer("www.z.test.", dns::kTypeA, {Rr("www.z.test.", dns::kTypeA, "192.0.2.80")}));
  }
}

// The TLD servers stop delegating z.test. (a registry suspension).
void Undelegate(dns::FakeResolver& r) {
  for (const char* tld : {"10.0.1.1", "10.0.1.2"}) {
    r.SetAnswer(tld, "z.test.", dns::kTypeNS, dns::RcodeAnswer("z.test.", dns::kTypeNS, dns::kRcodeNxDomain, true));
  }
}

// Domains' status subresource (server-side apply, replacing status: the delegation controller is the only
// writer here) mirrored into the informer store, and Events. Optionally failing status writes with 503.
class FakeApi {
 public:
  explicit FakeApi(kube::Store& domains) : domains_(domains) {}

  Result<http::HttpResponse> Handle(const http::HttpRequest& req) {
    std::lock_guard<std::mutex> lock(mu_);
    if (req.url.find("/events") != std::string::npos && req.method == "POST") {
      events_.push_back(json::parse(req.body));
      return http::HttpResponse{201, {}, req.body};
    }
    if (req.url.find("/domains/") != std::string::npos && req.url.find("/status") != std::string::npos &&
        req.method == "PATCH") {
      ++status_writes_;
      if (fail_status_) return http::HttpResponse{503, {}, R"({"kind":"Status","code":503,"message":"etcd down"})"};
      EXPECT_NE(req.url.find("fieldManager=domainguard-delegation"), std::string::npos) << req.url;
      const json body = json::parse(req.body);
      const std::string key = kube::ObjectKey(body);
      std::optional<json> obj = domains_.Get(key);
      if (!obj) return http::HttpResponse{404, {}, R"({"kind":"Status","code":404,"reason":"NotFound"})"};
      // Other managers' conditions (the records controller's RecordsSynced) stay, as server-side apply keeps them.
      json status = body["status"];
      std::set<std::string> applied;
      for (const json& c : status.value("conditions", json::array())) applied.insert(c.value("type", ""));
      for (const json& c : obj->value("status", json::object()).value("conditions", json::array())) {
        if (!applied.count(c.value("type", ""))) status["conditions"].push_back(c);
      }
      (*obj)["status"] = status;
      (*obj)["metadata"]["resourceVersion"] = std::to_string(++version_);
      domains_.Upsert(*obj);
      return http::HttpResponse{200, {}, obj->dump()};
    }
    return http::HttpResponse{404, {}, R"({"kind":"Status","code":404,"reason":"NotFound"})"};
  }
  int status_writes() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_writes_;
  }
  std::vector<json> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  void set_fail_status(bool f) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_status_ = f;
  }

 private:
  kube::Store& domains_;
  std::mutex mu_;
  int status_writes_ = 0;
  int version_ = 100;
  bool fail_status_ = false;
  std::vector<json> events_;
};

// The records controller's report on `generation`: a status with only its RecordsSynced condition.
json RecordsReport(int64_t generation) {
  return {{"conditions", json::array({{{"type", "RecordsSynced"},
                                       {"status", "True"},
                                       {"reason", "Synced"},
                                       {"message", ""},
                                       {"observedGeneration", generation},
                                       {"lastTransitionTime", "2026-11-23T10:00:00Z"}}})}};
}

// `status` with its RecordsSynced condition reporting on `generation`.
json WithRecordsReport(json status, int64_t generation) {
  for (json& c : status["conditions"]) {
    if (c["type"] == "RecordsSynced") c["observedGeneration"] = generation;
  }
  return status;
}

// Each one a new resourceVersion, as every write at the apiserver is: the controller takes an unchanged version for
// an unchanged object.
json Domain(int64_t generation = 1) {
  static int written = 0;
  return {{"apiVersion", "domainguard.io/v1alpha1"},
          {"kind", "Domain"},
          {"metadata", {{"name", "z"}, {"namespace", "web"}, {"uid", "u-1"}, {"generation", generation},
                        {"resourceVersion", std::to_string(1000000 + ++written)}}},
          {"spec",
           {{"zone", "z.test"},
            {"nameservers", json::array({{{"name", "ns1.z.test"}, {"addresses", {"10.0.2.1"}}},
                                         {{"name", "ns1.host.net."}}})},
            {"records", json::array({{{"name", "www"}, {"type", "A"}, {"values", {"192.0.2.80"}}}})},
            {"checks", {{"delegation", {{"interval", "2m"}}}}}}},
          {"status", RecordsReport(generation)}};
}

struct Bed {
  // `with_writer`: the controllers' shared status writer is in the context (for its batch of new Domains; it owns
  // the records part only, so the delegation part is still applied at once, as FakeApi expects).
  explicit Bed(bool with_writer = false)
      : api(domains),
        client(transport, Config(), clock),
        recorder(client, kube::EventAggregatorConfig{.reporting_instance = "test"}, clock),
        domain_metrics(registry),
        walker(resolver, kRoots),
        prober(resolver, walker),
        writer(client, domains, clock, {{"records", {"providers"}, {"RecordsSynced"}, nullptr}},
               domain::StatusWriterOptions{}),
        controller(Context(with_writer), providers, prober,
                   DelegationControllerOptions{.default_interval = 60s, .confirmations = 2, .ledger = &ledger}) {
    transport.SetSendHandler([this](const http::HttpRequest& r) { return api.Handle(r); });
    ScriptHierarchy(resolver);
    domains.Upsert(Domain());
  }

  static kube::RestConfig Config() {
    kube::RestConfig c;
    c.server = "http://127.0.0.1:1";
    return c;
  }

  // What app/ hands the controller, its spec reads counted in `specs`.
  domain::Context Context(bool with_writer) {
    domain::Context ctx{client, domains, recorder, domain_metrics, clock};
    ctx.specs = &specs;
    if (with_writer) ctx.status = &writer;
    return ctx;
  }

  json Status() { return domains.Get("web/z")->value("status", json::object()); }
  std::optional<kube::Condition> Condition() { return kube::FindCondition(Status(), api::kDelegationHealthy); }
  std::vector<std::string> Findings() {
    std::vector<std::string> out;
    for (const json& f : Status().value("findings", json::array())) {
      out.push_back(f["reason"].get<std::string>() + ":" + f["severity"].get<std::string>());
    }
    return out;
  }
  // "Type Reason" of the Events written so far.
  std::vector<std::string> Events() {
    EXPECT_TRUE(recorder.WaitIdle(5s));
    std::vector<std::string> out;
    for (const json& e : api.events()) out.push_back(e["type"].get<std::string>() + " " + e["reason"].get<std::string>());
    return out;
  }

  FakeClock clock{SystemTime{} + std::chrono::hours(24 * 365 * 56)};
  kube::Store domains;
  kube::Store providers;
  FakeApi api;
  http::FakeTransport transport;
  kube::Client client;
  kube::EventRecorder recorder;
  metrics::Registry registry;
  metrics::DomainMetrics domain_metrics;
  dns::FakeResolver resolver;
  Walker walker;
  Prober prober;
  records::ZoneLedger ledger{clock};
  api::testing::CountingSpecReader specs;
  domain::StatusWriter writer;
  DelegationController controller;
};

TEST(DelegationController, HealthyZoneWritesStatusAndWaitsForTheInterval) {
  Bed bed;
  kube::ReconcileResult r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok()) << r.status.error().ToString();
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(2min));
  EXPECT_EQ(bed.api.status_writes(), 1);
  EXPECT_EQ(bed.specs.reads(), 1u) << "a pass reads the Domain's spec once (issue #14 item 1)";

  auto c = bed.Condition();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, "True");
  EXPECT_EQ(c->reason, "DelegationHealthy");
  EXPECT_EQ(c->observed_generation, 1);
  EXPECT_THAT(bed.Findings(), IsEmpty());
  const json status = bed.Status();
  EXPECT_EQ(status["delegation"]["parentZone"], "test.");
  EXPECT_EQ(status["delegation"]["servers"].size(), 2u);
  EXPECT_EQ(status["delegation"]["servers"][0]["authoritative"], true);
  EXPECT_EQ(status["dependsOn"], json::array({"host.net."}));
  // Ready in the same apply (issue #14): RegistrationHealthy has not been reported yet.
  std::optional<kube::Condition> ready = kube::FindCondition(status, api::kReady);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, "Unknown");
  EXPECT_EQ(ready->message, "RegistrationHealthy has not been reported yet");
  EXPECT_THAT(bed.Events(), IsEmpty());

  // Re-triggered by a status write (ours or another controller's) before it is due: no probe, no write.
  const size_t probes = bed.resolver.probes().size();
  bed.clock.Advance(30s);
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(90s));
  EXPECT_EQ(bed.resolver.probes().size(), probes);
  EXPECT_EQ(bed.api.status_writes(), 1);
  EXPECT_EQ(bed.specs.reads(), 2u) << "this pass read it once too (the cache holds the version our write left)";

  // Due: probes again and sees the same: no write (issue #14: 0 writes per hour for a healthy unchanged Domain),
  // for an hour of checks; the status keeps the first check's lastChangeTime, freshness moves in the metric.
  const std::string changed = status["delegation"]["lastChangeTime"].get<std::string>();
  for (int i = 0; i < 30; ++i) {
    bed.clock.Advance(i == 0 ? 90s : 120s);
    r = bed.controller.Reconcile("web/z");
    ASSERT_TRUE(r.status.ok());
  }
  EXPECT_GT(bed.resolver.probes().size(), probes);
  EXPECT_EQ(bed.api.status_writes(), 1);
  EXPECT_EQ(bed.Status()["delegation"]["lastChangeTime"], changed);
  EXPECT_THAT(bed.Events(), IsEmpty());
  const std::string expo = bed.registry.Expose();
  const std::string now = std::to_string(static_cast<long long>(
      std::chrono::duration_cast<std::chrono::seconds>(bed.clock.Now().time_since_epoch()).count()));
  EXPECT_THAT(expo, ::testing::HasSubstr("check=\"delegation\"")) << expo;
  EXPECT_THAT(expo, ::testing::HasSubstr(now)) << "the freshness metric is the last check's time";

  // The observation changes (a server's serial moves): one write, a new lastChangeTime.
  for (const char* ns : {"10.0.2.1", "10.0.2.2"}) {
    bed.resolver.SetAnswer(ns, "z.test.", dns::kTypeSOA,
                           AuthoritativeAnswer("z.test.", dns::kTypeSOA,
                                               {Rr("z.test.", dns::kTypeSOA, "ns1.z.test. h.z.test. 8 1 1 1 1")}));
  }
  bed.clock.Advance(120s);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_EQ(bed.api.status_writes(), 2);
  EXPECT_NE(bed.Status()["delegation"]["lastChangeTime"], changed);
}

// Issue #15 item 4: records lost at a name server without the serial moving are handed to the records controller
// at once (ZoneLedger::RequestRepair); item 5: a record waiting at an unavailable provider is not.
TEST(DelegationController, RecordsLostAtAServerAskTheRecordsControllerForARepair) {
  Bed bed;
  std::vector<std::string> asked;
  bed.ledger.SetRepairHandler([&](const std::string& key, const std::string& why) { asked.push_back(key + " " + why); });
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(asked, IsEmpty());

  bed.resolver.SetAnswer("10.0.2.2", "www.z.test.", dns::kTypeA,
                         dns::RcodeAnswer("www.z.test.", dns::kTypeA, dns::kRcodeNxDomain, true));
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Findings(), ::testing::Contains("RecordsNotServed:Warning"));
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_THAT(asked[0], ::testing::HasSubstr("web/z desired records not served: www.z.test. A at ns1.host.net."));

  // The records controller says www is still owed to an unavailable provider: pending, not lost.
  bed.ledger.Record("web/z", "pdns-a", 7u, {"www.z.test. A"});
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Findings(), ::testing::Not(::testing::Contains("RecordsNotServed:Warning")));
  EXPECT_EQ(asked.size(), 1u);
}

TEST(DelegationController, SpecChangeProbesAtOnce) {
  Bed bed;
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  const size_t probes = bed.resolver.probes().size();
  json d = Domain(2);
  d["spec"]["checks"]["delegation"]["interval"] = "10m";
  d["status"] = WithRecordsReport(bed.Status(), 2);
  bed.domains.Upsert(d);
  kube::ReconcileResult r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_GT(bed.resolver.probes().size(), probes);
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(10min));
  EXPECT_EQ(bed.Condition()->observed_generation, 2);
}

TEST(DelegationController, NewGenerationWaitsForTheRecordsControllersReport) {
  Bed bed;
  json d = Domain();
  d.erase("status");  // just created: the records controller is still creating the zone at the providers
  bed.domains.Upsert(d);
  kube::ReconcileResult r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(120s));
  EXPECT_THAT(bed.resolver.probes(), IsEmpty());
  EXPECT_EQ(bed.api.status_writes(), 0);
  // Still queued at the records controller a minute on (1,000 Domains applied at once): still not probed.
  bed.clock.Advance(60s);
  r = bed.controller.Reconcile("web/z");
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(60s)) << "the wait is bounded from its start";
  EXPECT_THAT(bed.resolver.probes(), IsEmpty());

  // The records controller's status write re-triggers us: probed at once.
  d["status"] = RecordsReport(1);
  bed.domains.Upsert(d);
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_THAT(bed.resolver.probes(), Not(IsEmpty()));
  EXPECT_EQ(bed.Condition()->status, "True");
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(60s)) << "probed at 60 s: the round at 120 s (NextRound)";

  // A new generation the records controller never reports on: probed anyway once the wait is over, and the
  // wait is not repeated at the next probe.
  d = Domain(2);
  d["status"] = bed.Status();  // RecordsSynced still for generation 1
  bed.domains.Upsert(d);
  size_t probes = bed.resolver.probes().size();
  r = bed.controller.Reconcile("web/z");
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(120s));
  EXPECT_EQ(bed.resolver.probes().size(), probes);
  bed.clock.Advance(120s);
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_GT(bed.resolver.probes().size(), probes);
  EXPECT_EQ(bed.Condition()->observed_generation, 2);
  probes = bed.resolver.probes().size();
  bed.clock.Advance(2min);
  r = bed.controller.Reconcile("web/z");
  EXPECT_GT(bed.resolver.probes().size(), probes);
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(60s)) << "probed at 300 s: the round at 360 s";
  EXPECT_THAT(bed.Events(), IsEmpty());
}

TEST(DelegationController, BrokenDependencyIsConfirmedLikeTheParentSide) {
  Bed bed;
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  // The registry suspends host.net., which hosts ns1.host.net.: once seen, a Warning.
  for (const char* tld : {"10.0.1.1", "10.0.1.2"}) {
    bed.resolver.SetAnswer(tld, "host.net.", dns::kTypeNS,
                           dns::RcodeAnswer("host.net.", dns::kTypeNS, dns::kRcodeNxDomain, true));
  }
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Findings(), ElementsAre("DependencyBroken:Warning"));
  EXPECT_EQ(bed.Condition()->reason, "DependencyBroken");
  EXPECT_NE(bed.Condition()->message.find("(confirmation 1 of 2)"), std::string::npos) << bed.Condition()->message;
  EXPECT_EQ(bed.Status()["dependsOn"], json::array({"host.net."}));
  // Seen again: Critical.
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Findings(), ElementsAre("DependencyBroken:Critical"));
  EXPECT_THAT(bed.Events(), ElementsAre("Warning DependencyBroken", "Warning DependencyBroken"));
}

TEST(DelegationController, LostDelegationIsConfirmedThenRecovers) {
  Bed bed;
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  Undelegate(bed.resolver);

  // First probe: seen by both TLD servers, but once: a Warning.
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  auto c = bed.Condition();
  EXPECT_EQ(c->status, "False");
  EXPECT_EQ(c->reason, "DelegationMissing");
  EXPECT_THAT(bed.Findings(), ElementsAre("DelegationMissing:Warning"));
  EXPECT_THAT(bed.Events(), ElementsAre("Warning DelegationMissing"));
  const std::string since = bed.Status()["findings"][0]["since"];

  // Second consecutive probe: confirmed, Critical, and an Event for the worse news.
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Findings(), ElementsAre("DelegationMissing:Critical"));
  EXPECT_EQ(bed.Status()["findings"][0]["since"], since) << "since is when the finding first appeared";
  EXPECT_THAT(bed.Events(), ElementsAre("Warning DelegationMissing", "Warning DelegationMissing"));

  // Third: still Critical, no new Event.
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Findings(), ElementsAre("DelegationMissing:Critical"));
  EXPECT_EQ(bed.Events().size(), 2u);

  // The registry restores the delegation.
  ScriptHierarchy(bed.resolver);
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_EQ(bed.Condition()->status, "True");
  EXPECT_THAT(bed.Findings(), IsEmpty());
  EXPECT_THAT(bed.Events(), ElementsAre("Warning DelegationMissing", "Warning DelegationMissing",
                                        "Normal DelegationHealthy"));
}

// Issue #14 item 6: Domains due together go through the prober in one sweep; the others' own reconciles, queued
// for their due time, then find them already probed.
json NamedDomain(const std::string& name, int64_t generation = 1) {
  json d = Domain(generation);
  d["metadata"]["name"] = name;
  d["metadata"]["uid"] = "u-" + name;
  return d;
}

TEST(DelegationController, DueDomainsAreProbedInOneSweep) {
  Bed bed;
  // Rounds start at every multiple of the interval (NextRound; the bed's monotonic clock starts on one). Created
  // apart: z probed at 0 s and y at 20 s are due in the round at 120 s; x, probed at 70 s (more than half an
  // interval late for it), in the round at 240 s; w, every 61 s and probed at 62 s, in its round at 121 s.
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  bed.clock.Advance(20s);
  bed.domains.Upsert(NamedDomain("y"));
  kube::ReconcileResult r = bed.controller.Reconcile("web/y");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(100s)) << "y joins z's round";
  bed.clock.Advance(42s);
  json w = NamedDomain("w");
  w["spec"]["checks"]["delegation"]["interval"] = "61s";
  bed.domains.Upsert(w);
  r = bed.controller.Reconcile("web/w");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(59s)) << "w's round at 121 s";
  bed.clock.Advance(8s);
  bed.domains.Upsert(NamedDomain("x"));
  r = bed.controller.Reconcile("web/x");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(170s)) << "x's round at 240 s";
  ASSERT_EQ(bed.api.status_writes(), 4);

  // At 120 s z is due, and y with it; w (due at 121 s) is within the 5 s batch window, x (at 240 s) is not.
  bed.clock.Advance(50s);
  size_t probes = bed.resolver.probes().size();
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(2min));
  EXPECT_GT(bed.resolver.probes().size(), probes);

  // y's and w's own reconciles at their due times: already probed in z's sweep, they only wait.
  probes = bed.resolver.probes().size();
  r = bed.controller.Reconcile("web/y");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(bed.resolver.probes().size(), probes) << "y was probed again on its own";
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(2min));
  bed.clock.Advance(1s);
  r = bed.controller.Reconcile("web/w");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(bed.resolver.probes().size(), probes) << "w was probed again on its own";
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(61s)) << "probed at 120 s: its round at 182 s";

  // x was not pulled in: its own reconcile at 240 s probes it, and z and y, whose round it is too.
  bed.clock.Advance(119s);
  r = bed.controller.Reconcile("web/x");
  ASSERT_TRUE(r.status.ok());
  EXPECT_GT(bed.resolver.probes().size(), probes) << "x was not probed in its round";
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(2min));
  probes = bed.resolver.probes().size();
  for (const char* key : {"web/z", "web/y"}) {
    r = bed.controller.Reconcile(key);
    ASSERT_TRUE(r.status.ok());
    EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(2min)) << key << " was probed in x's sweep";
  }
  EXPECT_EQ(bed.resolver.probes().size(), probes);
  EXPECT_EQ(bed.api.status_writes(), 4) << "one write per Domain, none for the same observation again";
}

// After a restart nothing is remembered and every Domain is due: the first reconcile's sweep takes every cached
// Domain never probed whose records are reported (at most max_batch), so the first round is a few sweeps instead
// of one per Domain, and the rounds after it are as compact (issue #14: a round of 10,000 took 52.8 s).
TEST(DelegationController, NeverProbedDomainsJoinTheFirstSweep) {
  Bed bed;
  bed.domains.Upsert(NamedDomain("y"));
  json waiting = NamedDomain("w", 2);
  waiting["status"] = RecordsReport(1);  // generation 2 not reported yet: its changes are on their way
  bed.domains.Upsert(waiting);

  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_EQ(bed.api.status_writes(), 2) << "z and y in one sweep, w left to wait for its records";
  EXPECT_EQ(bed.specs.reads(), 2u) << "z's spec and y's, once each";
  EXPECT_TRUE(kube::FindCondition(bed.domains.Get("web/y")->value("status", json::object()), api::kDelegationHealthy).has_value());
  EXPECT_FALSE(kube::FindCondition(bed.domains.Get("web/w")->value("status", json::object()), api::kDelegationHealthy).has_value());

  // y's own reconcile, queued by the informer's initial list: already probed, it waits for its interval.
  const size_t probes = bed.resolver.probes().size();
  kube::ReconcileResult r = bed.controller.Reconcile("web/y");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(bed.resolver.probes().size(), probes) << "y was probed again on its own";
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(2min));
  // w's own reconcile waits for the records controller's report.
  r = bed.controller.Reconcile("web/w");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(bed.resolver.probes().size(), probes);
  EXPECT_EQ(bed.api.status_writes(), 2);
}

// A Domain never probed waits while the user creates Domains in a batch (StatusWriter::BatchEndsAt) and is probed
// when it ends, with the others in one sweep; a Domain probed before never waits for a batch (issue #14: the
// apply ratio).
TEST(DelegationController, NeverProbedWaitsForTheBatchOfNewDomainsProbedNever) {
  Bed bed(/*with_writer=*/true);
  int arrived = 0;
  auto arrive = [&](int count) {  // new Domains reach the cache: no status yet
    for (int i = 0; i < count; ++i) {
      json d = NamedDomain("new" + std::to_string(arrived++));
      d.erase("status");
      bed.writer.NoteAdded(d);
    }
  };
  arrive(10);
  const std::optional<MonotonicTime> end = bed.writer.BatchEndsAt();
  ASSERT_TRUE(end.has_value()) << "10 new Domains at once are a batch";
  kube::ReconcileResult r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, *end - bed.clock.Monotonic()) << "looks again when the batch ends";
  EXPECT_THAT(bed.resolver.probes(), IsEmpty());
  EXPECT_EQ(bed.api.status_writes(), 0);
  EXPECT_EQ(bed.specs.reads(), 0u) << "decided before the Domain is parsed";

  // More arrive: the batch goes on, so does the wait.
  bed.clock.Advance(1s);
  arrive(1);
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, *bed.writer.BatchEndsAt() - bed.clock.Monotonic());
  EXPECT_THAT(bed.resolver.probes(), IsEmpty());

  // The batch ends: probed.
  bed.clock.Advance(*r.requeue_after);
  EXPECT_FALSE(bed.writer.BatchEndsAt().has_value());
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_FALSE(bed.resolver.probes().empty());
  EXPECT_EQ(bed.api.status_writes(), 1);
  ASSERT_TRUE(r.requeue_after);
  const std::chrono::nanoseconds to_due = *r.requeue_after;

  // Due again while another batch arrives: probed at once, not held.
  bed.clock.Advance(to_due - 1s);
  arrive(10);
  bed.clock.Advance(1s);
  ASSERT_TRUE(bed.writer.BatchEndsAt().has_value());
  ASSERT_GT(*bed.writer.BatchEndsAt(), bed.clock.Monotonic()) << "the batch is still arriving";
  const size_t probes = bed.resolver.probes().size();
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok());
  EXPECT_GT(bed.resolver.probes().size(), probes) << "a probed Domain waited for the batch";
  ASSERT_TRUE(r.requeue_after);
  EXPECT_GT(*r.requeue_after, 1min) << "its next probe is the next round's, not the batch's end";
}

// New Domains waiting for a batch are not each requeued to its end, which moves on with every arrival (a round trip
// every ~2 s per new Domain during an apply): one of them follows it, and the first to run once the batch is over
// wakes the others (domain/batch_waiters.h). A deleted Domain that kept the time hands it over.
TEST(DelegationController, NewDomainsWaitingForABatchAreWokenTogetherWhenItEnds) {
  Bed bed(/*with_writer=*/true);
  std::vector<std::string> requeued;
  bed.controller.SetRequeue([&](const std::string& key) { requeued.push_back(key); });
  for (const char* name : {"w", "x", "y"}) bed.domains.Upsert(NamedDomain(name));
  int arrived = 0;
  auto arrive = [&](int count) {
    for (int i = 0; i < count; ++i) {
      json d = NamedDomain("new" + std::to_string(arrived++));
      d.erase("status");
      bed.writer.NoteAdded(d);
    }
  };
  arrive(10);
  const auto to_end = [&] { return *bed.writer.BatchEndsAt() - bed.clock.Monotonic(); };
  EXPECT_EQ(*bed.controller.Reconcile("web/w").requeue_after, to_end()) << "keeps the batch's time";
  EXPECT_EQ(*bed.controller.Reconcile("web/x").requeue_after, 30s);
  EXPECT_EQ(*bed.controller.Reconcile("web/y").requeue_after, 30s);
  EXPECT_EQ(*bed.controller.Reconcile("web/z").requeue_after, 30s);
  // The Domain keeping the time is deleted while the batch goes on: the next one takes over.
  bed.clock.Advance(1s);
  arrive(1);
  bed.domains.Remove(NamedDomain("w"));
  EXPECT_TRUE(bed.controller.Reconcile("web/w").status.ok());
  EXPECT_EQ(requeued, std::vector<std::string>{"web/x"});
  EXPECT_EQ(*bed.controller.Reconcile("web/x").requeue_after, to_end());
  EXPECT_THAT(bed.resolver.probes(), IsEmpty());

  // The batch ends: the first to run is probed (with the others in its sweep) and wakes the others.
  requeued.clear();
  bed.clock.Advance(to_end());
  ASSERT_TRUE(bed.controller.Reconcile("web/x").status.ok());
  EXPECT_FALSE(bed.resolver.probes().empty());
  EXPECT_EQ(requeued, (std::vector<std::string>{"web/y", "web/z"}));
  const size_t probes = bed.resolver.probes().size();
  requeued.clear();
  for (const char* key : {"web/y", "web/z"}) {
    kube::ReconcileResult r = bed.controller.Reconcile(key);
    ASSERT_TRUE(r.status.ok());
    EXPECT_GT(*r.requeue_after, 30s) << key << ": probed in that sweep, back at its next round";
  }
  EXPECT_EQ(bed.resolver.probes().size(), probes);
  EXPECT_THAT(requeued, IsEmpty());
}

TEST(DelegationController, FirstSweepIsBoundedByMaxBatch) {
  Bed bed;
  DelegationController small(domain::Context{bed.client, bed.domains, bed.recorder, bed.domain_metrics, bed.clock},
                             bed.providers, bed.prober, DelegationControllerOptions{.max_batch = 2});
  for (const char* name : {"a", "b", "c", "d"}) bed.domains.Upsert(NamedDomain(name));
  ASSERT_TRUE(small.Reconcile("web/z").status.ok());
  EXPECT_EQ(bed.api.status_writes(), 2) << "z and one other";
}

TEST(DelegationController, AfterARestartTheStatusSaysWhatWasAlreadyReported) {
  Bed bed;
  Undelegate(bed.resolver);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Events(), ElementsAre("Warning DelegationMissing"));

  // A new controller (a restart, a new leader) has no verdict in memory: the status already says it.
  DelegationController fresh(domain::Context{bed.client, bed.domains, bed.recorder, bed.domain_metrics, bed.clock},
                             bed.providers, bed.prober, DelegationControllerOptions{.confirmations = 2});
  ASSERT_TRUE(fresh.Reconcile("web/z").status.ok());
  EXPECT_THAT(bed.Findings(), ElementsAre("DelegationMissing:Warning")) << "History starts again after a restart";
  EXPECT_THAT(bed.Events(), ElementsAre("Warning DelegationMissing"));
}

TEST(DelegationController, FailedStatusWriteIsRetriedWithoutProbingAgain) {
  Bed bed;
  bed.api.set_fail_status(true);
  kube::ReconcileResult r = bed.controller.Reconcile("web/z");
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.error().code, ErrorCode::kUnavailable);
  const size_t probes = bed.resolver.probes().size();

  bed.api.set_fail_status(false);
  bed.clock.Advance(1s);
  r = bed.controller.Reconcile("web/z");
  ASSERT_TRUE(r.status.ok()) << r.status.error().ToString();
  EXPECT_EQ(bed.resolver.probes().size(), probes);
  EXPECT_EQ(bed.api.status_writes(), 2);
  EXPECT_EQ(r.requeue_after, std::chrono::nanoseconds(2min - 1s));
  EXPECT_EQ(bed.Condition()->status, "True");

  // Written: the next early trigger neither probes nor writes.
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_EQ(bed.api.status_writes(), 2);
}

TEST(DelegationController, UnbuildableZoneIsStillProbedWithoutExpectations) {
  Bed bed;
  json d = Domain();
  d["spec"]["records"] = json::array({{{"name", "www"}, {"type", "A"}, {"values", {"300.1.1.1"}}}});
  bed.domains.Upsert(d);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_EQ(bed.Condition()->status, "True");
  for (const dns::Probe& p : bed.resolver.probes()) {
    EXPECT_NE(p.qname, "www.z.test.") << "no record expectations from an invalid spec";
  }
  bool asked_glue_address = false;
  for (const dns::Probe& p : bed.resolver.probes()) asked_glue_address |= p.address == "10.0.2.1";
  EXPECT_TRUE(asked_glue_address) << "spec.nameservers still name the servers";
}

// The expectations are kept per version of the Domain's inputs (issue #14: not rebuilt on every probe), and a spec
// edit is probed with the new ones at once.
TEST(DelegationController, ExpectationsAreKeptUntilTheSpecChanges) {
  Bed bed;
  auto asked = [&](size_t from, const std::string& qname) {
    const std::vector<dns::Probe> probes = bed.resolver.probes();
    for (size_t i = from; i < probes.size(); ++i) {
      if (probes[i].qname == qname) return true;
    }
    return false;
  };
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_TRUE(asked(0, "www.z.test."));
  size_t from = bed.resolver.probes().size();
  bed.clock.Advance(2min);
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_TRUE(asked(from, "www.z.test.")) << "the kept expectations";

  json d = Domain(2);
  d["spec"]["records"] = json::array({{{"name", "mail"}, {"type", "A"}, {"values", {"192.0.2.25"}}}});
  d["status"] = WithRecordsReport(bed.Status(), 2);
  bed.domains.Upsert(d);
  from = bed.resolver.probes().size();
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_TRUE(asked(from, "mail.z.test."));
  EXPECT_FALSE(asked(from, "www.z.test.")) << "the edit's records, not the kept ones";
}

TEST(DelegationController, DeletedDomainIsForgotten) {
  Bed bed;
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  bed.domains.Remove(Domain());
  kube::ReconcileResult r = bed.controller.Reconcile("web/z");
  EXPECT_TRUE(r.status.ok());
  EXPECT_FALSE(r.requeue_after);
  // Created again under the same name: a new Domain, probed at once.
  bed.domains.Upsert(Domain());
  const size_t probes = bed.resolver.probes().size();
  ASSERT_TRUE(bed.controller.Reconcile("web/z").status.ok());
  EXPECT_GT(bed.resolver.probes().size(), probes);
}


TEST(RecordsReported, ByGeneration) {
  json d = Domain(3);
  EXPECT_TRUE(RecordsReported(d, 3));
  EXPECT_TRUE(RecordsReported(d, 2));
  EXPECT_FALSE(RecordsReported(d, 4));
  d.erase("status");
  EXPECT_FALSE(RecordsReported(d, 1));
}

}  // namespace
}  // namespace domainguard::delegation
