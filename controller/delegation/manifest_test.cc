#include "controller/delegation/manifest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/dns/dns_message.h"

namespace domainguard::delegation {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ManifestTest, ReadsDomainsWithNameserversAndRecords) {
  auto specs = ParseDomainManifest(R"(
apiVersion: domainguard.io/v1alpha1
kind: Domain
metadata: {name: example-com, namespace: web}
spec:
  zone: Example.COM
  providers: [{name: pdns-a}]
  nameservers:
  - {name: ns1.example.com, addresses: [192.0.2.10, "2001:db8::10"]}
  - {name: ns1.pdns-a.example.}
  records:
  - {name: "@", type: MX, ttl: 3600, values: ["10 MX1.example.com."]}
  - {name: www, type: A, ttl: 300, values: [192.0.2.80, 192.0.2.81]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ignored}
---
apiVersion: domainguard.io/v1alpha1
kind: DNSProvider
metadata: {name: pdns-a, namespace: web}
spec:
  nameservers: [ns1.pdns-a.example., ns2.pdns-a.example.]
)");
  ASSERT_TRUE(specs.ok()) << specs.error().ToString();
  ASSERT_EQ(specs->size(), 1u);
  const ZoneSpec& z = (*specs)[0];
  EXPECT_EQ(z.zone, "example.com.");
  ASSERT_EQ(z.nameservers.size(), 2u);
  EXPECT_EQ(z.nameservers[0].name, "ns1.example.com.");
  EXPECT_THAT(z.nameservers[0].addresses, ElementsAre("192.0.2.10", "2001:db8::10"));
  EXPECT_EQ(z.nameservers[0].provider, "");
  EXPECT_EQ(z.nameservers[1].provider, "pdns-a");  // listed by the provider
  ASSERT_EQ(z.records.size(), 2u);
  EXPECT_EQ(z.records[0].name, "example.com.");
  EXPECT_EQ(z.records[0].type, dns::kTypeMX);
  EXPECT_THAT(z.records[0].values, ElementsAre("10 mx1.example.com."));
  EXPECT_EQ(z.records[1].name, "www.example.com.");
  EXPECT_THAT(z.records[1].values, ElementsAre("192.0.2.80", "192.0.2.81"));
}

TEST(ManifestTest, NameserversDefaultToTheProvidersUnion) {
  auto specs = ParseDomainManifest(R"(
kind: Domain
metadata: {name: d}
spec: {zone: d.test, providers: [{name: a}, {name: b}]}
---
kind: DNSProvider
metadata: {name: a}
spec: {nameservers: [ns1.pdns-a.net.]}
---
kind: DNSProvider
metadata: {name: b}
spec: {nameservers: [ns1.pdns-b.net.]}
)");
  ASSERT_TRUE(specs.ok()) << specs.error().ToString();
  ASSERT_EQ((*specs)[0].nameservers.size(), 2u);
  EXPECT_EQ((*specs)[0].nameservers[0].name, "ns1.pdns-a.net.");
  EXPECT_EQ((*specs)[0].nameservers[0].provider, "a");
  EXPECT_EQ((*specs)[0].nameservers[1].provider, "b");
}

TEST(ManifestTest, ErrorsNameTheDocumentAndField) {
  auto no_zone = ParseDomainManifest("kind: Domain\nmetadata: {name: x}\nspec: {}\n");
  ASSERT_FALSE(no_zone.ok());
  EXPECT_THAT(no_zone.error().message, HasSubstr("document 1 (x): spec.zone is required"));
  auto bad_type = ParseDomainManifest("kind: Domain\nspec: {zone: a.test, records: [{name: w, type: BOGUS, values: [x]}]}\n");
  ASSERT_FALSE(bad_type.ok());
  EXPECT_THAT(bad_type.error().message, HasSubstr("BOGUS"));
  auto bad_value = ParseDomainManifest("kind: Domain\nspec: {zone: a.test, records: [{name: w, type: A, values: [x]}]}\n");
  ASSERT_FALSE(bad_value.ok());
  EXPECT_THAT(bad_value.error().message, HasSubstr("w.a.test."));
  auto bad_yaml = ParseDomainManifest("kind: Domain\nspec: [unclosed\n");
  EXPECT_FALSE(bad_yaml.ok());
  auto wrong_shape = ParseDomainManifest("kind: Domain\nspec: {zone: [a, b]}\n");
  EXPECT_FALSE(wrong_shape.ok());
}

TEST(ManifestTest, AbsoluteOwner) {
  EXPECT_EQ(AbsoluteOwner("@", "example.com"), "example.com.");
  EXPECT_EQ(AbsoluteOwner("www", "example.com."), "www.example.com.");
  EXPECT_EQ(AbsoluteOwner("Mail.Example.com.", "example.com."), "mail.example.com.");
}

}  // namespace
}  // namespace domainguard::delegation
