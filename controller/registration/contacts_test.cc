#include "controller/registration/contacts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ContactsTest, RdapContactsNestedEntitiesAndRoles) {
  const char* body = R"({"objectClassName":"domain","ldhName":"shop.test","entities":[
    {"roles":["registrar"],"vcardArray":["vcard",[["email",{},"text","abuse@registrar.example"]]],
     "entities":[{"roles":["abuse"],"vcardArray":["vcard",[["email",{},"text","abuse2@registrar.example"]]]}]},
    {"roles":["registrant"],"vcardArray":["vcard",[["fn",{},"text","Shop"],["email",{},"text","Owner@Shop.Test"]]]},
    {"roles":["technical","administrative"],"vcardArray":["vcard",[["email",{"type":"work"},"text","mailto:ops@mail.shop.test"]]]},
    {"roles":["billing"],"vcardArray":["vcard",[["email",{},"text","REDACTED FOR PRIVACY"]]]}]})";
  EXPECT_THAT(RdapContactEmails(body), ElementsAre("ops@mail.shop.test", "owner@shop.test"));
  EXPECT_THAT(RdapContactEmails("not json"), IsEmpty());
  EXPECT_THAT(RdapContactEmails(R"({"entities":[{"roles":["registrant"],"vcardArray":"x"}]})"), IsEmpty());
}

TEST(ContactsTest, WhoisContactLinesOnly) {
  const char* text =
      "Domain Name: SHOP.TEST\r\n"
      "Registrar Abuse Contact Email: abuse@registrar.example\r\n"
      "Registrant Email: owner@shop.test\r\n"
      "Admin Email: Please query the RDDS service of the Registrar of Record identified in this output\r\n"
      "Tech Email: ops@other.example\r\n"
      "Billing E-mail: owner@shop.test\r\n";
  EXPECT_THAT(WhoisContactEmails(text), ElementsAre("ops@other.example", "owner@shop.test"));
}

TEST(ContactsTest, EmailDomain) {
  EXPECT_EQ(EmailDomain("Ops@Mail.Shop.Test."), "mail.shop.test");
  EXPECT_EQ(EmailDomain("REDACTED FOR PRIVACY"), "");
  EXPECT_EQ(EmailDomain("a@localhost"), "");
  EXPECT_EQ(EmailDomain("@x.test"), "");
}

}  // namespace
}  // namespace domainguard::registration
