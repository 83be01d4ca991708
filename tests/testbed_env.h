// Reads the local test bed's addresses for integration tests (see `hack/testbed.sh env`).
//
// An integration test that needs the bed asks for each variable with BedEnv(). When the variable is
// unset (the bed is not up, or the test runs outside hack/test.sh) the test is skipped, so a plain
// `ctest` on a laptop stays green. hack/test.sh sets DG_REQUIRE_BED=1: then a missing variable is a
// failure naming the variable, because a skipped test there would hide a broken bed.
//
//   TEST(PowerDnsIntegration, CreatesZone) {
//     DG_BED_ENV(api, "DG_PDNS_A_API");       // skips or fails, and returns, when unset
//     DG_BED_ENV(key, "DG_PDNS_A_KEY");
//     ...
//   }
//
// or, where a macro does not fit (SetUp, helpers):
//
//   std::string api = BedEnv("DG_PDNS_A_API");
//   if (BedUnavailable()) return;
//
// Thread-safety: reads the process environment only; call from the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace domainguard {

// True when DG_REQUIRE_BED=1: a missing bed variable is then a failure, not a skip.
inline bool BedRequired() {
  const char* v = std::getenv("DG_REQUIRE_BED");
  return v != nullptr && std::string(v) == "1";
}

// The value of `name`, or nullopt when unset or empty. No test side effects.
inline std::optional<std::string> BedEnvValue(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

namespace bed_internal {
// GTEST_SKIP/FAIL return from the enclosing function, so they live in a void helper.
inline void ReportMissing(const char* name) {
  if (BedRequired()) {
    FAIL() << "test bed variable " << name
           << " is unset but DG_REQUIRE_BED=1 (is the bed up? eval \"$(hack/testbed.sh env)\")";
  } else {
    GTEST_SKIP() << "test bed variable " << name
                 << " is unset; start the bed (hack/testbed.sh up) and eval \"$(hack/testbed.sh env)\"";
  }
}
}  // namespace bed_internal

// The value of bed variable `name`. When unset, records a skip (or, with DG_REQUIRE_BED=1, a fatal
// failure) for the current test and returns "". The caller must then stop: check BedUnavailable()
// or use DG_BED_ENV, which does both.
inline std::string BedEnv(const char* name) {
  if (auto v = BedEnvValue(name)) return *v;
  bed_internal::ReportMissing(name);
  return "";
}

// True once the current test was skipped or failed fatally, e.g. by BedEnv() on a missing variable.
inline bool BedUnavailable() {
  return ::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure();
}

}  // namespace domainguard

// Tests written outside namespace domainguard can call these unqualified too.
using domainguard::BedEnv;
using domainguard::BedEnvValue;
using domainguard::BedRequired;
using domainguard::BedUnavailable;

// DG_BED_ENV(var, "NAME"): declares `std::string var` holding bed variable NAME, or skips/fails the
// test and returns when it is unset. Use in a void function (a TEST body, SetUp).
#define DG_BED_ENV(var, name)                                 \
  std::string var = ::domainguard::BedEnv(name);              \
  if (::domainguard::BedUnavailable()) return
