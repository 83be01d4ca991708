#include "controller/base/plain_rdata.h"

#include <gtest/gtest.h>

#include <optional>

// Agreement with ldns, value by value, is tested where ldns is: zone/rrset_test.cc, dns/zone_file_test.cc.
namespace domainguard {
namespace {

// The fast path takes the forms zones are made of (so the cut is real), and leaves the others to ldns.
TEST(CanonicalPlainRdata, TakesPlainFormsOnly) {
  EXPECT_EQ(CanonicalPlainRdata("MX", "10 MX.Example.com.", "example.com."), "10 mx.example.com.");
  EXPECT_EQ(CanonicalPlainRdata("MX", "010 mx", "example.com."), "10 mx.example.com.");
  EXPECT_EQ(CanonicalPlainRdata("NS", "ns1", "example.com."), "ns1.example.com.");
  EXPECT_EQ(CanonicalPlainRdata("TXT", "v=spf1 -all", "example.com."), "\"v=spf1 -all\"");
  EXPECT_EQ(CanonicalPlainRdata("TXT", "\"v=spf1 -all\"", "example.com."), "\"v=spf1 -all\"");
  EXPECT_EQ(CanonicalPlainRdata("A", "192.0.2.1", "example.com."), "192.0.2.1");
  EXPECT_EQ(CanonicalPlainRdata("NS", "ns1", ""), std::nullopt);           // relative without an origin
  EXPECT_EQ(CanonicalPlainRdata("NS", "x\\.y.", "example.com."), std::nullopt);  // an escape
  EXPECT_EQ(CanonicalPlainRdata("MX", "70000 mx.", "example.com."), std::nullopt);  // ldns wraps it
  EXPECT_EQ(CanonicalPlainRdata("TXT", "\"a\" \"b\"", "example.com."), std::nullopt);  // two strings
  EXPECT_EQ(CanonicalPlainRdata("SRV", "0 5 5060 sip.example.com.", "example.com."), std::nullopt);
}

}  // namespace
}  // namespace domainguard
