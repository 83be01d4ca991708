#include "controller/registration/registration_controller.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/api/conditions.h"
#include "controller/base/time_format.h"
#include "controller/domain/testing/controller_test.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/registration/reasons.h"

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SystemTime Now0() { return *ParseRfc3339("2026-11-23T12:00:00Z"); }

// --- DomainSpecFromObject ---------------------------------------------------------------------------------------

struct SpecCase {
  std::string name;
  json spec;
  std::string error;  // substring of the error message; "" = must succeed
  std::function<void(const DomainSpec&)> check;
};

void PrintTo(const SpecCase& c, std::ostream* os) { *os << c.name; }

class DomainSpecTest : public ::testing::TestWithParam<SpecCase> {};

TEST_P(DomainSpecTest, Reads) {
  const SpecCase& c = GetParam();
  json domain = {{"metadata", {{"name", "d"}, {"namespace", "web"}}}};
  if (!c.spec.is_null()) domain["spec"] = c.spec;
  Result<DomainSpec> got = DomainSpecFromObject(domain);
  if (!c.error.empty()) {
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(got.error().message, HasSubstr(c.error));
    return;
  }
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  if (c.check) c.check(*got);
}

INSTANTIATE_TEST_SUITE_P(
    Spec, DomainSpecTest,
    ::testing::ValuesIn(std::vector<SpecCase>{
        {"defaults", {{"zone", "Example.COM."}}, "",
         [](const DomainSpec& s) {
           EXPECT_EQ(s.zone, "example.com");
           EXPECT_EQ(s.interval, 12h);
           EXPECT_EQ(s.policy.warn_before, 720h);
           EXPECT_EQ(s.policy.critical_before, 168h);
           EXPECT_FALSE(s.policy.expect_transfer_lock);
           EXPECT_THAT(s.desired_nameservers, IsEmpty());
         }},
        {"full",
         {{"zone", "example.com"},
          {"nameservers", {{{"name", "ns1.example.com"}, {"addresses", {"192.0.2.10"}}}, {{"name", "ns1.pdns-a.example."}}}},
          {"checks",
           {{"delegation", {{"interval", "1m"}}},
            {"registration",
             {{"interval", "6h30m"}, {"warnBefore", "1000h"}, {"criticalBefore", "100h"}, {"expectTransferLock", true}}}}}},
         "",
         [](const DomainSpec& s) {
           EXPECT_EQ(s.interval, 6h + 30min);
           EXPECT_EQ(s.policy.warn_before, 1000h);
           EXPECT_EQ(s.policy.critical_before, 100h);
           EXPECT_TRUE(s.policy.expect_transfer_lock);
           EXPECT_THAT(s.desired_nameservers, ElementsAre("ns1.example.com", "ns1.pdns-a.example."));
         }},
        {"lone_critical_before_is_taken", {{"zone", "a.test"}, {"checks", {{"registration", {{"criticalBefore", "10h"}}}}}},
         "", [](const DomainSpec& s) { EXPECT_EQ(s.policy.critical_before, 10h); }},
        {"null_checks_are_absent", {{"zone", "a.test"}, {"checks", nullptr}}, "", nullptr},
        {"no_spec", nullptr, "spec: required", nullptr},
        {"no_zone", {{"providers", json::array()}}, "spec.zone: required", nullptr},
        {"zone_not_a_string", {{"zone", 7}}, "spec.zone: required", nullptr},
        {"checks_not_an_object", {{"zone", "a.test"}, {"checks", "x"}}, "spec.checks: must be an object", nullptr},
        {"registration_not_an_object", {{"zone", "a.test"}, {"checks", {{"registration", json::array()}}}},
         "spec.checks.registration: must be an object", nullptr},
        {"interval_not_a_duration", {{"zone", "a.test"}, {"checks", {{"registration", {{"interval", "12 hours"}}}}}},
         "spec.checks.registration.interval: ", nullptr},
        {"interval_days_are_not_go", {{"zone", "a.test"}, {"checks", {{"registration", {{"interval", "1d"}}}}}},
         "spec.checks.registration.interval: ", nullptr},
        {"interval_not_a_string", {{"zone", "a.test"}, {"checks", {{"registration", {{"interval", 3600}}}}}},
         "spec.checks.registration.interval: must be a duration string", nullptr},
        {"interval_below_a_minute", {{"zone", "a.test"}, {"checks", {{"registration", {{"interval", "30s"}}}}}},
         "spec.checks.registration.interval: must be at least 1m", nullptr},
        {"warn_before_bad", {{"zone", "a.test"}, {"checks", {{"registration", {{"warnBefore", "30d"}}}}}},
         "spec.checks.registration.warnBefore: ", nullptr},
        {"critical_before_bad", {{"zone", "a.test"}, {"checks", {{"registration", {{"criticalBefore", "-1h"}}}}}},
         "spec.checks.registration.criticalBefore: ", nullptr},
        {"critical_not_shorter_than_warn",
         {{"zone", "a.test"}, {"checks", {{"registration", {{"warnBefore", "168h"}, {"criticalBefore", "720h"}}}}}},
         "spec.checks.registration.criticalBefore: must be shorter than warnBefore", nullptr},
        {"critical_equal_to_warn",
         {{"zone", "a.test"}, {"checks", {{"registration", {{"warnBefore", "1h"}, {"criticalBefore", "60m"}}}}}},
         "spec.checks.registration.criticalBefore: must be shorter", nullptr},
        {"transfer_lock_not_bool", {{"zone", "a.test"}, {"checks", {{"registration", {{"expectTransferLock", "yes"}}}}}},
         "spec.checks.registration.expectTransferLock: must be true or false", nullptr},
        {"nameservers_not_a_list", {{"zone", "a.test"}, {"nameservers", "ns1"}}, "spec.nameservers: must be a list",
         nullptr},
        {"nameserver_without_name", {{"zone", "a.test"}, {"nameservers", {{{"name", "ns1.a.test"}}, {{"addresses", {"192.0.2.1"}}}}}},
         "spec.nameservers[1].name: required", nullptr},
    }),
    [](const auto& info) { return info.param.name; });

