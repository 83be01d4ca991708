#include "controller/notify/own_mailbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::notify {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json Domain(const std::string& ns, const std::string& name, const std::string& zone, json emails,
            const std::string& ready = "True", const std::string& reason = "Healthy") {
  json d = {{"metadata", {{"name", name}, {"namespace", ns}}},
            {"spec", {{"zone", zone}}},
            {"status", {{"conditions", {{{"type", "Ready"}, {"status", ready}, {"reason", reason}}}}}}};
  if (!emails.is_null()) d["status"]["registration"] = {{"source", "rdap"}, {"contactEmails", emails}};
  return d;
}

DomainsOfZone Zones(std::vector<json> all) {
  return [all](const std::string& zone) {
    std::vector<json> out;
    for (const json& d : all) {
      if (d["spec"]["zone"].get<std::string>() + "." == zone) out.push_back(d);
    }
    return out;
  };
}

TEST(OwnMailboxTest, OwnDomainIsAWarning) {
  std::optional<domain::FindingEntry> f =
      OwnMailboxFinding(Domain("web", "shop", "shop.example.co.uk", {"owner@mail.shop.example.co.uk"}), Zones({}));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->reason, "NoticesToOwnDomain");
  EXPECT_EQ(f->severity, "Warning");
  EXPECT_THAT(f->message, HasSubstr("owner@mail.shop.example.co.uk is on this Domain's own domain example.co.uk"));
}

TEST(OwnMailboxTest, UnhealthyMailDomainIsAWarningHealthyIsNot) {
  json mail_down = Domain("it", "mail", "oldmail.example", json(), "False", "DelegationMissing");
  json mail_up = Domain("it", "mail", "oldmail.example", json());
  json shop = Domain("web", "shop", "shop.example", {"hostmaster@oldmail.example"});
  std::optional<domain::FindingEntry> f = OwnMailboxFinding(shop, Zones({mail_down}));
  ASSERT_TRUE(f);
  EXPECT_THAT(f->message, HasSubstr("whose Domain it/mail is not Ready (DelegationMissing)"));
  EXPECT_FALSE(OwnMailboxFinding(shop, Zones({mail_up})));
  EXPECT_FALSE(OwnMailboxFinding(shop, Zones({})));  // no Domain for it: nothing known, nothing said
}

TEST(OwnMailboxTest, RedactedOrAbsentContactsSayNothing) {
  EXPECT_FALSE(OwnMailboxFinding(Domain("web", "shop", "shop.example", json()), Zones({})));
  EXPECT_FALSE(OwnMailboxFinding(Domain("web", "shop", "shop.example", json::array()), Zones({})));
  EXPECT_FALSE(OwnMailboxFinding(Domain("web", "shop", "shop.example", {"ops@elsewhere.example"}), Zones({})));
}

}  // namespace
}  // namespace domainguard::notify
