#include "controller/zone/rrset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace domainguard::zone {
namespace {

struct NameCase {
  std::string name, in, origin, want;  // want "" means an error
};
class NormalizeNameTest : public ::testing::TestWithParam<NameCase> {};
TEST_P(NormalizeNameTest, Canonical) {
  const NameCase& c = GetParam();
  Result<std::string> got = NormalizeName(c.in, c.origin);
  if (c.want.empty()) {
    EXPECT_FALSE(got.ok()) << *got;
  } else {
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    EXPECT_EQ(*got, c.want);
  }
}
INSTANTIATE_TEST_SUITE_P(
    Names, NormalizeNameTest,
    ::testing::ValuesIn(std::vector<NameCase>{
        {"apex_at", "@", "example.com.", "example.com."},
        {"apex_empty", "", "example.com.", "example.com."},
        {"relative", "WWW", "example.com.", "www.example.com."},
        {"absolute_mixed_case", "Mail.Example.COM.", "example.com.", "mail.example.com."},
        {"wildcard", "*.dev", "example.com.", "*.dev.example.com."},
        {"underscore", "_dmarc", "example.com.", "_dmarc.example.com."},
        {"idn_label", "bücher", "example.com.", "xn--bcher-kva.example.com."},
        {"idn_upper", "BÜCHER", "example.com.", "xn--bcher-kva.example.com."},
        {"idn_zone", "münchen.de", ".", "xn--mnchen-3ya.de."},
        {"zone_without_dot", "example.com", ".", "example.com."},
        {"empty_label", "a..b", "example.com.", ""},
        {"long_label", std::string(64, 'a'), "example.com.", ""},
        {"space", "a b", "example.com.", ""},
        {"newline", "a\nb", "example.com.", ""},
        {"quote", "a\"b", "example.com.", ""},
        {"relative_without_origin", "www", "", ""},
    }),
    [](const auto& info) { return info.param.name; });

struct ValueCase {
  std::string name, type, in, want;  // want "" means an error
};
class NormalizeValueTest : public ::testing::TestWithParam<ValueCase> {};
TEST_P(NormalizeValueTest, Canonical) {
  const ValueCase& c = GetParam();
  Result<std::string> got = NormalizeValue(c.type, c.in, "www.example.com.", "example.com.");
  if (c.want.empty()) {
    EXPECT_FALSE(got.ok()) << *got;
  } else {
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    EXPECT_EQ(*got, c.want);
  }
}
INSTANTIATE_TEST_SUITE_P(
    Values, NormalizeValueTest,
    ::testing::ValuesIn(std::vector<ValueCase>{
        {"a", "A", "192.0.2.1", "192.0.2.1"},
        {"a_bad_octet", "A", "300.1.1.1", ""},
        {"a_trailing_garbage", "A", "192.0.2.1 x", ""},
        {"aaaa_compressed", "AAAA", "2001:DB8:0:0::10", "2001:db8::10"},
        {"aaaa_bad", "AAAA", "2001:db8::zz", ""},
        {"mx_case", "MX", "10 MX1.Example.COM.", "10 mx1.example.com."},
        {"mx_relative", "MX", "10 mx1", "10 mx1.example.com."},
        {"mx_missing_host", "MX", "10", ""},
        {"cname", "CNAME", "Target.Example.NET.", "target.example.net."},
        {"txt_plain", "TXT", "v=spf1 -all", "\"v=spf1 -all\""},
        {"txt_quoted_kept", "TXT", "\"a\" \"b\"", "\"a\" \"b\""},
        {"txt_case_kept", "TXT", "Hello", "\"Hello\""},
        {"srv", "SRV", "10 5 5060 SIP.example.com.", "10 5 5060 sip.example.com."},
        {"caa", "CAA", "0 issue \"letsencrypt.org\"", "0 issue \"letsencrypt.org\""},
        {"newline_smuggling", "A", "192.0.2.1\nevil 1 IN A 192.0.2.2", ""},
        {"empty", "A", "  ", ""},
    }),
    [](const auto& info) { return info.param.name; });

// The address fast path must be invisible: every value gives what ldns alone gives, result or error message.
TEST(NormalizeValue, AddressFastPathAgreesWithLdns) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"A", "192.0.2.1"},         {"A", "0.0.0.0"},          {"A", "255.255.255.255"}, {"A", "256.0.0.1"},
      {"A", "1.2.3"},             {"A", "01.2.3.4"},         {"A", "1.2.3.4 "},        {"A", " 1.2.3.4"},
      {"A", "1.2.3.4;comment"},   {"A", "1.2.3.4 x"},        {"A", "0x1.2.3.4"},       {"A", "::1"},
      {"A", "1.2.3.4\n"},        {"A", ""},                 {"A", "1.2.3.4.5"},       {"A", "\t192.0.2.9\t"},
      {"AAAA", "2001:db8::1"},    {"AAAA", "2001:DB8:0:0::10"}, {"AAAA", "::"},        {"AAAA", "::ffff:1.2.3.4"},
      {"AAAA", "fe80::1%eth0"},   {"AAAA", "1.2.3.4"},       {"AAAA", "2001:db8::zz"}, {"AAAA", "2001:0db8:0000::0001"},
      {"AAAA", "2001:db8::1 ; x"}, {"AAAA", "::ffff:0:0"},   {"AAAA", "1:2:3:4:5:6:7:8"}, {"AAAA", "1:2:3:4:5:6:7:8:9"},
      // A NUL ends the string inet_pton reads: "1.2.3.4\0x" must not pass as 1.2.3.4 (found by zonefile_fuzz).
      {"A", std::string("1.2.3.4\0x", 9)}, {"A", std::string("1.2.3.4\0", 8)}, {"AAAA", std::string("::1\0", 4)},
  };
  for (const auto& [type, value] : cases) {
    Result<std::string> fast = NormalizeValue(type, value, "www.example.com.", "example.com.");
    Result<std::string> ldns = NormalizeValueWithLdns(type, value, "www.example.com.", "example.com.");
    ASSERT_EQ(fast.ok(), ldns.ok()) << type << " " << value;
    if (fast.ok()) {
      EXPECT_EQ(*fast, *ldns) << type << " " << value;
    } else {
      EXPECT_EQ(fast.error().message, ldns.error().message) << type << " " << value;
    }
  }
}