// --- RegistrationCondition --------------------------------------------------------------------------------------

Finding F(std::string_view reason, Severity s, std::string message = "m") {
  return Finding{std::string(reason), s, std::move(message)};
}

Verdict V(std::vector<Finding> findings, bool with_record = true) {
  Verdict v;
  v.findings = std::move(findings);
  v.healthy = v.findings.empty();
  v.worst = Severity::kInfo;
  for (const Finding& f : v.findings) {
    if (f.severity == Severity::kCritical || (f.severity == Severity::kUnknown && v.worst != Severity::kCritical) ||
        (f.severity == Severity::kWarning && v.worst == Severity::kInfo)) {
      v.worst = f.severity;
    }
  }
  v.reason = v.findings.empty() ? std::string(kRegistered) : v.findings.front().reason;
  if (with_record) {
    RegistrationRecord r;
    r.domain = "example.test";
    r.registrar = "Example Registrar, LLC";
    r.expires_at = Now0() + 200 * 24h;
    r.statuses = {"clientTransferProhibited"};
    r.checked_at = Now0();
    v.record = r;
  }
  return v;
}

struct ConditionCase {
  std::string name;
  Verdict verdict;
  std::string status, reason, message;  // message: substring
};

void PrintTo(const ConditionCase& c, std::ostream* os) { *os << c.name; }

class ConditionTest : public ::testing::TestWithParam<ConditionCase> {};

TEST_P(ConditionTest, FromVerdict) {
  const ConditionCase& c = GetParam();
  kube::Condition got = RegistrationCondition(c.verdict, 7);
  EXPECT_EQ(got.type, api::kRegistrationHealthy);
  EXPECT_EQ(got.status, c.status);
  EXPECT_EQ(got.reason, c.reason);
  EXPECT_THAT(got.message, HasSubstr(c.message));
  EXPECT_EQ(got.observed_generation, 7);
}

INSTANTIATE_TEST_SUITE_P(
    Condition, ConditionTest,
    ::testing::ValuesIn(std::vector<ConditionCase>{
        {"healthy_is_true", V({}), "True", "Registered", "example.test is registered at Example Registrar, LLC until 2027-06-11T12:00:00Z"},
        {"warning_is_false", V({F(kExpiringSoon, Severity::kWarning, "expires in 20 days")}), "False", "ExpiringSoon",
         "expires in 20 days"},
        {"critical_is_false", V({F(kExpired, Severity::kCritical, "expired"), F(kTransferLockMissing, Severity::kWarning, "no lock")}),
         "False", "Expired", "expired; no lock"},
        {"unknown_is_unknown", V({F(kRegistrationUnknown, Severity::kUnknown, "no source answered")}, false), "Unknown",
         "RegistrationUnknown", "no source answered"},
        {"unknown_beside_warning_is_unknown",
         V({F(kRegistrationUnknown, Severity::kUnknown, "no expiry"), F(kTransferLockMissing, Severity::kWarning, "no lock")}),
         "Unknown", "RegistrationUnknown", "no expiry; no lock"},
        {"not_registered_is_false", V({F(kNotRegistered, Severity::kCritical, "no such domain")}, false), "False",
         "NotRegistered", "no such domain"},
        {"repeated_reason_is_said_once_per_message",
         V({F(kRegistrationUnknown, Severity::kUnknown, "no expiry"), F(kRegistrationUnknown, Severity::kUnknown, "stale")}),
         "Unknown", "RegistrationUnknown", "no expiry; stale"},
    }),
    [](const auto& info) { return info.param.name; });

