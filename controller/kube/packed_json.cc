// PackedJson (packed_json.h).
#include "controller/kube/packed_json.h"

#include <cstring>
#include <mutex>

#include "controller/base/byte_codec.h"

namespace domainguard::kube {

using nlohmann::json;

namespace {

enum Tag : uint8_t {
  kNull = 0,
  kFalse = 1,
  kTrue = 2,
  kInteger = 3,   // zigzag varint
  kUnsigned = 4,  // varint
  kDouble = 5,    // 8 bytes, host order (the bytes never leave the process)
  kString = 6,    // varint length, bytes
  kArray = 7,     // varint count, items
  kObject = 8,    // varint count, then per member: varint (key index + 1, or 0 and the key as a string), value
  kBinary = 9,    // varint length, bytes (the subtype is not kept)
};

// Far deeper than any Kubernetes object; a bound on the decoder's recursion whatever the bytes say (~100 bytes of
// stack a level).
constexpr int kMaxDepth = 10000;

using base::PutString;
using base::PutVarint;

void Put(std::string& out, const json& v, KeyTable& keys) {
  switch (v.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
      out.push_back(static_cast<char>(kNull));
      return;
    case json::value_t::boolean:
      out.push_back(static_cast<char>(v.get<bool>() ? kTrue : kFalse));
      return;
    case json::value_t::number_integer: {
      const auto i = v.get<int64_t>();
      out.push_back(static_cast<char>(kInteger));
      PutVarint(out, (static_cast<uint64_t>(i) << 1) ^ static_cast<uint64_t>(i >> 63));
      return;
    }
    case json::value_t::number_unsigned:
      out.push_back(static_cast<char>(kUnsigned));
      PutVarint(out, v.get<uint64_t>());
      return;
    case json::value_t::number_float: {
      const double d = v.get<double>();
      char bytes[sizeof d];
      std::memcpy(bytes, &d, sizeof d);
      out.push_back(static_cast<char>(kDouble));
      out.append(bytes, sizeof d);
      return;
    }
    case json::value_t::string:
      out.push_back(static_cast<char>(kString));
      PutString(out, v.get_ref<const std::string&>());
      return;
    case json::value_t::binary: {
      const auto& b = v.get_binary();
      out.push_back(static_cast<char>(kBinary));
      PutVarint(out, b.size());
      out.append(reinterpret_cast<const char*>(b.data()), b.size());
      return;
    }
    case json::value_t::array:
      out.push_back(static_cast<char>(kArray));
      PutVarint(out, v.size());
      for (const json& item : v) Put(out, item, keys);
      return;
    case json::value_t::object:
      out.push_back(static_cast<char>(kObject));
      PutVarint(out, v.size());
      for (const auto& [key, item] : v.items()) {
        if (std::optional<uint32_t> index = keys.Intern(key)) {
          PutVarint(out, uint64_t{*index} + 1);
        } else {
          PutVarint(out, 0);
          PutString(out, key);
        }
        Put(out, item, keys);
      }
      return;
  }
}

// Reads what Put wrote, front to back; any read past the end, overlong varint, unknown tag or key makes ok()
// false for good.
class Reader {
 public:
  Reader(std::string_view in, const std::deque<std::string>& keys) : in_(in), keys_(keys) {}

  json Value(int depth) {
    if (depth > kMaxDepth) return Fail();
    switch (in_.Byte(0xff)) {
      case kNull: return nullptr;
      case kFalse: return false;
      case kTrue: return true;
      case kInteger: {
        const uint64_t z = in_.Varint();
        return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
      }
      case kUnsigned: return in_.Varint();
      case kDouble: {
        const std::string_view bytes = in_.Take(sizeof(double));
        if (!in_.ok()) return Fail();
        double d = 0;
        std::memcpy(&d, bytes.data(), sizeof d);
        return d;
      }
      case kString: return in_.String();
      case kBinary: {
        const std::string bytes = in_.String();
        return json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
      }
      case kArray: {
        const uint64_t n = in_.Count();
        json out = json::array();
        auto& items = out.get_ref<json::array_t&>();
        items.reserve(n);
        for (uint64_t i = 0; i < n && in_.ok(); ++i) items.push_back(Value(depth + 1));
        return out;
      }
      case kObject: {
        const uint64_t n = in_.Count();
        json out = json::object();
        auto& members = out.get_ref<json::object_t&>();
        for (uint64_t i = 0; i < n && in_.ok(); ++i) {
          const uint64_t k = in_.Varint();
          std::string key;
          if (k == 0) {
            key = in_.String();
          } else if (k - 1 < keys_.size()) {
            key = keys_[k - 1];
          } else {
            return Fail();
          }
          json item = Value(depth + 1);
          members.emplace_hint(members.end(), std::move(key), std::move(item));  // written in the map's order
        }
        return out;
      }
      default: return Fail();
    }
  }

  bool ok() const { return in_.ok(); }
  bool done() const { return in_.done(); }

 private:
  json Fail() {
    in_.Fail();
    return nullptr;
  }

  base::ByteReader in_;
  const std::deque<std::string>& keys_;
};

}  // namespace

std::optional<uint32_t> KeyTable::Intern(std::string_view key) {
  {
    std::shared_lock lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) return it->second;
  }
  std::unique_lock lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) return it->second;
  if (keys_.size() >= kMaxKeys) return std::nullopt;
  const auto index = static_cast<uint32_t>(keys_.size());
  keys_.emplace_back(key);
  index_.emplace(keys_.back(), index);
  return index;
}

size_t KeyTable::size() const {
  std::shared_lock lock(mu_);
  return keys_.size();
}

std::string PackJson(const json& value, KeyTable& keys) {
  std::string out;
  Put(out, value, keys);
  out.shrink_to_fit();
  return out;
}

json UnpackJson(std::string_view packed, const KeyTable& keys) {
  std::shared_lock lock(keys.mu_);
  Reader in(packed, keys.keys_);
  json value = in.Value(0);
  if (!in.ok() || !in.done()) return json(json::value_t::discarded);
  return value;
}

}  // namespace domainguard::kube
