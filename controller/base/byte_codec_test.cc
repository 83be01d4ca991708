#include "controller/base/byte_codec.h"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace domainguard::base {
namespace {

TEST(ByteCodec, VarintsAndStringsRoundTrip) {
  std::string out;
  for (uint64_t v : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{300}, UINT64_MAX}) PutVarint(out, v);
  PutString(out, "");
  PutString(out, "mail.example.");
  ByteReader in(out);
  EXPECT_EQ(in.Varint(), 0u);
  EXPECT_EQ(in.Varint(), 127u);
  EXPECT_EQ(in.Varint(), 128u);
  EXPECT_EQ(in.Varint(), 300u);
  EXPECT_EQ(in.Varint(), UINT64_MAX);
  EXPECT_EQ(in.String(), "");
  EXPECT_EQ(in.String(), "mail.example.");
  EXPECT_TRUE(in.ok());
  EXPECT_TRUE(in.done());
}

TEST(ByteCodec, VarintLengths) {
  struct Case {
    uint64_t value;
    size_t bytes;
  };
  for (const Case& c : {Case{0, 1}, Case{127, 1}, Case{128, 2}, Case{16383, 2}, Case{16384, 3}, Case{UINT64_MAX, 10}}) {
    std::string out;
    PutVarint(out, c.value);
    EXPECT_EQ(out.size(), c.bytes) << c.value;
  }
}

TEST(ByteCodec, BadBytesFailForGood) {
  struct Case {
    const char* name;
    std::string bytes;
    int read;  // 0 Varint, 1 String, 2 Count, 3 Take(4), 4 U32, 5 Byte
  };
  const Case cases[] = {
      {"empty varint", "", 0},
      {"varint cut short", "\x80", 0},
      {"overlong varint", std::string(11, '\xff'), 0},
      {"string longer than the bytes", std::string("\x05" "ab"), 1},
      {"count beyond the bytes left", std::string("\x03" "a"), 2},
      {"take beyond the end", "abc", 3},
      {"u32 too large", std::string("\x80\x80\x80\x80\x10"), 4},
      {"byte at the end", "", 5},
  };
  for (const Case& c : cases) {
    ByteReader in(c.bytes);
    switch (c.read) {
      case 0: EXPECT_EQ(in.Varint(), 0u) << c.name; break;
      case 1: EXPECT_EQ(in.String(), "") << c.name; break;
      case 2: EXPECT_EQ(in.Count(), 0u) << c.name; break;
      case 3: EXPECT_EQ(in.Take(4), "") << c.name; break;
      case 4: EXPECT_EQ(in.U32(), 0u) << c.name; break;
      case 5: EXPECT_EQ(in.Byte(0xff), 0xff) << c.name; break;
    }
    EXPECT_FALSE(in.ok()) << c.name;
    // Sticky: later reads return zero values even where bytes are left.
    EXPECT_EQ(in.Byte(), 0) << c.name;
    EXPECT_FALSE(in.ok()) << c.name;
  }
}

}  // namespace
}  // namespace domainguard::base

namespace domainguard::base {
namespace {

TEST(ByteCodec, NamesInAZone) {
  struct Case {
    const char* name;
    const char* zone;
    ZoneNameForm form;
    size_t stored;  // bytes written
  };
  const Case cases[] = {
      {"example.test.", "example.test.", kZoneApex, 0},
      {"www.example.test.", "example.test.", kBelowZone, 4},
      {"a.b.example.test.", "example.test.", kBelowZone, 4},
      {"wwwexample.test.", "example.test.", kWholeName, 17},   // ends with the zone, not below it
      {"ns1.other.test.", "example.test.", kWholeName, 16},
      {"WWW.Example.test.", "example.test.", kWholeName, 18},  // not byte for byte below it
      {"www.example.test.", "", kWholeName, 18},
      {"", "", kWholeName, 1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(FormInZone(c.name, c.zone), c.form) << c.name;
    std::string out;
    PutNameInZone(out, c.name, c.zone, c.form);
    EXPECT_EQ(out.size(), c.stored) << c.name;
    ByteReader in(out);
    EXPECT_EQ(ReadNameInZone(in, c.form, c.zone), c.name) << c.name;
    EXPECT_TRUE(in.ok() && in.done()) << c.name;
  }
  ByteReader in("");
  EXPECT_EQ(ReadNameInZone(in, 3, "example.test."), "");
  EXPECT_FALSE(in.ok());
}

}  // namespace
}  // namespace domainguard::base