// The same for the plain names, MX values and TXT strings (base/plain_rdata.h), with and without an origin: what the
// fast path takes it returns as ldns would; what it leaves (escapes, blanks, '@', long names) ldns still decides.
TEST(NormalizeValue, SimpleValueFastPathAgreesWithLdns) {
  const std::string label63(63, 'a');
  const std::string long_name = label63 + "." + label63 + "." + label63 + "." + label63 + ".";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"NS", "ns1.example.net."}, {"NS", "NS1.Example.NET."}, {"NS", "ns1"}, {"NS", "ns1.sub"}, {"NS", "a..b."},
      {"NS", "."}, {"NS", ""}, {"NS", "@"}, {"NS", "x\\.y."}, {"NS", "ns1.example.net"}, {"NS", "-a.b."},
      {"NS", "ns1.example.net. "}, {"NS", " ns1.example.net."}, {"NS", "a b."}, {"NS", "*.a."}, {"NS", "\xc3\xa9.com."},
      {"NS", label63 + ".com."}, {"NS", label63 + "a.com."}, {"NS", long_name}, {"NS", long_name.substr(1)},
      {"NS", "ns1.example.net.;c"}, {"NS", "a.b.."}, {"NS", "1.2.3.4"}, {"NS", "ns1\n.x."},
      {"CNAME", "www.example.com."}, {"CNAME", "_dmarc"}, {"CNAME", "Target-1.Example.org."}, {"CNAME", "x.y.z"},
      {"PTR", "host.example.com."}, {"PTR", "HOST"}, {"DNAME", "other.example."}, {"DNAME", "Sub"},
      {"MX", "10 mx.example.com."}, {"MX", "010 mx"}, {"MX", "0 ."}, {"MX", "65535 mx."}, {"MX", "65536 mx."},
      {"MX", "99999 mx."}, {"MX", "10  mx."}, {"MX", "10\tmx."}, {"MX", "-1 mx."}, {"MX", "10 mx.example.com. "},
      {"MX", " 10 mx."}, {"MX", "10"}, {"MX", "mx."}, {"MX", "10 MX.Example.COM."}, {"MX", "1234567 mx."},
      {"MX", "10 mx. extra"}, {"MX", "0x10 mx."}, {"MX", "10 @"}, {"MX", "00000 mx."}, {"MX", "000000 mx."},
      {"TXT", "v=spf1 -all"}, {"TXT", "\"v=spf1 -all\""}, {"TXT", "\"\""}, {"TXT", ""}, {"TXT", "\"a\" \"b\""},
      {"TXT", "a;b"}, {"TXT", "a\\b"}, {"TXT", "a\"b"}, {"TXT", " x"}, {"TXT", "x "}, {"TXT", "\"unterminated"},
      {"TXT", "trailing\""}, {"TXT", std::string(240, 'x')}, {"TXT", std::string(241, 'x')},
      {"TXT", std::string(255, 'x')}, {"TXT", std::string(256, 'x')}, {"TXT", "with (paren)"}, {"TXT", "tab\tx"},
      {"TXT", "\xc3\xa9"}, {"TXT", "\" spaced \""}, {"TXT", "\"x"}, {"TXT", "\""}, {"TXT", "k=v; p=x"},
      {"TXT", "google-site-verification=abc_DEF-123"}, {"TXT", "~!@#$%^&*_+=-{}[]|:',.<>/?`"},
  };
  for (const std::string origin : {"example.com.", ""}) {
    for (const auto& [type, value] : cases) {
      Result<std::string> fast = NormalizeValue(type, value, "www.example.com.", origin);
      Result<std::string> ldns = NormalizeValueWithLdns(type, value, "www.example.com.", origin);
      ASSERT_EQ(fast.ok(), ldns.ok()) << type << " [" << value << "] origin " << origin;
      if (fast.ok()) {
        EXPECT_EQ(*fast, *ldns) << type << " [" << value << "] origin " << origin;
      } else {
        EXPECT_EQ(fast.error().message, ldns.error().message) << type << " [" << value << "] origin " << origin;
      }
    }
  }
}

