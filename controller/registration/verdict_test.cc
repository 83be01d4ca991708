#include "controller/registration/verdict.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"
#include "controller/registration/reasons.h"

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;

SystemTime Now() { return *ParseRfc3339("2026-11-23T12:00:00Z"); }

RegistrationRecord Healthy() {
  RegistrationRecord r;
  r.source = Source::kRdap;
  r.domain = "example.test";
  r.registrar = "Example Registrar, LLC";
  r.registrar_iana_id = "1111";
  r.expires_at = Now() + std::chrono::hours(24 * 200);
  r.statuses = {"clientTransferProhibited"};
  r.nameservers = {"ns1.pdns-a.net.", "ns1.pdns-b.net."};
  r.server = "http://127.0.0.1:18480/domain/example.test";
  r.checked_at = Now();
  return r;
}

template <typename F>
RegistrationRecord With(F f) {
  RegistrationRecord r = Healthy();
  f(r);
  return r;
}

struct Case {
  std::string name;
  std::function<void(VerdictInput&)> setup;
  std::vector<std::string> want;  // "Reason/Severity", most severe first
  std::string condition_reason;
};

class VerdictTest : public ::testing::TestWithParam<Case> {};

TEST_P(VerdictTest, Findings) {
  const Case& c = GetParam();
  VerdictInput in;
  in.zone = "example.test";
  in.now = Now();
  in.policy.expect_transfer_lock = true;
  in.record = Healthy();
  in.desired_nameservers = {"NS1.PDNS-A.NET", "ns1.pdns-b.net."};
  c.setup(in);
  Verdict v = EvaluateRegistration(in);
  std::vector<std::string> got;
  for (const auto& f : v.findings) got.push_back(f.reason + "/" + std::string(SeverityName(f.severity)));
  EXPECT_EQ(got, c.want);
  EXPECT_EQ(v.reason, c.condition_reason);
  EXPECT_EQ(v.healthy, c.want.empty());
}

INSTANTIATE_TEST_SUITE_P(Table, VerdictTest, ::testing::ValuesIn(std::vector<Case>{
    {"healthy", [](VerdictInput&) {}, {}, "Registered"},
    {"expiring_soon_at_20_days", [](VerdictInput& in) { in.record->expires_at = Now() + 480h; },
     {"ExpiringSoon/Warning"}, "ExpiringSoon"},
    {"warn_before_edge_is_inclusive", [](VerdictInput& in) { in.record->expires_at = Now() + 720h; },
     {"ExpiringSoon/Warning"}, "ExpiringSoon"},
    {"just_outside_warn_before", [](VerdictInput& in) { in.record->expires_at = Now() + 721h; }, {}, "Registered"},
    {"custom_warn_before", [](VerdictInput& in) { in.record->expires_at = Now() + 721h; in.policy.warn_before = 1000h; },
     {"ExpiringSoon/Warning"}, "ExpiringSoon"},
    {"critical_at_3_days", [](VerdictInput& in) { in.record->expires_at = Now() + 72h; },
     {"ExpiryCritical/Critical"}, "ExpiryCritical"},
    {"expired_one_second_ago", [](VerdictInput& in) { in.record->expires_at = Now() - 1s; },
     {"Expired/Critical"}, "Expired"},
    {"expires_exactly_now_is_expired", [](VerdictInput& in) { in.record->expires_at = Now(); },
     {"Expired/Critical"}, "Expired"},
    {"server_hold", [](VerdictInput& in) { in.record->statuses = {"clientTransferProhibited", "serverHold"}; },
     {"RegistryHold/Critical"}, "RegistryHold"},
    {"cctld_suspended_without_expiry", [](VerdictInput& in) {
       in.record->statuses = {"Suspended"}; in.record->expires_at.reset(); in.policy.expect_transfer_lock = false; },
     {"RegistryHold/Critical", "RegistrationUnknown/Unknown"}, "RegistryHold"},
    {"pending_delete_and_redemption", [](VerdictInput& in) {
       in.record->statuses = {"pendingDelete", "redemptionPeriod"}; in.record->expires_at = Now() - 840h; },
     {"PendingDelete/Critical", "RedemptionPeriod/Critical", "Expired/Critical"}, "PendingDelete"},
    {"transfer_lock_missing", [](VerdictInput& in) { in.record->statuses = {"ok"}; },
     {"TransferLockMissing/Warning"}, "TransferLockMissing"},
    {"transfer_lock_not_expected", [](VerdictInput& in) { in.record->statuses = {"ok"}; in.policy.expect_transfer_lock = false; },
     {}, "Registered"},
    {"server_transfer_lock_counts", [](VerdictInput& in) { in.record->statuses = {"serverTransferProhibited"}; },
     {}, "Registered"},
    {"registry_ns_differ", [](VerdictInput& in) { in.record->nameservers = {"ns1.parking.test.", "ns2.parking.test."}; },
     {"RegistryNameserversDiffer/Critical"}, "RegistryNameserversDiffer"},
    {"ns_subset_differs", [](VerdictInput& in) { in.record->nameservers = {"ns1.pdns-a.net."}; },
     {"RegistryNameserversDiffer/Critical"}, "RegistryNameserversDiffer"},
    {"no_desired_ns_no_comparison", [](VerdictInput& in) {
       in.record->nameservers = {"ns1.parking.test."}; in.desired_nameservers.clear(); }, {}, "Registered"},
    {"registrar_changed_by_iana_id", [](VerdictInput& in) {
       in.previous = Healthy(); in.record->registrar = "Other Registrar, Inc."; in.record->registrar_iana_id = "9999"; },
     {"RegistrarChanged/Warning"}, "RegistrarChanged"},
    {"registrar_renamed_same_id_is_no_change", [](VerdictInput& in) {
       in.previous = Healthy(); in.record->registrar = "Example Registrar LLC (renamed)"; }, {}, "Registered"},
    {"registrar_changed_by_name_without_ids", [](VerdictInput& in) {
       in.previous = With([](auto& r) { r.registrar_iana_id.clear(); });
       in.record->registrar_iana_id.clear(); in.record->registrar = "Other"; },
     {"RegistrarChanged/Warning"}, "RegistrarChanged"},
    {"no_expiry_published", [](VerdictInput& in) { in.record->expires_at.reset(); },
     {"RegistrationUnknown/Unknown"}, "RegistrationUnknown"},
    {"never_looked_up_successfully", [](VerdictInput& in) { in.record.reset(); in.lookup_error = "Unavailable: 429"; },
     {"RegistrationUnknown/Unknown"}, "RegistrationUnknown"},
    {"not_registered", [](VerdictInput& in) { in.record.reset(); in.not_registered = true; },
     {"NotRegistered/Critical"}, "NotRegistered"},
    {"failed_lookup_keeps_recent_record", [](VerdictInput& in) {
       in.record->checked_at = Now() - 24h; in.lookup_error = "Unavailable: timeout"; }, {}, "Registered"},
    {"failed_lookup_stale_record", [](VerdictInput& in) {
       in.record->checked_at = Now() - 100h; in.record->expires_at = Now() + 480h; in.lookup_error = "Unavailable: timeout"; },
     {"RegistrationUnknown/Unknown", "ExpiringSoon/Warning"}, "RegistrationUnknown"},
}), [](const auto& info) { return info.param.name; });

