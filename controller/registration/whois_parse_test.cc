#include "controller/registration/whois_parse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/base/time_format.h"
#include "controller/registration/fixture_test_util.h"

namespace domainguard::registration {
namespace {

using ::testing::ElementsAre;
using testing::Fixture;
using testing::FixtureNow;
using Kind = WhoisAnswer::Kind;

std::string At(std::optional<SystemTime> t) { return t ? FormatRfc3339(*t) : "unknown"; }
std::string DaysAhead(int d) { return FormatRfc3339(FixtureNow() + std::chrono::hours(24 * d)); }
std::string DayAhead(int d) {  // date-only layouts: midnight of that day
  auto t = std::chrono::floor<std::chrono::days>(FixtureNow() + std::chrono::hours(24 * d));
  return FormatRfc3339(t);
}

TEST(WhoisParse, VerisignThinRegistry) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/verisign.txt", "example.com"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_EQ(At(a.record.expires_at), DaysAhead(400));
  EXPECT_EQ(At(a.record.registered_at), "1997-09-15T04:00:00Z");
  EXPECT_EQ(At(a.record.last_changed_at), "2024-08-02T02:17:33Z");
  EXPECT_EQ(a.record.registrar, "MarkMonitor Inc.");
  EXPECT_EQ(a.record.registrar_iana_id, "292");
  EXPECT_THAT(a.record.statuses, ElementsAre("clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited"));
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
  EXPECT_EQ(a.referral, "whois.registrar.test");
}

TEST(WhoisParse, RegistrarThickAnswer) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/registrar-thick.txt", "example.com"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_FALSE(a.record.expires_at.has_value());  // it is the registrar's date, kept apart
  EXPECT_EQ(At(a.registrar_expires_at), DaysAhead(400));
  EXPECT_EQ(a.record.registrar, "MarkMonitor, Inc.");
  EXPECT_THAT(a.record.statuses, ElementsAre("clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited"));
  EXPECT_EQ(At(a.record.registered_at), "1997-09-15T07:00:00Z");
}

TEST(WhoisParse, CcTldSuspendedHasNoExpiry) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/cctld-suspended.txt", "example.sm"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_FALSE(a.record.expires_at.has_value());
  EXPECT_THAT(a.record.statuses, ElementsAre("Suspended"));
  EXPECT_EQ(a.record.registrar, "Example Registrar S.r.l.");
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST(WhoisParse, PaidTill) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/paid-till.txt", "example.ru"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_EQ(At(a.record.expires_at), "2027-03-01T21:00:00Z");
  EXPECT_EQ(At(a.record.registered_at), "2004-03-03T21:00:00Z");
  EXPECT_EQ(a.record.registrar, "RU-CENTER-RU");
  // RIPN's REGISTERED is EPP ok; DELEGATED and VERIFIED have no EPP meaning and are kept as said.
  EXPECT_THAT(a.record.statuses, ElementsAre("DELEGATED", "VERIFIED", "ok"));
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST(WhoisParse, NoExpiryDenicLike) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/no-expiry.txt", "example.de"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_FALSE(a.record.expires_at.has_value());
  EXPECT_THAT(a.record.statuses, ElementsAre("ok"));  // DENIC's "connect": registered and delegated
  EXPECT_EQ(At(a.record.last_changed_at), "2023-06-01T12:13:44Z");
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST(WhoisParse, NominetBlocks) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/nominet.txt", "example.co.uk"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_EQ(At(a.record.expires_at), DayAhead(45));
  EXPECT_EQ(At(a.record.registered_at), "2001-02-21T00:00:00Z");
  EXPECT_EQ(a.record.registrar, "Example Registrar Ltd");
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST(WhoisParse, JprsBrackets) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/jprs.txt", "example.jp"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_EQ(At(a.record.expires_at), DayAhead(150));
  EXPECT_EQ(At(a.record.registered_at), "2001-05-23T00:00:00Z");
  EXPECT_THAT(a.record.statuses, ElementsAre("ok"));  // "Active" is RDAP's word for EPP ok
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST(WhoisParse, ValidUntilDayFirst) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/valid-until.txt", "example.hk"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_EQ(At(a.record.expires_at), DayAhead(10));
  EXPECT_EQ(At(a.record.registered_at), "2000-06-21T00:00:00Z");
  EXPECT_EQ(a.record.registrar, "Example Registrar Limited");
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST(WhoisParse, GtldHold) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/gtld-hold.txt"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_THAT(a.record.statuses, ElementsAre("clientTransferProhibited", "serverHold"));
}