// --- Status part ------------------------------------------------------------------------------------------------

TEST(RegistrationStatusPart, OwnsRegistrationFieldsConditionAndFindings) {
  Verdict v = V({F(kRegistrationUnknown, Severity::kUnknown, "no expiry"), F(kTransferLockMissing, Severity::kWarning, "no lock"),
                 F(kRegistrationUnknown, Severity::kUnknown, "stale")});
  domain::StatusPart part = RegistrationStatusPart(v, 4);
  EXPECT_EQ(part.field_manager, "domainguard-registration");
  ASSERT_TRUE(part.fields.contains("registration"));
  EXPECT_FALSE(part.fields["registration"].contains("findings"));
  EXPECT_EQ(part.fields["registration"]["expiresAt"], "2027-06-11T12:00:00Z");
  EXPECT_EQ(part.fields.size(), 1u);
  ASSERT_EQ(part.conditions.size(), 1u);
  EXPECT_EQ(part.conditions[0].observed_generation, 4);
  EXPECT_TRUE(part.owns_findings);
  ASSERT_EQ(part.findings.size(), 2u);  // one per reason: status.findings is keyed by reason
  EXPECT_EQ(part.findings[0].reason, "RegistrationUnknown");
  EXPECT_EQ(part.findings[0].severity, "Unknown");
  EXPECT_EQ(part.findings[0].message, "no expiry; stale");
  EXPECT_EQ(part.findings[1].reason, "TransferLockMissing");
  EXPECT_EQ(part.findings[1].severity, "Warning");
  ASSERT_TRUE(part.owns_reason);
  EXPECT_TRUE(part.owns_reason("ExpiringSoon"));
  EXPECT_TRUE(part.owns_reason("Registered"));
  EXPECT_FALSE(part.owns_reason("GlueMissing"));
  EXPECT_FALSE(part.owns_reason("Synced"));
}

TEST(RegistrationStatusPart, NoRecordWritesNoRegistration) {
  domain::StatusPart part = RegistrationStatusPart(V({F(kRegistrationUnknown, Severity::kUnknown, "x")}, false), 1);
  EXPECT_FALSE(part.fields.contains("registration"));  // never a made-up date
  EXPECT_EQ(part.conditions.at(0).status, "Unknown");
}

TEST(IsRegistrationReason, ExactlyTheReasonsOfReasonsH) {
  for (std::string_view r : {kRegistered, kExpiringSoon, kExpiryCritical, kExpired, kRegistryHold, kPendingDelete,
                             kRedemptionPeriod, kTransferLockMissing, kRegistryNameserversDiffer, kRegistrarChanged,
                             kRegistrationUnknown}) {
    EXPECT_TRUE(IsRegistrationReason(r)) << r;
  }
  for (std::string_view r : {"", "registered", "DelegationMissing", "NameserversChanged", "Ready", "Healthy"}) {
    EXPECT_FALSE(IsRegistrationReason(r)) << r;
  }
}

TEST(MergeFindingsByReason, KeepsTheWorstSeverityFirst) {
  auto got = MergeFindingsByReason({F(kTransferLockMissing, Severity::kWarning, "a"),
                                    F(kRegistrationUnknown, Severity::kUnknown, "b"),
                                    F(kRegistrationUnknown, Severity::kCritical, "c")});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], F(kRegistrationUnknown, Severity::kCritical, "b; c"));
  EXPECT_EQ(got[1], F(kTransferLockMissing, Severity::kWarning, "a"));
}

TEST(RegistrationFindingsOfStatus, FiltersToRegistrationReasons) {
  json status = {{"findings",
                  {{{"reason", "GlueMissing"}, {"severity", "Critical"}},
                   {{"reason", "ExpiringSoon"}, {"severity", "Warning"}, {"message", "x"}},
                   {{"reason", "RegistrationUnknown"}, {"severity", "Bogus"}},
                   {{"severity", "Critical"}},
                   "not an object"}}};
  FindingSet want = {{"ExpiringSoon", Severity::kWarning}, {"RegistrationUnknown", Severity::kUnknown}};
  EXPECT_EQ(RegistrationFindingsOfStatus(status), want);
  EXPECT_THAT(RegistrationFindingsOfStatus(json::object()), IsEmpty());
  EXPECT_THAT(RegistrationFindingsOfStatus(json{{"findings", "x"}}), IsEmpty());
}

// --- Event diff -------------------------------------------------------------------------------------------------

struct EventCase {
  std::string name;
  FindingSet previous;
  std::vector<Finding> current;
  std::vector<PlannedEvent> want;
};

