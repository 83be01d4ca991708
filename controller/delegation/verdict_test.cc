#include "controller/delegation/verdict.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::delegation {
namespace {

using ::testing::ElementsAreArray;

// A healthy zone: two parent servers delegate z.test. to ns1/ns2.z.test. with the desired glue; both name
// servers answer authoritatively with one serial and serve the desired record.
ZoneSpec Spec() {
  ZoneSpec s;
  s.zone = "z.test.";
  s.nameservers = {{"ns1.z.test.", {"127.53.1.1"}, ""}, {"ns2.z.test.", {"127.53.1.2"}, ""}};
  s.records = {{"www.z.test.", 1, {"192.0.2.80"}}};
  return s;
}

ParentView Parent(const std::string& addr) {
  ParentView p;
  p.server_name = "ns" + addr.substr(addr.size() - 1) + ".nic.test.";
  p.address = addr;
  p.outcome = ParentOutcome::kDelegation;
  p.ns = {"ns1.z.test.", "ns2.z.test."};
  p.glue = {{"ns1.z.test.", {"127.53.1.1"}}, {"ns2.z.test.", {"127.53.1.2"}}};
  return p;
}

ServerView Server(const std::string& name, const std::string& addr) {
  ServerView s;
  s.ns_name = name;
  s.address = addr;
  s.outcome = ServerOutcome::kAuthoritative;
  s.serial = 2026112301;
  s.ns = {"ns1.z.test.", "ns2.z.test."};
  s.records_checked = 1;
  return s;
}

Observation Healthy() {
  Observation o;
  o.zone = "z.test.";
  o.parent_zone = "test.";
  o.parents = {Parent("127.53.10.1"), Parent("127.53.10.2")};
  o.servers = {Server("ns1.z.test.", "127.53.1.1"), Server("ns2.z.test.", "127.53.1.2")};
  return o;
}

ParentView NoDelegation(ParentView p) {
  p.outcome = ParentOutcome::kNoDelegation;
  p.ns.clear();
  p.glue.clear();
  p.detail = "NXDOMAIN";
  return p;
}

struct Case {
  std::string name;
  std::function<void(Observation&, ZoneSpec&)> mutate;
  std::vector<std::string> want;  // "Reason/Severity", in verdict order
  int confirmations = 1;
};

std::vector<std::string> Describe(const Verdict& v) {
  std::vector<std::string> out;
  for (const Finding& f : v.findings) out.push_back(f.reason + "/" + std::string(SeverityName(f.severity)));
  return out;
}

class VerdictTest : public ::testing::TestWithParam<Case> {};

TEST_P(VerdictTest, Findings) {
  const Case& c = GetParam();
  Observation o = Healthy();
  ZoneSpec s = Spec();
  c.mutate(o, s);
  Verdict v = EvaluateDelegation(o, s, History{}, Policy{c.confirmations});
  EXPECT_THAT(Describe(v), ElementsAreArray(c.want));
  for (const Finding& f : v.findings) EXPECT_FALSE(f.message.empty()) << f.reason;
}

INSTANTIATE_TEST_SUITE_P(
    Delegation, VerdictTest,
    ::testing::ValuesIn(std::vector<Case>{
        {"healthy_has_no_findings", [](Observation&, ZoneSpec&) {}, {}},
        {"delegation_missing_at_both_parents_is_critical",
         [](Observation& o, ZoneSpec&) {
           o.parents = {NoDelegation(o.parents[0]), NoDelegation(o.parents[1])};
           o.servers.clear();
         },
         {"DelegationMissing/Critical"}},
        {"delegation_missing_at_one_stale_parent_is_a_warning",
         [](Observation& o, ZoneSpec&) { o.parents[1] = NoDelegation(o.parents[1]); },
         {"DelegationMissing/Warning"}},
        {"delegation_missing_needs_confirmations",
         [](Observation& o, ZoneSpec&) {
           o.parents = {NoDelegation(o.parents[0]), NoDelegation(o.parents[1])};
           o.servers.clear();
         },
         {"DelegationMissing/Warning"}, 3},
        {"single_parent_server_confirms_alone",
         [](Observation& o, ZoneSpec&) { o.parents = {NoDelegation(o.parents[0])}; }, {"DelegationMissing/Critical"}},
        {"parking_servers_replace_all_ns_is_critical",
         [](Observation& o, ZoneSpec&) {
           for (auto& p : o.parents) {
             p.ns = {"ns1.parking.net.", "ns2.parking.net."};
             p.glue.clear();
           }
         },
         {"NameserversChanged/Critical"}},
        {"one_ns_replaced_is_a_warning",
         [](Observation& o, ZoneSpec&) {
           for (auto& p : o.parents) p.ns = {"ns1.other.net.", "ns1.z.test."};
         },
         {"NameserversChanged/Warning"}},
        {"one_stale_parent_with_parking_ns_is_only_a_warning",
         [](Observation& o, ZoneSpec&) { o.parents[0].ns = {"ns1.parking.net.", "ns2.parking.net."}; },
         {"NameserversChanged/Warning"}},
        {"glue_removed_everywhere_is_critical",
         [](Observation& o, ZoneSpec&) {
           for (auto& p : o.parents) p.glue.clear();
         },
         {"GlueMissing/Critical"}},
        {"glue_missing_for_one_of_two_is_a_warning",
         [](Observation& o, ZoneSpec&) {
           for (auto& p : o.parents) p.glue.erase("ns2.z.test.");
         },
         {"GlueMissing/Warning"}},
        {"wrong_glue_address_is_critical",
         [](Observation& o, ZoneSpec&) {
           for (auto& p : o.parents) p.glue["ns2.z.test."] = {"127.53.1.9"};
         },
         {"GlueMismatch/Critical"}},
        {"wrong_glue_at_one_parent_is_a_warning",
         [](Observation& o, ZoneSpec&) { o.parents[0].glue["ns2.z.test."] = {"127.53.1.9"}; },
         {"GlueMismatch/Warning"}},
        {"glue_with_an_extra_address_is_a_warning",
         [](Observation& o, ZoneSpec&) {
           for (auto& p : o.parents) p.glue["ns2.z.test."] = {"127.53.1.2", "127.53.1.7"};
         },
         {"GlueMismatch/Warning"}},
        {"one_refusing_ns_is_a_lame_warning",
         [](Observation& o, ZoneSpec&) {
           o.servers[1].outcome = ServerOutcome::kRefused;
           o.servers[1].serial.reset();
         },
         {"LameNameserver/Warning"}},
        {"all_ns_lame_is_critical",
         [](Observation& o, ZoneSpec&) {
           o.servers[0].outcome = ServerOutcome::kTimeout;
           o.servers[1].outcome = ServerOutcome::kNotAuthoritative;
         },
         {"LameNameserver/Critical"}},
        {"unresolvable_ns_is_lame",
         [](Observation& o, ZoneSpec&) { o.unresolvable_ns = {"ns3.gone.test."}; }, {"LameNameserver/Warning"}},
        {"older_serial_is_drift",
         [](Observation& o, ZoneSpec&) { o.servers[1].serial = 2026112200; }, {"SerialDrift/Warning"}},
        {"serials_of_different_providers_are_not_compared",
         [](Observation& o, ZoneSpec& z) {
           z.nameservers[0].provider = "pdns-a";
           z.nameservers[1].provider = "bind-c";
           o.servers[1].serial = 3;
         },
         {}},
        {"older_serial_within_one_provider_is_drift",
         [](Observation& o, ZoneSpec& z) {
           z.nameservers[0].provider = "pdns-a";
           z.nameservers[1].provider = "pdns-a";
           o.servers[1].serial = 2026112200;
         },
         // (both served by one provider is a single point of failure too)
         {"SerialDrift/Warning", "SinglePointOfFailure/Warning"}},
        {"record_missing_at_one_server_is_a_warning",
         [](Observation& o, ZoneSpec&) { o.servers[0].records_missing = {"www.z.test. A"}; },
         {"RecordsNotServed/Warning"}},
        {"record_missing_everywhere_is_critical",
         [](Observation& o, ZoneSpec&) {
           for (auto& s : o.servers) s.records_missing = {"www.z.test. A"};
         },
         {"RecordsNotServed/Critical"}},
        {"no_parent_answers_is_unknown",
         [](Observation& o, ZoneSpec&) {
           for (auto& p : o.parents) {
             p.outcome = ParentOutcome::kTimeout;
             p.ns.clear();
           }
         },
         {"ParentUnreachable/Warning"}},
        {"one_parent_timing_out_alone_is_fine",
         [](Observation& o, ZoneSpec&) { o.parents[0].outcome = ParentOutcome::kTimeout; }, {}},
        {"broken_dependency_is_critical",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers = {{"ns1.host.test.", {}, ""}, {"ns1.pdns-b.net.", {}, ""}};
           for (auto& p : o.parents) {
             p.ns = {"ns1.host.test.", "ns1.pdns-b.net."};
             p.glue.clear();
           }
           o.dependencies = {{"host.test.", true, true, "NXDOMAIN at test."}, {"pdns-b.net.", false, false, ""}};
         },
         {"DependencyBroken/Critical"}},
        // Issue #15 item 3: serials judged against the providers' own serials (known from the records pass).
        {"two_providers_two_serial_schemes_no_nameservers_listed_is_no_drift",
         [](Observation& o, ZoneSpec& s) {
           o.servers[0].serial = 2026120605;  // PowerDNS, date-based
           o.servers[1].serial = 12;          // BIND, counting
           s.providers = {{"pdns-a", 2026120605u, {}, {}}, {"bind", 12u, {}, {}}};
         },
         {}},
        {"server_with_a_serial_no_provider_has_is_drift",
         [](Observation& o, ZoneSpec& s) {
           o.servers[0].serial = 2026120605;
           o.servers[1].serial = 11;  // stopped getting updates
           s.providers = {{"pdns-a", 2026120605u, {}, {}}, {"bind", 12u, {}, {}}};
         },
         {"SerialDrift/Warning"}},
        {"server_behind_is_reported_only_once_confirmed",
         [](Observation& o, ZoneSpec& s) {
           o.servers[0].serial = 2026120605;
           o.servers[1].serial = 11;
           s.providers = {{"pdns-a", 2026120605u, {}, {}}, {"bind", 12u, {}, {}}};
         },
         {}, 2},
        {"server_with_a_recent_serial_is_not_drift_yet",
         [](Observation& o, ZoneSpec& s) {
           o.servers[0].serial = 2026120605;
           o.servers[1].serial = 11;  // a transfer in flight
           s.providers = {{"pdns-a", 2026120605u, {}, {}}, {"bind", 12u, {11u}, {}}};
         },
         {}},
        {"mapped_server_behind_its_provider_is_drift",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers[0].provider = "pdns-a";
           s.nameservers[1].provider = "bind";
           o.servers[0].serial = 2026120604;
           o.servers[1].serial = 12;
           s.providers = {{"pdns-a", 2026120605u, {}, {}}, {"bind", 12u, {}, {}}};
         },
         {"SerialDrift/Warning"}},
        {"mapped_server_ahead_of_the_last_read_is_fine",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers[0].provider = "pdns-a";
           s.nameservers[1].provider = "bind";
           o.servers[0].serial = 2026120606;
           o.servers[1].serial = 12;
           s.providers = {{"pdns-a", 2026120605u, {}, {}}, {"bind", 12u, {}, {}}};
         },
         {}},
        {"without_known_serials_one_group_still_compares",
         [](Observation& o, ZoneSpec&) { o.servers[1].serial = 7; }, {"SerialDrift/Warning"}},
        // Issue #15 item 5: a record waiting at an unavailable provider is pending, not RecordsNotServed.
        {"record_pending_at_an_unavailable_provider_is_not_a_serving_failure",
         [](Observation& o, ZoneSpec& s) {
           for (auto& v : o.servers) v.records_missing = {"www.z.test. A"};
           s.providers = {{"pdns-a", 2026112301u, {}, {"www.z.test. A"}}};
         },
         {}},
        {"record_applied_and_lost_is_still_records_not_served",
         [](Observation& o, ZoneSpec& s) {
           for (auto& v : o.servers) v.records_missing = {"www.z.test. A"};
           s.providers = {{"pdns-a", 2026112301u, {}, {"mail.z.test. A"}}};
         },
         {"RecordsNotServed/Critical"}},
        {"dependency_whose_parent_cannot_be_asked_is_a_warning",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers = {{"ns1.host.test.", {}, ""}, {"ns1.pdns-b.net.", {}, ""}};
           for (auto& p : o.parents) {
             p.ns = {"ns1.host.test.", "ns1.pdns-b.net."};
             p.glue.clear();
           }
           o.dependencies = {{"host.test.", true, false, "ParentUnreachable: none of 2 parent servers answered"},
                             {"pdns-b.net.", false, false, ""}};
         },
         {"DependencyBroken/Warning"}},
        {"all_ns_under_one_foreign_domain",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers = {{"ns1.dnshost.net.", {}, ""}, {"ns2.dnshost.net.", {}, ""}};
           for (auto& p : o.parents) {
             p.ns = {"ns1.dnshost.net.", "ns2.dnshost.net."};
             p.glue.clear();
           }
         },
         {"SinglePointOfFailure/Warning"}},
        {"all_ns_under_one_foreign_tld",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers = {{"ns1.pdns-a.net.", {}, ""}, {"ns1.pdns-b.net.", {}, ""}};
           for (auto& p : o.parents) {
             p.ns = {"ns1.pdns-a.net.", "ns1.pdns-b.net."};
             p.glue.clear();
           }
         },
         {"SinglePointOfFailure/Warning"}},
        {"ns_spread_over_tlds_is_fine",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers = {{"ns1.pdns-a.net.", {}, ""}, {"ns1.other.sm.", {}, ""}};
           for (auto& p : o.parents) {
             p.ns = {"ns1.other.sm.", "ns1.pdns-a.net."};
             p.glue.clear();
           }
         },
         {}},
        {"one_provider_is_a_single_point",
         [](Observation&, ZoneSpec& s) {
           for (auto& n : s.nameservers) n.provider = "pdns-a";
         },
         {"SinglePointOfFailure/Warning"}},
        {"single_ns_is_a_single_point",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers.pop_back();
           for (auto& p : o.parents) {
             p.ns = {"ns1.z.test."};
             p.glue.erase("ns2.z.test.");
           }
           o.servers.pop_back();
         },
         {"SinglePointOfFailure/Warning"}},
        {"without_desired_ns_parent_and_child_sets_are_compared",
         [](Observation& o, ZoneSpec& s) {
           s.nameservers.clear();
           for (auto& sv : o.servers) sv.ns = {"ns1.z.test.", "ns3.z.test."};
         },
         {"NameserversChanged/Warning"}},
        {"critical_findings_come_first",
         [](Observation& o, ZoneSpec&) {
           o.servers[1].serial = 1;
           for (auto& p : o.parents) p.glue.clear();
         },
         {"GlueMissing/Critical", "SerialDrift/Warning"}},
    }),
    [](const auto& info) { return info.param.name; });

