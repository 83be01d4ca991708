#include "controller/registration/rdap_parse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"
#include "controller/registration/fixture_test_util.h"

namespace domainguard::registration {
namespace {

using ::testing::ElementsAre;
using testing::Fixture;
using testing::FixtureNow;

std::string At(std::optional<SystemTime> t) { return t ? FormatRfc3339(*t) : "unknown"; }
std::string Days(int d) { return FormatRfc3339(FixtureNow() + std::chrono::hours(24 * d)); }

TEST(RdapParse, VerisignThinRegistry) {
  auto d = ParseRdapDomain(Fixture("rdap/verisign-thin.json", "example.com"));
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  const RegistrationRecord& r = d->record;
  EXPECT_EQ(r.domain, "example.com");  // ldhName is upper case in Verisign answers
  EXPECT_EQ(r.registrar, "MarkMonitor Inc.");
  EXPECT_EQ(r.registrar_iana_id, "292");
  EXPECT_EQ(At(r.expires_at), Days(400));
  EXPECT_EQ(At(r.registered_at), "1997-09-15T04:00:00Z");
  EXPECT_EQ(At(r.last_changed_at), "2024-08-02T02:17:33Z");  // not "last update of RDAP database"
  EXPECT_THAT(r.statuses, ElementsAre("clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited"));
  EXPECT_THAT(r.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
  EXPECT_THAT(d->related_links, ElementsAre("http://127.0.0.1:18480/registrar/domain/EXAMPLE.COM"));
  EXPECT_FALSE(NeedsRegistrarAnswer(*d));
}

TEST(RdapParse, MinimalRegistryThenRegistrarFillsTheGaps) {
  auto reg = ParseRdapDomain(Fixture("rdap/registry-minimal.json", "example.com"));
  ASSERT_TRUE(reg.ok());
  EXPECT_FALSE(reg->record.expires_at.has_value());
  EXPECT_TRUE(reg->record.registrar.empty());
  EXPECT_TRUE(NeedsRegistrarAnswer(*reg));
  EXPECT_THAT(reg->record.statuses, ElementsAre("ok"));
  auto rar = ParseRdapDomain(Fixture("rdap/registrar-full.json", "example.com"));
  ASSERT_TRUE(rar.ok());
  EXPECT_EQ(At(rar->record.expires_at), Days(400));  // "...000+00:00" layout
  MergeRegistrarAnswer(*reg, *rar);
  EXPECT_EQ(At(reg->record.expires_at), Days(400));
  EXPECT_EQ(reg->record.registrar, "MarkMonitor Inc.");
  EXPECT_EQ(reg->record.registrar_iana_id, "292");
  EXPECT_THAT(reg->record.statuses, ElementsAre("ok"));  // the registry's statuses stand
  EXPECT_EQ(At(reg->record.registered_at), "2011-05-04T10:22:31Z");
}

struct StatusCase {
  std::string fixture;
  std::vector<std::string> statuses;
  int expires_in_days;  // relative to FixtureNow; 9999 = not published
};

class RdapFixtureTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(RdapFixtureTest, Fields) {
  const StatusCase& c = GetParam();
  auto d = ParseRdapDomain(Fixture("rdap/" + c.fixture + ".json", "example.test"));
  ASSERT_TRUE(d.ok()) << c.fixture << ": " << d.error().ToString();
  EXPECT_EQ(d->record.statuses, c.statuses) << c.fixture;
  if (c.expires_in_days == 9999) {
    EXPECT_FALSE(d->record.expires_at.has_value()) << c.fixture;
  } else {
    ASSERT_TRUE(d->record.expires_at.has_value()) << c.fixture;
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::hours>(*d->record.expires_at - FixtureNow()).count() / 24,
              c.expires_in_days)
        << c.fixture;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RdapFixtureTest, ::testing::ValuesIn(std::vector<StatusCase>{
    {"gtld-active", {"clientTransferProhibited", "serverTransferProhibited"}, 200},
    {"expiring-soon", {"clientTransferProhibited", "serverTransferProhibited"}, 20},
    {"expiring-critical", {"clientTransferProhibited", "serverTransferProhibited"}, 3},
    {"expired", {"autoRenewPeriod", "clientTransferProhibited"}, -2},
    {"server-hold", {"clientHold", "clientTransferProhibited", "serverHold"}, 200},
    {"pending-delete-redemption", {"pendingDelete", "redemptionPeriod"}, -35},
    {"pending-delete", {"pendingDelete"}, -70},
    {"no-transfer-lock", {"ok"}, 200},
    {"ns-differ", {"clientTransferProhibited", "serverTransferProhibited"}, 200},
    {"registrar-changed", {"clientTransferProhibited", "serverTransferProhibited"}, 200},
    {"no-expiry", {"ok"}, 9999},
}), [](const auto& info) {
  std::string n = info.param.fixture;
  for (char& ch : n) if (ch == '-') ch = '_';
  return n;
});

TEST(RdapParse, GtldRegistrarAndNameservers) {
  auto d = ParseRdapDomain(Fixture("rdap/registrar-changed.json"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->record.registrar, "Other Registrar, Inc.");
  EXPECT_EQ(d->record.registrar_iana_id, "9999");
  auto ns = ParseRdapDomain(Fixture("rdap/ns-differ.json"));
  ASSERT_TRUE(ns.ok());
  EXPECT_THAT(ns->record.nameservers, ElementsAre("ns1.parkingcrew.test.", "ns2.parkingcrew.test."));
  EXPECT_TRUE(ns->related_links.empty());
}

TEST(RdapParse, ErrorsAreNotData) {
  EXPECT_EQ(ParseRdapDomain(Fixture("rdap/garbage.json")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ParseRdapDomain(Fixture("rdap/throttled.json")).ok());
  EXPECT_FALSE(ParseRdapDomain(Fixture("rdap/not-found.json")).ok());
  std::string full = Fixture("rdap/verisign-thin.json", "example.com");
  EXPECT_FALSE(ParseRdapDomain(full.substr(0, 700)).ok());  // the "truncated" fixture
  EXPECT_FALSE(ParseRdapDomain("[]").ok());
  EXPECT_FALSE(ParseRdapDomain(R"({"objectClassName":"entity"})").ok());
}

TEST(RdapParse, OutOfRangeYearsAreUnknownNotOverflow) {
  auto d = ParseRdapDomain(R"({"objectClassName":"domain","events":[
      {"eventAction":"expiration","eventDate":"2277-10-01T10:01:02Z"},
      {"eventAction":"registration","eventDate":"1011-01-01T00:00:00Z"}]})");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->record.expires_at.has_value());
  EXPECT_FALSE(d->record.registered_at.has_value());
}

TEST(RdapParse, WrongTypesAreIgnoredNotFatal) {
  auto d = ParseRdapDomain(R"({"objectClassName":"domain","ldhName":7,"status":"active",
      "events":[{"eventAction":"expiration","eventDate":12},{"eventAction":"expiration"},"x"],
      "entities":[{"roles":"registrar"},{"roles":["registrar"],"vcardArray":["vcard",[["fn",{},"text",5]]],
                   "publicIds":[{"type":"IANA Registrar ID","identifier":146}]}],
      "nameservers":[{"ldhName":null},{"unicodeName":"ns.example.test"}],
      "links":[{"rel":"related","href":"ftp://x/domain/y"}]})");
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  EXPECT_FALSE(d->record.expires_at.has_value());
  EXPECT_EQ(d->record.registrar_iana_id, "146");
  EXPECT_THAT(d->record.nameservers, ElementsAre("ns.example.test."));
  EXPECT_TRUE(d->related_links.empty());
}

TEST(RdapParse, RegistrarWithoutVcardIsNamedByHandleOrPublicId) {
  auto by_handle = ParseRdapDomain(R"({"objectClassName":"domain","ldhName":"a.cz",
      "entities":[{"objectClassName":"entity","handle":"REG-INTERNET-CZ","roles":["registrar"]}]})");
  ASSERT_TRUE(by_handle.ok());
  EXPECT_EQ(by_handle->record.registrar, "REG-INTERNET-CZ");
  auto by_org = ParseRdapDomain(R"({"objectClassName":"domain","ldhName":"a.xyz","entities":[{"roles":["registrar"],
      "vcardArray":["vcard",[["version",{},"text","4.0"],["org",{"type":"work"},"text","MarkMonitor Inc."]]]}]})");
  ASSERT_TRUE(by_org.ok());
  EXPECT_EQ(by_org->record.registrar, "MarkMonitor Inc.");
  auto by_id = ParseRdapDomain(R"({"objectClassName":"domain","ldhName":"a.com","entities":[{"roles":["Registrar"],
      "vcardArray":[["version","{}","text","4.0"]],"publicIds":[{"type":"IANA Registrar ID","identifier":"1250"}]}],
      "nameServers":[{"ldhName":"a.share-dns.com"}]})");
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->record.registrar, "1250");
  EXPECT_EQ(by_id->record.registrar_iana_id, "1250");
  EXPECT_EQ(by_id->record.nameservers, std::vector<std::string>{"a.share-dns.com."});
}

}  // namespace
}  // namespace domainguard::registration