void PrintTo(const EventCase& c, std::ostream* os) { *os << c.name; }

class EventDiffTest : public ::testing::TestWithParam<EventCase> {};

TEST_P(EventDiffTest, Plans) {
  const EventCase& c = GetParam();
  EXPECT_EQ(PlanRegistrationEvents(c.previous, c.current, "all good"), c.want);
}

PlannedEvent Warn(std::string_view reason, std::string note) {
  return {"Warning", std::string(reason), std::move(note)};
}

INSTANTIATE_TEST_SUITE_P(
    Events, EventDiffTest,
    ::testing::ValuesIn(std::vector<EventCase>{
        {"first_healthy_says_nothing", {}, {}, {}},
        {"new_warning", {}, {F(kExpiringSoon, Severity::kWarning, "in 20 days")}, {Warn(kExpiringSoon, "in 20 days")}},
        {"same_set_is_quiet_even_if_message_moved", {{"ExpiringSoon", Severity::kWarning}},
         {F(kExpiringSoon, Severity::kWarning, "in 19 days")}, {}},
        {"worsened_unknown_to_critical", {{"RegistrationUnknown", Severity::kUnknown}},
         {F(kRegistrationUnknown, Severity::kCritical, "lookups failing")}, {Warn(kRegistrationUnknown, "lookups failing")}},
        {"became_not_registered", {{"RegistrationUnknown", Severity::kUnknown}},
         {F(kNotRegistered, Severity::kCritical, "no such domain")}, {Warn(kNotRegistered, "no such domain")}},
        {"milder_is_quiet", {{"RegistrationUnknown", Severity::kCritical}},
         {F(kRegistrationUnknown, Severity::kUnknown, "no answer")}, {}},
        {"reason_moved_on", {{"ExpiringSoon", Severity::kWarning}}, {F(kExpiryCritical, Severity::kCritical, "in 5 days")},
         {Warn(kExpiryCritical, "in 5 days")}},
        {"one_new_beside_one_known",
         {{"TransferLockMissing", Severity::kWarning}},
         {F(kRegistryHold, Severity::kCritical, "serverHold"), F(kTransferLockMissing, Severity::kWarning, "no lock")},
         {Warn(kRegistryHold, "serverHold")}},
        {"two_new", {}, {F(kExpired, Severity::kCritical, "expired"), F(kTransferLockMissing, Severity::kWarning, "no lock")},
         {Warn(kExpired, "expired"), Warn(kTransferLockMissing, "no lock")}},
        {"one_of_two_went_away", {{"Expired", Severity::kCritical}, {"TransferLockMissing", Severity::kWarning}},
         {F(kExpired, Severity::kCritical, "expired")}, {}},
        {"healthy_again", {{"ExpiringSoon", Severity::kWarning}}, {}, {{"Normal", "Registered", "all good"}}},
        {"info_is_no_warning", {}, {F(kRegistrarChanged, Severity::kInfo, "fyi")}, {}},
        {"repeated_reason_is_one_event", {},
         {F(kRegistrationUnknown, Severity::kUnknown, "no expiry"), F(kRegistrationUnknown, Severity::kUnknown, "stale")},
         {Warn(kRegistrationUnknown, "no expiry; stale")}},
    }),
    [](const auto& info) { return info.param.name; });

// --- ParseWhoisServers ------------------------------------------------------------------------------------------

