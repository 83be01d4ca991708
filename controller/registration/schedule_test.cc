#include "controller/registration/schedule.h"

#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

using namespace std::chrono_literals;
using std::chrono::seconds;

SystemTime Now() { return SystemTime{} + std::chrono::hours(24 * 365 * 56); }

RegistrationRecord Expiring(std::chrono::seconds in, std::vector<std::string> statuses = {"ok"}) {
  RegistrationRecord r;
  r.expires_at = Now() + in;
  r.statuses = std::move(statuses);
  return r;
}

struct Case {
  std::string name;
  ScheduleInput in;
  seconds want;
};

class ScheduleTest : public ::testing::TestWithParam<Case> {};

TEST_P(ScheduleTest, Delay) { EXPECT_EQ(NextCheckDelay(GetParam().in).count(), GetParam().want.count()); }

ScheduleInput In(std::optional<RegistrationRecord> r, double random01 = 0.5) {
  ScheduleInput in;
  in.now = Now();
  in.record = std::move(r);
  in.random01 = random01;
  return in;
}

INSTANTIATE_TEST_SUITE_P(Table, ScheduleTest, ::testing::ValuesIn(std::vector<Case>{
    {"healthy_waits_the_interval", In(Expiring(std::chrono::hours(24 * 300))), seconds(12h)},
    {"jitter_low_edge", In(Expiring(std::chrono::hours(24 * 300)), 0.0), seconds(12h) * 9 / 10},
    {"jitter_high_edge", [] { auto i = In(Expiring(std::chrono::hours(24 * 300)), 1.0); return i; }(),
     seconds(12h) * 11 / 10},
    {"within_warn_before_six_hours", In(Expiring(std::chrono::hours(24 * 20))), seconds(6h)},
    {"within_critical_before_one_hour", In(Expiring(std::chrono::hours(24 * 3))), seconds(1h)},
    {"expired_one_hour", In(Expiring(-std::chrono::hours(24))), seconds(1h)},
    {"expiry_in_ten_minutes_checks_at_expiry", In(Expiring(std::chrono::minutes(10))), seconds(600)},
    {"hold_one_hour", In(Expiring(std::chrono::hours(24 * 300), {"serverHold"})), seconds(1h)},
    {"no_record_yet_interval", In(std::nullopt), seconds(12h)},
    {"changed_one_hour", [] { auto i = In(Expiring(std::chrono::hours(24 * 300))); i.changed = true; return i; }(),
     seconds(1h)},
    {"first_failure_five_minutes", [] { auto i = In(std::nullopt); i.lookup_failed = true; i.consecutive_failures = 1; return i; }(),
     seconds(5min)},
    {"third_failure_twenty_minutes", [] { auto i = In(std::nullopt); i.lookup_failed = true; i.consecutive_failures = 3; return i; }(),
     seconds(20min)},
    {"many_failures_capped_at_interval", [] { auto i = In(std::nullopt); i.lookup_failed = true; i.consecutive_failures = 40; return i; }(),
     seconds(12h)},
    {"retry_after_is_a_floor_even_with_low_jitter", [] { auto i = In(std::nullopt, 0.0); i.lookup_failed = true; i.consecutive_failures = 1; i.retry_after = seconds(600); return i; }(),
     seconds(600)},
}), [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace domainguard::registration
