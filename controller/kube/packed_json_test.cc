// PackedJson: values read back exactly, keys shared through the table, a bounded table, and bytes that are not one
// packed value rejected.
#include "controller/kube/packed_json.h"

#include <gtest/gtest.h>

namespace domainguard::kube {
namespace {

using nlohmann::json;

json Domain(int i) {
  return json::parse(R"({"apiVersion":"domainguard.io/v1alpha1","kind":"Domain",
    "metadata":{"name":"d)" + std::to_string(i) + R"(","namespace":"web","generation":1,"resourceVersion":"10705",
      "labels":{"team":"a"}},
    "spec":{"zone":"it-1.test","providers":[{"name":"pdns-a"},{"name":"pdns-b"}],
      "records":[{"name":"www","type":"A","ttl":60,"values":["192.0.2.80"]}]},
    "status":{"conditions":[
      {"type":"Ready","status":"True","reason":"Healthy","message":"ok","observedGeneration":1,
       "lastTransitionTime":"2026-12-07T03:31:14Z"},
      {"type":"RecordsSynced","status":"True","reason":"Synced","message":"all 2 providers","observedGeneration":1,
       "lastTransitionTime":"2026-12-07T03:31:14Z"}],
      "providers":[{"name":"pdns-a","serial":2026120701,"synced":true,"pendingChanges":0}]}})");
}

TEST(PackedJson, ReadsBackExactly) {
  KeyTable keys;
  const json values[] = {
      Domain(1),
      json(nullptr),
      json(true),
      json(false),
      json(0),
      json(-1),
      json(INT64_MIN),
      json(INT64_MAX),
      json(UINT64_MAX),
      json(0.5),
      json(-1e300),
      json(""),
      json(std::string(300, 'x')),
      json(std::string("nul\0inside", 10)),
      json::array(),
      json::object(),
      json::parse(R"([[[]],{"":{"a":[1,-2,3.5,"x",null]}}])"),
      json::binary({1, 2, 3}),
  };
  for (const json& v : values) {
    const json back = UnpackJson(PackJson(v, keys), keys);
    EXPECT_EQ(back, v) << v.dump();
    EXPECT_EQ(back.type(), v.type()) << v.dump();
  }
}

TEST(PackedJson, KeysAreSharedAndTheObjectIsSmallerThanMessagePack) {
  KeyTable keys;
  const std::string first = PackJson(Domain(1), keys);
  const size_t learned = keys.size();
  const std::string second = PackJson(Domain(2), keys);
  EXPECT_EQ(keys.size(), learned) << "the second Domain has no key the first had not";
  EXPECT_EQ(UnpackJson(second, keys), Domain(2));
  EXPECT_LT(second.size(), json::to_msgpack(Domain(2)).size() * 3 / 4);
}

TEST(PackedJson, ATableThatIsFullKeepsNewKeysInline) {
  KeyTable keys;
  for (size_t i = 0; i < KeyTable::kMaxKeys; ++i) ASSERT_TRUE(keys.Intern("k" + std::to_string(i)).has_value());
  EXPECT_FALSE(keys.Intern("one-more").has_value());
  EXPECT_EQ(keys.Intern("k7"), 7u);
  const json v = {{"one-more", {{"k7", 1}, {"another", 2}}}};
  EXPECT_EQ(UnpackJson(PackJson(v, keys), keys), v);
  EXPECT_EQ(keys.size(), KeyTable::kMaxKeys);
}

TEST(PackedJson, BytesThatAreNotOneValueAreRejected) {
  KeyTable keys;
  const std::string whole = PackJson(Domain(1), keys);
  for (size_t n = 0; n < whole.size(); ++n) {
    EXPECT_TRUE(UnpackJson(whole.substr(0, n), keys).is_discarded()) << "cut at " << n;
  }
  EXPECT_TRUE(UnpackJson(whole + '\0', keys).is_discarded()) << "trailing bytes";
  KeyTable other;  // keys of another table: unknown indexes
  EXPECT_TRUE(UnpackJson(whole, other).is_discarded());
  EXPECT_TRUE(UnpackJson(std::string(1, '\x7f'), keys).is_discarded()) << "unknown tag";
  std::string nested;  // arrays of one item each, around a null
  for (int i = 0; i < 100; ++i) nested += "\x07\x01";
  EXPECT_EQ(UnpackJson(nested + '\0', keys).dump(), std::string(100, '[') + "null" + std::string(100, ']'));
  for (int i = 0; i < 10000; ++i) nested += "\x07\x01";
  EXPECT_TRUE(UnpackJson(nested + '\0', keys).is_discarded()) << "deeper than the decoder goes";
  EXPECT_TRUE(UnpackJson("\x07\xff\xff\xff\xff\x0f", keys).is_discarded()) << "a count past the end";
}

}  // namespace
}  // namespace domainguard::kube