TEST(ParseWhoisServers, ReadsPairs) {
  auto got = ParseWhoisServers("sm=127.0.0.1:18043,,.DE=whois.denic.de");
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  std::map<std::string, std::string> want = {{"sm", "127.0.0.1:18043"}, {"de", "whois.denic.de"}};
  EXPECT_EQ(*got, want);
  EXPECT_TRUE(ParseWhoisServers("").ok());
  for (const char* bad : {"sm", "=x", "sm=", ".=x"}) {
    auto r = ParseWhoisServers(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

// --- The controller over fakes ------------------------------------------------------------------------------------

std::string WriteBootstrap() {
  std::string path = ::testing::TempDir() + "/registration_controller_test_bootstrap.json";
  std::ofstream(path) << R"({"services":[[["test"],["http://rdap.test/"]]]})";
  return path;
}

// An RDAP answer for `domain` expiring at `expiry`, with the transfer lock.
http::HttpResponse Rdap(const std::string& domain, std::optional<SystemTime> expiry,
                        std::vector<std::string> statuses = {"client transfer prohibited"}) {
  json events = json::array({{{"eventAction", "registration"}, {"eventDate", "2002-03-19T18:23:05Z"}}});
  if (expiry) events.push_back({{"eventAction", "expiration"}, {"eventDate", FormatRfc3339(*expiry)}});
  json body = {{"objectClassName", "domain"},
               {"ldhName", domain},
               {"status", statuses},
               {"entities",
                {{{"objectClassName", "entity"},
                  {"roles", {"registrar"}},
                  {"publicIds", {{{"type", "IANA Registrar ID"}, {"identifier", "1111"}}}},
                  {"vcardArray", {"vcard", {{"version", json::object(), "text", "4.0"}, {"fn", json::object(), "text", "Example Registrar, LLC"}}}}}}},
               {"events", events},
               {"nameservers", {{{"objectClassName", "nameserver"}, {"ldhName", "ns1.pdns-a.net"}}}}};
  http::HttpResponse r;
  r.status = 200;
  r.body = body.dump();
  return r;
}

json Domain(json registration_checks = json::object()) {
  json d = {{"apiVersion", "domainguard.io/v1alpha1"},
            {"kind", "Domain"},
            {"metadata", {{"name", "example-test"}, {"namespace", "web"}, {"uid", "u-1"}, {"generation", 3},
                          {"resourceVersion", "10"}}},
            {"spec", {{"zone", "Example.test"}, {"providers", {{{"name", "pdns-a"}}}}}}};
  if (!registration_checks.empty()) d["spec"]["checks"]["registration"] = registration_checks;
  return d;
}

class ControllerTest : public domain::testing::ControllerTest {
 protected:
  ControllerTest() : domain::testing::ControllerTest(Now0()) {
    RegistrationStackOptions o;
    o.rdap_bootstrap_path = WriteBootstrap();
    o.whois = false;
    o.rdap_qps = 100;
    o.rdap_burst = 100;
    o.rdap.max_rate_wait = 0ms;
    o.random01 = [] { return 0.5; };
    auto stack = RegistrationStack::Build(rdap_transport_, clock_, o);
    EXPECT_TRUE(stack.ok()) << stack.error().ToString();
    stack_ = std::move(stack).value();
    NewController();
  }

  void NewController() {
    controller_ = std::make_unique<RegistrationController>(context(), stack_->monitor());
  }
  size_t RdapRequests() const { return rdap_transport_.requests().size(); }
  // The store object as the apiserver would hold it after the last apply (status merged field by field).
  void ApplyLastStatusToStore() { MergeLastApply(domains_, "web/example-test"); }
  std::string Metrics() const { return registry_.Expose(); }

  http::FakeTransport rdap_transport_;
  std::unique_ptr<RegistrationStack> stack_;
  std::unique_ptr<RegistrationController> controller_;
};

TEST_F(ControllerTest, HealthyDomainIsWrittenOnceAndNotLookedUpAgainUntilDue) {
  domains_.Upsert(Domain({{"expectTransferLock", true}}));
  rdap_transport_.Expect("GET", "/domain/example.test", Rdap("example.test", Now0() + 200 * 24h));

  const uint64_t spec_reads = spec_reads_.reads();
  kube::ReconcileResult r = controller_->Reconcile("web/example-test");
  ASSERT_TRUE(r.status.ok()) << r.status.error().ToString();
  EXPECT_EQ(spec_reads_.reads() - spec_reads, 1u) << "a pass reads the Domain's spec once (issue #14 item 1)";
  ASSERT_TRUE(r.requeue_after);
  EXPECT_EQ(*r.requeue_after, 12h);
  EXPECT_EQ(RdapRequests(), 1u);
  ASSERT_EQ(api_.applies().size(), 1u);
  EXPECT_THAT(api_.urls()[0], HasSubstr("/namespaces/web/domains/example-test/status?fieldManager=domainguard-registration"));
  const json status = api_.applies()[0]["status"];
  EXPECT_EQ(status["registration"]["expiresAt"], FormatRfc3339(Now0() + 200 * 24h));
  EXPECT_EQ(status["registration"]["registrar"], "Example Registrar, LLC");
  EXPECT_FALSE(status["registration"].contains("findings"));
  EXPECT_EQ(status["findings"], json::array());
  // Ready goes in the same apply (issue #14: one apply per pass); the other checks have not reported yet.
  ASSERT_EQ(status["conditions"].size(), 2u);
  EXPECT_EQ(status["conditions"][1]["type"], "Ready");
  EXPECT_EQ(status["conditions"][1]["status"], "Unknown");
  EXPECT_EQ(status["conditions"][1]["reason"], "ChecksPending");
  EXPECT_EQ(status["observedGeneration"], 3);
  EXPECT_EQ(status["conditions"][0]["type"], "RegistrationHealthy");
  EXPECT_EQ(status["conditions"][0]["status"], "True");
  EXPECT_EQ(status["conditions"][0]["reason"], "Registered");
  EXPECT_EQ(status["conditions"][0]["observedGeneration"], 3);
  EXPECT_THAT(SentEvents(), IsEmpty());  // healthy from the start: nothing to tell
  EXPECT_THAT(Metrics(), HasSubstr("domainguard_domain_expiry_timestamp_seconds{namespace=\"web\",domain=\"example-test\","
                                   "zone=\"example.test.\"}"));

  // Another controller wrote status: a reconcile, but no lookup is due and nothing we own changed.
  ApplyLastStatusToStore();
  clock_.Advance(1h);
  r = controller_->Reconcile("web/example-test");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(*r.requeue_after, 11h);
  EXPECT_EQ(RdapRequests(), 1u);
  EXPECT_EQ(api_.applies().size(), 1u);
}

TEST_F(ControllerTest, WorseningEmitsOneWarningAndRecoveryOneRegistered) {
  domains_.Upsert(Domain());
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 200 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  ApplyLastStatusToStore();

  clock_.Advance(13h);
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 10 * 24h));  // now within warnBefore
  kube::ReconcileResult r = controller_->Reconcile("web/example-test");
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(api_.applies().size(), 2u);
  json status = api_.applies()[1]["status"];
  EXPECT_EQ(status["conditions"][0]["status"], "False");
  EXPECT_EQ(status["conditions"][0]["reason"], "ExpiringSoon");
  ASSERT_EQ(status["findings"].size(), 1u);
  EXPECT_EQ(status["findings"][0]["reason"], "ExpiringSoon");
  EXPECT_EQ(status["findings"][0]["severity"], "Warning");
  std::vector<json> events = SentEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "Warning");
  EXPECT_EQ(events[0]["reason"], "ExpiringSoon");
  EXPECT_THAT(events[0]["note"].get<std::string>(), HasSubstr("example.test expires at"));
  EXPECT_EQ(events[0]["regarding"]["name"], "example-test");
  ApplyLastStatusToStore();

  // The same finding again (a day less): no new Event.
  clock_.Advance(24h);
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 10 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  EXPECT_EQ(SentEvents().size(), 1u);
  ApplyLastStatusToStore();

  // Renewed.
  clock_.Advance(24h);
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 400 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  events = SentEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["type"], "Normal");
  EXPECT_EQ(events[1]["reason"], "Registered");
  EXPECT_EQ(api_.applies().back()["status"]["findings"], json::array());
}