TEST(VerdictHistoryTest, ParentSideFindingTurnsCriticalAfterConsecutiveConfirmations) {
  Observation o = Healthy();
  o.parents = {NoDelegation(o.parents[0]), NoDelegation(o.parents[1])};
  const Policy policy{3};
  History h;
  std::vector<Severity> seen;
  for (int i = 0; i < 3; ++i) {
    Verdict v = EvaluateDelegation(o, Spec(), h, policy);
    ASSERT_TRUE(v.Has("DelegationMissing"));
    seen.push_back(v.Find("DelegationMissing")->severity);
    h = v.history;
  }
  EXPECT_THAT(seen, ElementsAreArray({Severity::kWarning, Severity::kWarning, Severity::kCritical}));
  // A healthy probe in between resets the streak.
  Verdict ok = EvaluateDelegation(Healthy(), Spec(), h, policy);
  EXPECT_EQ(ok.ConditionReason(), "DelegationHealthy");
  Verdict again = EvaluateDelegation(o, Spec(), ok.history, policy);
  EXPECT_EQ(again.Find("DelegationMissing")->severity, Severity::kWarning);
}

TEST(VerdictHistoryTest, OneStaleServerNeverEscalates) {
  Observation o = Healthy();
  o.parents[0] = NoDelegation(o.parents[0]);
  History h;
  for (int i = 0; i < 10; ++i) {
    Verdict v = EvaluateDelegation(o, Spec(), h, Policy{2});
    ASSERT_EQ(v.Worst(), Severity::kWarning);
    h = v.history;
  }
}

