#include "controller/registration/epp_status.h"

#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

TEST(EppStatus, Rfc8056BothWays) {
  EXPECT_EQ(EppFromRdapStatus("client transfer prohibited"), "clientTransferProhibited");
  EXPECT_EQ(EppFromRdapStatus("Server Hold"), "serverHold");
  EXPECT_EQ(EppFromRdapStatus("active"), "ok");
  EXPECT_EQ(EppFromRdapStatus("associated"), "linked");
  EXPECT_EQ(EppFromRdapStatus("redemption period"), "redemptionPeriod");
  EXPECT_EQ(EppFromRdapStatus("pending delete"), "pendingDelete");
  EXPECT_EQ(EppFromRdapStatus("clientHold"), "clientHold");  // EPP code sent as RDAP status by some servers
  EXPECT_EQ(EppFromRdapStatus("registry extension thing"), std::nullopt);
  EXPECT_EQ(RdapFromEppStatus("serverTransferProhibited"), "server transfer prohibited");
  EXPECT_EQ(RdapFromEppStatus("ok"), "active");
  EXPECT_EQ(RdapFromEppStatus("nonsense"), std::nullopt);
}

TEST(EppStatus, EveryCodeRoundTrips) {
  for (const char* code : {"addPeriod", "autoRenewPeriod", "clientDeleteProhibited", "clientHold",
                           "clientRenewProhibited", "clientTransferProhibited", "clientUpdateProhibited", "inactive",
                           "linked", "ok", "pendingCreate", "pendingDelete", "pendingRenew", "pendingRestore",
                           "pendingTransfer", "pendingUpdate", "redemptionPeriod", "renewPeriod",
                           "serverDeleteProhibited", "serverRenewProhibited", "serverTransferProhibited",
                           "serverUpdateProhibited", "serverHold", "transferPeriod"}) {
    auto rdap = RdapFromEppStatus(code);
    ASSERT_TRUE(rdap) << code;
    EXPECT_EQ(EppFromRdapStatus(*rdap), code);
  }
}

TEST(EppStatus, Groups) {
  EXPECT_TRUE(IsHoldStatus("serverHold"));
  EXPECT_TRUE(IsHoldStatus("clientHold"));
  EXPECT_TRUE(IsHoldStatus("Suspended"));
  EXPECT_FALSE(IsHoldStatus("inactive"));
  EXPECT_FALSE(IsHoldStatus("ok"));
  EXPECT_TRUE(IsTransferLock("clientTransferProhibited"));
  EXPECT_TRUE(IsTransferLock("serverTransferProhibited"));
  EXPECT_FALSE(IsTransferLock("clientUpdateProhibited"));
}

}  // namespace
}  // namespace domainguard::registration