TEST_F(ControllerTest, AfterARestartTheStatusFindingsAreTheBaseline) {
  json d = Domain();
  d["status"] = {{"findings", {{{"reason", "ExpiringSoon"}, {"severity", "Warning"}, {"message", "old"}, {"since", "2026-11-01T00:00:00Z"}},
                               {{"reason", "GlueMissing"}, {"severity", "Critical"}, {"message", "delegation's"}}}}};
  domains_.Upsert(d);
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 10 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  EXPECT_THAT(SentEvents(), IsEmpty());  // already reported before the restart
  // Only our findings are written; GlueMissing is the delegation controller's.
  json findings = api_.applies().back()["status"]["findings"];
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0]["reason"], "ExpiringSoon");
  EXPECT_EQ(findings[0]["since"], "2026-11-01T00:00:00Z");
}

TEST_F(ControllerTest, StatusRecordSeedsTheMonitorWhenTheRegistryIsDown) {
  json d = Domain();
  d["status"]["registration"] = {{"source", "rdap"}, {"registrar", "Example Registrar, LLC"},
                                 {"expiresAt", FormatRfc3339(Now0() + 300 * 24h)}, {"statuses", {"clientTransferProhibited"}},
                                 {"nameservers", {"ns1.pdns-a.net."}}, {"lastCheckTime", "2026-11-23T10:00:00Z"}};
  domains_.Upsert(d);
  http::HttpResponse down;
  down.status = 503;
  down.body = "{}";
  rdap_transport_.Expect("GET", "/domain/", down);
  kube::ReconcileResult r = controller_->Reconcile("web/example-test");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(RdapRequests(), 1u);
  ASSERT_TRUE(r.requeue_after);
  EXPECT_LT(*r.requeue_after, 12h);  // backing off, sooner than the interval
  // The known record is kept (the old heartbeat field dropped, the facts stamped once); condition healthy on it.
  ASSERT_FALSE(api_.applies().empty());
  json status = api_.applies().back()["status"];
  EXPECT_FALSE(status["registration"].contains("lastCheckTime"));
  EXPECT_TRUE(status["registration"]["lastChangeTime"].is_string());
  EXPECT_EQ(status["registration"]["expiresAt"], FormatRfc3339(Now0() + 300 * 24h));
}