TEST(NormalizeValue, ErrorMessagesSayWhatIsWrong) {
  Result<std::string> a = NormalizeValue("A", "300.1.1.1", "www.example.com.", "example.com.");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "\"300.1.1.1\" is not an IPv4 address");
  EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
  Result<std::string> mx = NormalizeValue("MX", "ten mail", "www.example.com.", "example.com.");
  ASSERT_FALSE(mx.ok());
  EXPECT_THAT(mx.error().message, ::testing::StartsWith("\"ten mail\" is not valid MX data"));
}

TEST(NormalizeRRset, SortsDedupsAndNamesTheBadValue) {
  Result<RRset> r = NormalizeRRset({"www", "a", 60, {"192.0.2.2", "192.0.2.1", "192.0.2.2"}}, "example.com.");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(*r, (RRset{"www.example.com.", "A", 60, {"192.0.2.1", "192.0.2.2"}}));

  Result<RRset> bad = NormalizeRRset({"www", "A", 60, {"192.0.2.1", "1.2.3"}}, "example.com.");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "values[1]: \"1.2.3\" is not an IPv4 address");

  Result<RRset> badtype = NormalizeRRset({"www", "BOGUS", 60, {"x"}}, "example.com.");
  ASSERT_FALSE(badtype.ok());
  EXPECT_THAT(badtype.error().message, ::testing::StartsWith("type: "));
}

TEST(IsInZone, Boundaries) {
  EXPECT_TRUE(IsInZone("example.com.", "example.com."));
  EXPECT_TRUE(IsInZone("a.example.com.", "example.com."));
  EXPECT_FALSE(IsInZone("badexample.com.", "example.com."));
  EXPECT_FALSE(IsInZone("com.", "example.com."));
  EXPECT_TRUE(IsInZone("anything.", "."));
}

TEST(SoaWithSerial, ReplacesTheThirdField) {
  EXPECT_EQ(SoaWithSerial("ns1.a.test. hostmaster.a.test. 2026120602 10800 3600 604800 3600", 2026120604u),
            "ns1.a.test. hostmaster.a.test. 2026120604 10800 3600 604800 3600");
  EXPECT_EQ(SoaWithSerial("ns1.a.test.  hostmaster.a.test.   7 1 2 3 4", 8u), "ns1.a.test. hostmaster.a.test. 8 1 2 3 4");
  EXPECT_EQ(SoaWithSerial("ns1.a.test. hostmaster.a.test. x 1 2 3 4", 8u), std::nullopt);
  EXPECT_EQ(SoaWithSerial("", 8u), std::nullopt);
}

}  // namespace
}  // namespace domainguard::zone