TEST(WhoisParse, ThrottledAndNotFoundAreNeverData) {
  for (const char* f : {"whois/throttled.txt", "whois/throttled-denic.txt"}) {
    WhoisAnswer a = ParseWhoisAnswer(Fixture(f));
    EXPECT_EQ(a.kind, Kind::kThrottled) << f;
    EXPECT_FALSE(a.record.expires_at.has_value()) << f;
  }
  for (const char* f : {"whois/not-found-verisign.txt", "whois/not-found-ripe.txt"}) {
    WhoisAnswer a = ParseWhoisAnswer(Fixture(f));
    EXPECT_EQ(a.kind, Kind::kNotFound) << f;
    EXPECT_FALSE(a.record.expires_at.has_value()) << f;  // the "Last update" line is not an expiry
  }
  EXPECT_EQ(ParseWhoisAnswer("").kind, Kind::kEmpty);
  EXPECT_EQ(ParseWhoisAnswer("% nothing to see\r\n").kind, Kind::kEmpty);
}

TEST(WhoisParse, TruncatedKeepsWhatArrived) {
  std::string full = Fixture("whois/verisign.txt", "example.com");
  WhoisAnswer a = ParseWhoisAnswer(full.substr(0, 420));  // the "truncated" fixture
  EXPECT_NE(a.kind, Kind::kThrottled);
  EXPECT_NE(a.kind, Kind::kNotFound);
  EXPECT_EQ(At(a.record.expires_at), DaysAhead(400));  // the expiry line is within the first 420 bytes
}

TEST(WhoisParse, IanaReferral) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/iana-tld.txt", "sm"));
  EXPECT_EQ(a.referral, "whois.nic.sm");
}

TEST(WhoisParse, UnreadableExpiryIsUnknownWithANote) {
  WhoisAnswer a = ParseWhoisAnswer("Domain Name: x.test\nExpiry Date: sometime soon\nName Server: ns1.x.test\n");
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_FALSE(a.record.expires_at.has_value());
  ASSERT_EQ(a.notes.size(), 1u);
  EXPECT_NE(a.notes[0].find("sometime soon"), std::string::npos);
}

// Layout rules the corpus (tests/corpora/registration) exercises with real answers, here in small pieces so a
// broken rule names itself.
TEST(WhoisParse, RegistryWordsMapToTheirEppMeaning) {
  struct Case {
    std::string text;
    std::vector<std::string> want;
  };
  for (const Case& c : std::vector<Case>{
           {"domain: a.test\nstatus: REDEMPTION\npending: DELETE\n", {"pendingDelete", "redemptionPeriod"}},
           {"Domain: a.test\nStatus: in quarantine\n", {"redemptionPeriod"}},
           {"Domain: a.test\nStatus: QUARANTINE\n", {"redemptionPeriod"}},
           {"domain: a.test\nstatus: deactivated\n", {"serverHold"}},
           {"Domain: a.test\nStatus: pendingDelete / redemptionPeriod\n", {"pendingDelete", "redemptionPeriod"}},
           {"Domain: a.test\nStatus: clientTransferProhibited, clientDeleteProhibited\n",
            {"clientDeleteProhibited", "clientTransferProhibited"}},
           {"Domain: a.test\nStatus: REDEMPTION-NO-PROVIDER\n", {"redemptionPeriod"}},
           {"Domain: a.test\nStatus: Suspended\n", {"Suspended"}},
           {"Domain: a.test\nStatus: CLIENT DELETE PROHIBITED\n", {"clientDeleteProhibited"}},
           {"query_status: 210 PendingRelease\n", {"pendingDelete"}},
           {"Domain: a.test\nStatus: Client Updt Lock\n", {"clientUpdateProhibited"}},
       }) {
    WhoisAnswer a = ParseWhoisAnswer(c.text);
    EXPECT_EQ(a.kind, Kind::kData) << c.text;
    EXPECT_EQ(a.record.statuses, c.want) << c.text;
  }
}