TEST_F(ControllerTest, UnknownExpiryRemovesTheMetricAndSaysUnknown) {
  domains_.Upsert(Domain());
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 200 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  EXPECT_THAT(Metrics(), HasSubstr("domainguard_domain_expiry_timestamp_seconds"));
  ApplyLastStatusToStore();
  clock_.Advance(13h);
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", std::nullopt));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  EXPECT_THAT(Metrics(), ::testing::Not(HasSubstr("domainguard_domain_expiry_timestamp_seconds")));
  json status = api_.applies().back()["status"];
  EXPECT_EQ(status["conditions"][0]["status"], "Unknown");
  EXPECT_EQ(status["conditions"][0]["reason"], "RegistrationUnknown");
  EXPECT_FALSE(status["registration"].contains("expiresAt"));
  std::vector<json> events = SentEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["reason"], "RegistrationUnknown");
}

TEST_F(ControllerTest, InvalidSpecIsReportedWithoutALookup) {
  domains_.Upsert(Domain({{"interval", "30s"}}));
  kube::ReconcileResult r = controller_->Reconcile("web/example-test");
  ASSERT_TRUE(r.status.ok());
  EXPECT_FALSE(r.requeue_after);  // the spec edit brings the next reconcile
  EXPECT_EQ(RdapRequests(), 0u);
  ASSERT_EQ(api_.applies().size(), 1u);
  json c = api_.applies()[0]["status"]["conditions"][0];
  EXPECT_EQ(c["status"], "False");
  EXPECT_EQ(c["reason"], "RegistrationUnknown");
  EXPECT_THAT(c["message"].get<std::string>(), HasSubstr("spec.checks.registration.interval"));
  std::vector<json> events = SentEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["type"], "Warning");
  EXPECT_THAT(events[0]["note"].get<std::string>(), HasSubstr("spec.checks.registration.interval"));

  // Reconciled again with the same bad spec: no second Event.
  ApplyLastStatusToStore();
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  EXPECT_EQ(SentEvents().size(), 1u);
  EXPECT_EQ(api_.applies().size(), 1u);

  // Fixed: looked up, healthy, and "Registered" says so.
  json fixed = *domains_.Get("web/example-test");
  fixed["spec"]["checks"]["registration"]["interval"] = "1h";
  fixed["metadata"]["generation"] = 4;
  domains_.Upsert(fixed);
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 200 * 24h));
  r = controller_->Reconcile("web/example-test");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(*r.requeue_after, 1h);
  EXPECT_EQ(api_.applies().back()["status"]["conditions"][0]["status"], "True");
  EXPECT_EQ(api_.applies().back()["status"]["conditions"][0]["observedGeneration"], 4);
  events = SentEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["reason"], "Registered");
}

TEST_F(ControllerTest, StatusWriteErrorIsTheResult) {
  domains_.Upsert(Domain());
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 200 * 24h));
  api_.set_fail_applies(true);
  kube::ReconcileResult r = controller_->Reconcile("web/example-test");
  ASSERT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.error().code, ErrorCode::kUnavailable);
  // The retry writes what it knows without a second lookup.
  api_.set_fail_applies(false);
  r = controller_->Reconcile("web/example-test");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(RdapRequests(), 1u);
  EXPECT_EQ(api_.applies().size(), 2u);
}

TEST_F(ControllerTest, DeletedDomainIsForgotten) {
  domains_.Upsert(Domain());
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 200 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  domains_.Remove(Domain());
  kube::ReconcileResult r = controller_->Reconcile("web/example-test");
  EXPECT_TRUE(r.status.ok());
  EXPECT_FALSE(r.requeue_after);
  EXPECT_EQ(api_.applies().size(), 1u);

  // Created again: the monitor's state was dropped, so it looks up at once instead of in 12h.
  domains_.Upsert(Domain());
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 200 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  EXPECT_EQ(RdapRequests(), 2u);
}

TEST_F(ControllerTest, ForgetKeepsStateASiblingDomainStillUses) {
  json sub = Domain();
  sub["metadata"]["name"] = "shop";
  sub["spec"]["zone"] = "shop.example.test";
  domains_.Upsert(Domain());
  domains_.Upsert(sub);
  rdap_transport_.Expect("GET", "/domain/", Rdap("example.test", Now0() + 200 * 24h));
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  ASSERT_TRUE(controller_->Reconcile("web/shop").status.ok());
  EXPECT_EQ(RdapRequests(), 1u);  // one registrable domain, one lookup
  domains_.Remove(sub);
  ASSERT_TRUE(controller_->Reconcile("web/shop").status.ok());
  ASSERT_TRUE(controller_->Reconcile("web/example-test").status.ok());
  EXPECT_EQ(RdapRequests(), 1u);  // example-test still relies on that state
}

// --- RegistrationStack ------------------------------------------------------------------------------------------

