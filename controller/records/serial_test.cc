#include "controller/records/serial.h"

#include <gtest/gtest.h>

namespace domainguard::records {
namespace {

TEST(SerialLess, Rfc1982) {
  struct Row {
    uint32_t a, b;
    bool less;
  };
  const Row rows[] = {
      {1, 2, true},
      {2, 1, false},
      {7, 7, false},
      {2026120601u, 2026120602u, true},
      {0xFFFFFFFFu, 0u, true},            // wraps: 0 comes after 2^32-1
      {0u, 0xFFFFFFFFu, false},
      {0u, 0x7FFFFFFFu, true},            // just under half the space ahead
      {0u, 0x80000000u, false},           // exactly half: undefined, not less
      {0x80000000u, 0u, false},
      {5u, 2026120601u, true},            // a counting serial is "behind" a date-based one
  };
  for (const Row& r : rows) EXPECT_EQ(SerialLess(r.a, r.b), r.less) << r.a << " < " << r.b;
}

TEST(SerialRepairTarget, RaisesPastTheLastSeenOnlyWhenBehind) {
  EXPECT_EQ(SerialRepairTarget(2026120603u, 2026120602u), 2026120604u);  // lowered by one through the API
  EXPECT_EQ(SerialRepairTarget(2026120603u, 2026120603u), std::nullopt);
  EXPECT_EQ(SerialRepairTarget(2026120603u, 2026120610u), std::nullopt);  // moved on: not a regression
  EXPECT_EQ(SerialRepairTarget(std::nullopt, 1u), std::nullopt);
  EXPECT_EQ(SerialRepairTarget(0u, 1u), std::nullopt);
  EXPECT_EQ(SerialRepairTarget(0xFFFFFFFFu, 0xFFFFFFF0u), 0u);
}

}  // namespace
}  // namespace domainguard::records