TEST(Verdict, MessagesNameTheEvidenceAndJsonMatchesApi) {
  VerdictInput in;
  in.zone = "example.test";
  in.now = Now();
  in.record = Healthy();
  in.record->expires_at = Now() + 72h;
  Verdict v = EvaluateRegistration(in);
  ASSERT_EQ(v.findings.size(), 1u);
  EXPECT_THAT(v.findings[0].message, ::testing::HasSubstr("2026-11-26T12:00:00Z"));
  EXPECT_THAT(v.findings[0].message, ::testing::HasSubstr("in 3 days"));
  EXPECT_THAT(v.findings[0].message, ::testing::HasSubstr("rdap http://127.0.0.1:18480/domain/example.test"));
  nlohmann::json j = v.RegistrationJson();
  EXPECT_EQ(j["source"], "rdap");
  EXPECT_EQ(j["registrar"], "Example Registrar, LLC");
  EXPECT_EQ(j["registrarIANAID"], "1111");
  EXPECT_EQ(j["expiresAt"], "2026-11-26T12:00:00Z");
  EXPECT_EQ(j["statuses"], nlohmann::json::array({"clientTransferProhibited"}));
  EXPECT_EQ(j["nameservers"], nlohmann::json::array({"ns1.pdns-a.net.", "ns1.pdns-b.net."}));
  EXPECT_FALSE(j.contains("lastCheckTime"));  // freshness is a metric, not a status field rewritten per lookup
  EXPECT_EQ(v.FindingsJson()[0]["reason"], "ExpiryCritical");
  EXPECT_EQ(v.FindingsJson()[0]["severity"], "Critical");
}

TEST(Verdict, UnknownExpiryIsNeverInvented) {
  VerdictInput in;
  in.zone = "example.sm";
  in.now = Now();
  in.record = Healthy();
  in.record->expires_at.reset();
  Verdict v = EvaluateRegistration(in);
  EXPECT_FALSE(v.RegistrationJson().contains("expiresAt"));
}

}  // namespace
}  // namespace domainguard::registration