TEST(WhoisParse, SpanishLayoutWithSuspension) {
  WhoisAnswer a = ParseWhoisAnswer(
      "   Nombre de Dominio: ejemplo.com.ve\n\n   Contacto Administrativo: \n      Ejemplo C.A.  (x-adm)\n\n"
      "   Fecha de Vencimiento: 2010-11-21 15:21:32\n   Fecha de Creacion: 2005-11-21 15:21:32\n\n"
      "   Estatus del dominio: SUSPENDIDO\n\n   Servidor(es) de Nombres de Dominio:\n\n   - ns1.ejemplo.net\n");
  EXPECT_EQ(At(a.record.expires_at), "2010-11-21T15:21:32Z");
  EXPECT_THAT(a.record.statuses, ElementsAre("Suspended"));
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.ejemplo.net."));
}

TEST(WhoisParse, FreeTextSuspensionAndIndentedRegistrar) {
  WhoisAnswer a = ParseWhoisAnswer(
      "    Domain name:\n        x.co.uk\n\n    Registrar:\n        Example Ltd [Tag = EXAMPLE]\n        URL: http://x\n\n"
      "    Relevant dates:\n        Expiry date:  30-Aug-2010\n\n    Registration status:\n        Renewal required.\n"
      "        *** This registration has been SUSPENDED. ***\n\n    Name servers:\n        No name servers listed.\n");
  EXPECT_EQ(a.record.registrar, "Example Ltd");
  EXPECT_EQ(At(a.record.expires_at), "2010-08-30T00:00:00Z");
  EXPECT_THAT(a.record.statuses, ElementsAre("Renewal required", "Suspended"));
  EXPECT_TRUE(a.record.nameservers.empty());
}

TEST(WhoisParse, RegistrarNameOneLevelDown) {
  EXPECT_EQ(ParseWhoisAnswer("Domain: a.it\nStatus: ok\n\nRegistrar\n  Organization:     Org S.r.l.\n"
                             "  Name:             ORG-REG\n").record.registrar,
            "Org S.r.l.");
  EXPECT_EQ(ParseWhoisAnswer("Domain name: a.ca\nDomain status: registered\n\nRegistrar:\n    name:   Reg Inc.\n"
                             "    Number: 70\n\nRegistrant:\n    Name:   Someone Else\n").record.registrar,
            "Reg Inc.");
  EXPECT_EQ(ParseWhoisAnswer("Domain Name : a.kr\nExpiration Date : 2015. 03. 02.\n"
                             "Authorized Agency           : Whois Corp.(http://whois.co.kr)\n").record.registrar,
            "Whois Corp.");
}

TEST(WhoisParse, ContactSectionsNeverLeakIntoTheDomain) {
  // FRED-style objects: the contacts' "status: ok" / "linked" and their own registrar and dates are theirs.
  WhoisAnswer a = ParseWhoisAnswer(
      "domain:       a.cz\nregistrant:   C1\nnsset:        NS1\nregistrar:    REG-A\nstatus:       Update prohibited\n"
      "expire:       22.07.2027\n\ncontact:      C1\nname:         Someone\nstatus:       ok\nstatus:       linked\n"
      "registrar:    REG-B\ncreated:      18.05.2011 23:28:26\n\nnsset:        NS1\nnserver:      ns1.a.cz\n\n"
      "nsset:        NS2\nnserver:      ns9.other.cz\n");
  EXPECT_THAT(a.record.statuses, ElementsAre("serverUpdateProhibited"));
  EXPECT_EQ(a.record.registrar, "REG-A");
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.a.cz."));
  EXPECT_EQ(At(a.record.expires_at), "2027-07-22T00:00:00Z");
  // Indented contact blocks: a registrant's "Status" is not the domain's.
  WhoisAnswer b = ParseWhoisAnswer("Domain Name: b.test\nStatus: ok\nRegistrant:\n    Status: linked\n    Name: X\n");
  EXPECT_THAT(b.record.statuses, ElementsAre("ok"));
}

