// PackedJson (packed_json.h).
#include "controller/kube/packed_json.h"

#include <cstring>
#include <mutex>

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

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

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
    switch (Byte()) {
      case kNull: return nullptr;
      case kFalse: return false;
      case kTrue: return true;
      case kInteger: {
        const uint64_t z = Varint();
        return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
      }
      case kUnsigned: return Varint();
      case kDouble: {
        double d = 0;
        if (in_.size() - pos_ < sizeof d) return Fail();
        std::memcpy(&d, in_.data() + pos_, sizeof d);
        pos_ += sizeof d;
        return d;
      }
      case kString: return String();
      case kBinary: {
        const std::string bytes = String();
        return json::binary(std::vector<uint8_t>(bytes.begin(), bytes.end()));
      }
      case kArray: {
        const uint64_t n = Count();
        json out = json::array();
        auto& items = out.get_ref<json::array_t&>();
        items.reserve(n);
        for (uint64_t i = 0; i < n && ok_; ++i) items.push_back(Value(depth + 1));
        return out;
      }
      case kObject: {
        const uint64_t n = Count();
        json out = json::object();
        auto& members = out.get_ref<json::object_t&>();
        for (uint64_t i = 0; i < n && ok_; ++i) {
          const uint64_t k = Varint();
          std::string key;
          if (k == 0) {
            key = String();
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

  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  json Fail() {
    ok_ = false;
    return nullptr;
  }

  uint8_t Byte() {
    if (pos_ >= in_.size()) {
      ok_ = false;
      return 0xff;
    }
    return static_cast<uint8_t>(in_[pos_++]);
  }

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && ok_; shift += 7) {
      if (pos_ >= in_.size()) break;
      const auto byte = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }

  // A count of items, each at least one byte: more than the bytes left is not a value Put wrote.
  uint64_t Count() {
    const uint64_t n = Varint();
    if (n > in_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }

  std::string String() {
    const uint64_t n = Varint();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return "";
    }
    std::string out(in_.substr(pos_, n));
    pos_ += n;
    return out;
  }

  std::string_view in_;
  const std::deque<std::string>& keys_;
  size_t pos_ = 0;
  bool ok_ = true;
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
