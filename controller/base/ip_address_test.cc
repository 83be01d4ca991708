// CanonicalIpAddress: inet_ntop's form of what inet_pton takes, nothing else (ldns agreement is tested where it is
// used: zone/rrset_test.cc, dns/zone_file_test.cc).
#include "controller/base/ip_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace domainguard {
namespace {

TEST(CanonicalIpAddress, PrintsWhatInetPtonTakes) {
  EXPECT_EQ(CanonicalIpAddress(AF_INET, "192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(CanonicalIpAddress(AF_INET6, "2001:DB8:0:0::10"), "2001:db8::10");
  EXPECT_EQ(CanonicalIpAddress(AF_INET6, "2001:0db8:0000::0001"), "2001:db8::1");
  EXPECT_EQ(CanonicalIpAddress(AF_INET6, "::ffff:1.2.3.4"), "::ffff:1.2.3.4");
}

TEST(CanonicalIpAddress, NothingElse) {
  for (std::string_view text : {"", "256.0.0.1", "1.2.3", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4;x", "::1"}) {
    EXPECT_EQ(CanonicalIpAddress(AF_INET, text), std::nullopt) << text;
  }
  for (std::string_view text : {"1.2.3.4", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "2001:db8::zz"}) {
    EXPECT_EQ(CanonicalIpAddress(AF_INET6, text), std::nullopt) << text;
  }
  EXPECT_EQ(CanonicalIpAddress(AF_INET, std::string_view("1.2.3.4\0x", 9)), std::nullopt);  // not cut at the NUL
  EXPECT_EQ(CanonicalIpAddress(AF_UNIX, "1.2.3.4"), std::nullopt);
  EXPECT_EQ(CanonicalIpAddress(AF_INET, std::string(64, '1')), std::nullopt);
}

}  // namespace
}  // namespace domainguard