TEST(WhoisParse, KeyLayoutsAcrossRegistries) {
  WhoisAnswer nz = ParseWhoisAnswer("domain_name: a.co.nz\nquery_status: 200 Active\n"
                                    "domain_datebilleduntil: 2014-02-17T00:00:00+13:00\nregistrar_name: R\n"
                                    "ns_name_01: ns1.a.net\nns_name_02: ns2.a.net\n");
  EXPECT_EQ(At(nz.record.expires_at), "2014-02-16T11:00:00Z");
  EXPECT_THAT(nz.record.statuses, ElementsAre("ok"));
  EXPECT_THAT(nz.record.nameservers, ElementsAre("ns1.a.net.", "ns2.a.net."));
  WhoisAnswer pl = ParseWhoisAnswer("DOMAIN NAME: a.pl\nnameservers:           ns2.a.net.\n"
                                    "                       ns1.a.net. [192.0.2.1]\nrenewal date: 2013.09.18 14:00:00\n"
                                    "option expiration date:       2014.10.14 09:29:47\n\nREGISTRAR:\nReg, Inc.\nStreet 1\n");
  EXPECT_THAT(pl.record.nameservers, ElementsAre("ns1.a.net.", "ns2.a.net."));
  EXPECT_EQ(At(pl.record.expires_at), "2013-09-18T14:00:00Z");  // the option's date is not the domain's
  EXPECT_EQ(pl.record.registrar, "Reg, Inc.");
  WhoisAnswer afilias = ParseWhoisAnswer("Domain Name:A.BZ\nExpiration Date:12-Feb-2012 18:08:52 UTC\n"
                                         "Status:CLIENT DELETE PROHIBITED\nName Server:NS1.A.NET\n");
  EXPECT_EQ(At(afilias.record.expires_at), "2012-02-12T18:08:52Z");
  EXPECT_THAT(afilias.record.nameservers, ElementsAre("ns1.a.net."));
}

TEST(WhoisParse, NotFoundAndThrottledWording) {
  for (std::string text : {"Nincs találat / No match\n", "No information available about domain name a.pl in the Registry\n",
                           "Domain Status: No Object Found\n", "Domain name: a.ca\nDomain status: available\n",
                           "Above domain name is not registered to KRNIC.\n", "query_status: 220 Available\n",
                           "The queried object does not exist: DOMAIN NOT FOUND\nAccess to the whois service is rate limited.\n"}) {
    EXPECT_EQ(ParseWhoisAnswer(text).kind, Kind::kNotFound) << text;
  }
  for (std::string text : {"request limit exceeded for 127.0.0.1\n", "% Maximum queries per hour reached (100)\n",
                           "Number of allowed queries exceeded.\n", "% Excessive querying, grace period of 2 seconds\n"}) {
    EXPECT_EQ(ParseWhoisAnswer(text).kind, Kind::kThrottled) << text;
  }
}

TEST(WhoisParse, OnlyTheLastServerOfAChainedAnswerCounts) {
  WhoisAnswer a = ParseWhoisAnswer("refer: whois.nic.x\n\ndomain: X\nstatus: ACTIVE\nnserver: A.NIC.X 192.0.2.1\n\n"
                                   "# whois.nic.x\n\nDomain Name: a.x\nName Server: ns1.a.net\n");
  EXPECT_TRUE(a.record.statuses.empty());  // "status: ACTIVE" was IANA's about the TLD
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.a.net."));
}

}  // namespace
}  // namespace domainguard::registration