class ScriptedWhois final : public WhoisConnector {
 public:
  Result<std::string> Query(const std::string& address, const std::string& query, std::chrono::milliseconds) override {
    asked.push_back(address + " " + query);
    return std::string("Domain Name: EXAMPLE.SM\nRegistrar: Example Registrar\nRegistry Expiry Date: 2027-01-01T00:00:00Z\n"
                       "Domain Status: clientTransferProhibited\nName Server: NS1.PDNS-A.NET\n");
  }
  std::vector<std::string> asked;
};

TEST(RegistrationStack, BuildsRdapAndWhoisFromOptions) {
  FakeClock clock(Now0());
  http::FakeTransport transport;
  ScriptedWhois whois;
  RegistrationStackOptions o;
  o.rdap_bootstrap_path = WriteBootstrap();
  o.whois_servers = {{"sm", "127.0.0.1:18043"}};
  o.whois_connector = &whois;
  o.random01 = [] { return 0.5; };
  auto stack = RegistrationStack::Build(transport, clock, o);
  ASSERT_TRUE(stack.ok()) << stack.error().ToString();
  EXPECT_EQ((*stack)->bootstrap().size(), 1u);

  transport.Expect("GET", "http://rdap.test/domain/example.test", Rdap("example.test", Now0() + 200 * 24h));
  DomainSpec rdap_spec;
  rdap_spec.zone = "example.test";
  Observation o1 = (*stack)->monitor().Observe(rdap_spec, std::nullopt);
  EXPECT_TRUE(o1.looked_up);
  EXPECT_EQ(o1.verdict.reason, kRegistered);
  ASSERT_TRUE(o1.verdict.record);
  EXPECT_EQ(o1.verdict.record->source, Source::kRdap);

  DomainSpec whois_spec;
  whois_spec.zone = "example.sm";  // no RDAP in this bootstrap: WHOIS, at the configured server
  Observation o2 = (*stack)->monitor().Observe(whois_spec, std::nullopt);
  ASSERT_TRUE(o2.verdict.record) << (o2.lookup_error ? o2.lookup_error->ToString() : "");
  EXPECT_EQ(o2.verdict.record->source, Source::kWhois);
  ASSERT_FALSE(whois.asked.empty());
  EXPECT_EQ(whois.asked[0], "127.0.0.1:18043 example.sm");
}

TEST(RegistrationStack, RejectsBadOptions) {
  FakeClock clock(Now0());
  http::FakeTransport transport;
  {
    RegistrationStackOptions o;
    o.rdap_bootstrap_path = ::testing::TempDir() + "/no-such-bootstrap.json";
    auto s = RegistrationStack::Build(transport, clock, o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(s.error().message, HasSubstr("no-such-bootstrap.json"));
  }
  {
    std::string path = ::testing::TempDir() + "/registration_controller_test_bad_bootstrap.json";
    std::ofstream(path) << "not json";
    RegistrationStackOptions o;
    o.rdap_bootstrap_path = path;
    auto s = RegistrationStack::Build(transport, clock, o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  }
  {
    RegistrationStackOptions o;
    o.rdap_qps = 0;
    auto s = RegistrationStack::Build(transport, clock, o);
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.error().message, HasSubstr("rdap qps"));
  }
  {
    RegistrationStackOptions o;
    o.whois_burst = 0.5;
    auto s = RegistrationStack::Build(transport, clock, o);
    ASSERT_FALSE(s.ok());
    EXPECT_THAT(s.error().message, HasSubstr("whois qps"));
  }
  {
    RegistrationStackOptions o;
    o.whois = false;  // and no bootstrap: nothing could ever answer
    auto s = RegistrationStack::Build(transport, clock, o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace domainguard::registration

namespace domainguard::registration {
namespace {

TEST(FetchBootstrap, UsesAGoodAnswerAndRefusesBadOnes) {
  http::FakeTransport t;
  t.ExpectJson("GET", "/good.json", 200, R"({"services": [[["test", "net"], ["http://127.0.0.1:18480/"]]]})");
  Result<RdapBootstrap> good = FetchBootstrap(t, "http://127.0.0.1:18480/good.json");
  ASSERT_TRUE(good.ok()) << good.error().ToString();
  EXPECT_EQ(good->BaseUrlsFor("x.test"), std::vector<std::string>{"http://127.0.0.1:18480/"});

  t.ExpectJson("GET", "/down.json", 503, "overloaded");
  Result<RdapBootstrap> down = FetchBootstrap(t, "http://127.0.0.1:18480/down.json");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);

  t.ExpectJson("GET", "/empty.json", 200, R"({"services": []})");
  EXPECT_FALSE(FetchBootstrap(t, "http://127.0.0.1:18480/empty.json").ok());
  t.ExpectJson("GET", "/garbage.json", 200, "<html>");
  EXPECT_FALSE(FetchBootstrap(t, "http://127.0.0.1:18480/garbage.json").ok());
}

}  // namespace
}  // namespace domainguard::registration