TEST(VerdictTest, DependsOnListsEveryHostingZone) {
  Observation o = Healthy();
  o.dependencies = {{"pdns-b.net.", false, false, ""}, {"host.test.", false, false, ""}};
  Verdict v = EvaluateDelegation(o, Spec(), {}, {});
  EXPECT_THAT(v.depends_on, ElementsAreArray({"host.test.", "pdns-b.net."}));
  EXPECT_FALSE(v.Has("DependencyBroken"));
}

TEST(RegisteredDomainTest, IcannSectionOnly) {
  EXPECT_EQ(RegisteredDomain("ns1.dns.example.co.uk."), "example.co.uk.");
  EXPECT_EQ(RegisteredDomain("ns1.pdns-a.net"), "pdns-a.net.");
  EXPECT_EQ(RegisteredDomain("ns1.host.test."), "host.test.");
  // github.io is a private suffix: it does not make foo.github.io a registered domain.
  EXPECT_EQ(RegisteredDomain("ns1.foo.github.io."), "github.io.");
  EXPECT_EQ(RegisteredDomain("co.uk."), "");
  EXPECT_EQ(RegisteredDomain("test."), "");
}

}  // namespace
}  // namespace domainguard::delegation

namespace domainguard::delegation {
namespace {

// At equal severity the condition names the cause: a parked zone's name servers are lame because of the parking.
TEST(FindingBefore, CauseBeforeConsequenceAtEqualSeverity) {
  std::vector<Finding> f = {{"LameNameserver", Severity::kWarning, ""},
                            {"SinglePointOfFailure", Severity::kWarning, ""},
                            {"NameserversChanged", Severity::kWarning, ""},
                            {"SerialDrift", Severity::kCritical, ""}};
  std::stable_sort(f.begin(), f.end(), FindingBefore);
  std::vector<std::string> order;
  for (const Finding& x : f) order.push_back(x.reason);
  EXPECT_EQ(order, (std::vector<std::string>{"SerialDrift", "NameserversChanged", "LameNameserver",
                                             "SinglePointOfFailure"}));
}

// How a hosting zone's own verdict becomes the DependencyView of the zones it hosts (issue #15 item 6).
TEST(JudgeDependency, FollowsEveryFailedStateAtItsSeverity) {
  struct Row {
    std::vector<Finding> findings;
    bool broken, critical;
    std::string detail_prefix;
  };
  const std::vector<Row> rows = {
      {{}, false, false, ""},
      {{{"SinglePointOfFailure", Severity::kWarning, "one ns"}}, false, false, ""},
      {{{"SerialDrift", Severity::kWarning, "serials"}}, false, false, ""},
      {{{"ParentUnreachable", Severity::kWarning, "none of 2 parent servers of test. answered"}}, true, false,
       "ParentUnreachable: none of 2"},
      {{{"DelegationMissing", Severity::kCritical, "NXDOMAIN"}, {"LameNameserver", Severity::kCritical, "x"}}, true,
       true, "DelegationMissing: NXDOMAIN"},
      {{{"LameNameserver", Severity::kWarning, "1 name server"}}, true, false, "LameNameserver: 1 name server"},
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    Verdict v;
    v.findings = rows[i].findings;
    DependencyView d = JudgeDependency("host.test.", v);
    EXPECT_EQ(d.zone, "host.test.");
    EXPECT_EQ(d.broken, rows[i].broken) << i;
    EXPECT_EQ(d.critical, rows[i].critical) << i;
    EXPECT_TRUE(d.detail.starts_with(rows[i].detail_prefix)) << i << " " << d.detail;
  }
}

TEST(SerialDriftAgainstProviders, ConfirmedOnTheSecondProbeAndForgottenWhenCaughtUp) {
  Observation o = Healthy();
  ZoneSpec s = Spec();
  o.servers[0].serial = 2026120605;
  o.servers[1].serial = 11;
  s.providers = {{"pdns-a", 2026120605u, {}, {}}, {"bind", 12u, {}, {}}};
  Verdict first = EvaluateDelegation(o, s, History{}, Policy{2});
  EXPECT_FALSE(first.Has("SerialDrift"));
  Verdict second = EvaluateDelegation(o, s, first.history, Policy{2});
  ASSERT_TRUE(second.Has("SerialDrift"));
  EXPECT_THAT(second.Find("SerialDrift")->message,
              ::testing::HasSubstr("ns2.z.test. (127.53.1.2) serves serial 11, which no provider of the zone has"));
  o.servers[1].serial = 12;  // caught up
  Verdict third = EvaluateDelegation(o, s, second.history, Policy{2});
  EXPECT_FALSE(third.Has("SerialDrift"));
  EXPECT_EQ(third.history.streak.count("SerialDrift"), 0u);
}

}  // namespace
}  // namespace domainguard::delegation
