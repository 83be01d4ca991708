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
  EXPECT_THAT(a.record.statuses, ElementsAre("DELEGATED", "REGISTERED", "VERIFIED"));
  EXPECT_THAT(a.record.nameservers, ElementsAre("ns1.pdns-a.net.", "ns1.pdns-b.net."));
}

TEST(WhoisParse, NoExpiryDenicLike) {
  WhoisAnswer a = ParseWhoisAnswer(Fixture("whois/no-expiry.txt", "example.de"));
  ASSERT_EQ(a.kind, Kind::kData);
  EXPECT_FALSE(a.record.expires_at.has_value());
  EXPECT_THAT(a.record.statuses, ElementsAre("connect"));
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

}  // namespace
}  // namespace domainguard::registration
