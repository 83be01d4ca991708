// Integration: the RFC 2136 provider alone against the bed's BIND (no HTTP, so it also runs under ASan/UBSan
// builds, where cpprestsdk trips UBSan's vptr check): zone missing -> FailedPrecondition; create, update (TTL and
// values), CNAME switch, apex NS change and delete with the _dg-owner registry; a stale SOA -> kAborted; the serial
// poll (one round of SOA queries over c-ares) sees the serial the last write left.
// Needs DG_RFC2136_{SERVER,TSIG_NAME,TSIG_SECRET,ADDZONE,RNDC}.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "controller/providers/rfc2136/rfc2136_provider.h"
#include "tests/testbed_env.h"

namespace domainguard::providers::rfc2136 {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Describe(const ObservedZone& z) {
  std::vector<std::string> out;
  for (const auto& o : z.rrsets) out.push_back(zone::Describe(o.rrset) + " owner=" + o.owner);
  return out;
}

TEST(Rfc2136Bed, WritesReadsAndGuardsAgainstConcurrentChange) {
  DG_BED_ENV(server, "DG_RFC2136_SERVER");
  DG_BED_ENV(key, "DG_RFC2136_TSIG_NAME");
  DG_BED_ENV(secret, "DG_RFC2136_TSIG_SECRET");
  DG_BED_ENV(addzone, "DG_RFC2136_ADDZONE");
  DG_BED_ENV(rndc, "DG_RFC2136_RNDC");
  Config c;
  c.name = "bind-c";
  c.server = server;
  c.tsig_name = key;
  c.tsig_secret = secret;
  Result<std::unique_ptr<Provider>> made = NewRfc2136Provider(c);
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  Provider& p = **made;
  const std::string zone = "rfc2136-unit-" + std::to_string(getpid()) + ".test.";
  const std::string me = "it/rfc2136";

  Result<ObservedZone> absent = p.ReadZone(zone);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().code, ErrorCode::kNotFound) << absent.error().ToString();
  Result<ObservedZone> missing = p.CreateZone(zone, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kFailedPrecondition) << missing.error().ToString();

  ASSERT_EQ(std::system((addzone + " " + zone + " >/dev/null 2>&1").c_str()), 0);
  Result<ObservedZone> exists = p.CreateZone(zone, {});
  ASSERT_FALSE(exists.ok());
  EXPECT_EQ(exists.error().code, ErrorCode::kAlreadyExists) << exists.error().ToString();
  Result<ObservedZone> z0 = p.ReadZone(zone);
  ASSERT_TRUE(z0.ok()) << z0.error().ToString();
  ASSERT_EQ(z0->rrsets.size(), 1u);  // the apex NS the zone was created with
  const ObservedRRset ns0 = z0->rrsets[0];

  Changes create;
  create.owner = me;
  create.creates = {{"www." + zone, "A", 300, {"192.0.2.1", "192.0.2.2"}}, {"txt." + zone, "TXT", 60, {"\"hello world\""}}};
  create.updates = {{ns0, {zone, "NS", 3600, {"ns1.bind-c.net.", "ns1.pdns-a.net."}}}};
  ASSERT_TRUE(p.Apply(zone, create, z0->version).ok());
  Result<ObservedZone> z1 = p.ReadZone(zone);
  ASSERT_TRUE(z1.ok()) << z1.error().ToString();
  EXPECT_GT(z1->version.serial, z0->version.serial);
  EXPECT_THAT(Describe(*z1), ElementsAre(zone + " 3600 NS ns1.bind-c.net.,ns1.pdns-a.net. owner=" + me,
                                         "txt." + zone + " 60 TXT \"hello world\" owner=" + me,
                                         "www." + zone + " 300 A 192.0.2.1,192.0.2.2 owner=" + me));

  // A stale SOA (the zone moved since z0) fails the prerequisite: kAborted, nothing written.
  Changes late;
  late.owner = me;
  late.creates = {{"late." + zone, "A", 300, {"192.0.2.9"}}};
  Result<uint32_t> stale = p.Apply(zone, late, z0->version);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kAborted) << stale.error().ToString();

  // A -> CNAME at www, TTL change at txt, in one message.
  Changes change;
  change.owner = me;
  change.deletes = {z1->rrsets[2]};
  change.creates = {{"www." + zone, "CNAME", 300, {"web.example.net."}}};
  change.updates = {{z1->rrsets[1], {"txt." + zone, "TXT", 120, {"\"hello world\""}}}};
  ASSERT_TRUE(p.Apply(zone, change, z1->version).ok());
  Result<ObservedZone> z2 = p.ReadZone(zone);
  ASSERT_TRUE(z2.ok());
  EXPECT_THAT(Describe(*z2), ElementsAre(zone + " 3600 NS ns1.bind-c.net.,ns1.pdns-a.net. owner=" + me,
                                         "txt." + zone + " 120 TXT \"hello world\" owner=" + me,
                                         "www." + zone + " 300 CNAME web.example.net. owner=" + me));
  // The serial poll: one round of SOA queries over DNS for many zones; an absent zone is kNotFound in it.
  const std::string absent_zone = "rfc2136-absent-" + std::to_string(getpid()) + ".test.";
  Result<std::map<std::string, Result<uint32_t>>> serials = p.Serials({zone, absent_zone});
  ASSERT_TRUE(serials.ok()) << serials.error().ToString();
  ASSERT_EQ(serials->size(), 2u);
  ASSERT_TRUE(serials->at(zone).ok()) << serials->at(zone).error().ToString();
  EXPECT_EQ(*serials->at(zone), z2->version.serial);
  ASSERT_FALSE(serials->at(absent_zone).ok());
  EXPECT_EQ(serials->at(absent_zone).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(std::system((rndc + " delzone " + zone.substr(0, zone.size() - 1) + " >/dev/null 2>&1").c_str()), 0);
}

}  // namespace
}  // namespace domainguard::providers::rfc2136
