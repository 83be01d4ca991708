// Varint-framed bytes: the writer and the reader that the compact in-memory forms share (kube::PackJson,
// records::PackedZone, delegation::PackedZoneSpec). Integers are LEB128 varints (7 bits a byte, low bits first),
// strings a varint length and the bytes.
//
// The bytes come from this process, yet a reader never reads past the end nor trusts a length or count beyond the
// bytes left (a count would otherwise reserve without bound): any bad read makes ok() false for good, and the reads
// after it return zero values.
//
// Thread-safety: plain values; a ByteReader is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace domainguard::base {

inline void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

inline void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

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

  uint32_t U32() {
    const uint64_t v = Varint();
    if (v > UINT32_MAX) ok_ = false;
    return ok_ ? static_cast<uint32_t>(v) : 0;
  }

  // A count of items that each take at least one byte: more than the bytes left cannot be.
  uint64_t Count() {
    const uint64_t n = Varint();
    if (n > in_.size() - pos_) ok_ = false;
    return ok_ ? n : 0;
  }

  // The next n bytes as they are; "" (and not ok) when fewer are left.
  std::string_view Take(uint64_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  std::string String() { return std::string(Take(Varint())); }

  // The next byte; `on_end` (and not ok) when none is left.
  uint8_t Byte(uint8_t on_end = 0) {
    if (!ok_ || pos_ >= in_.size()) {
      ok_ = false;
      return on_end;
    }
    return static_cast<uint8_t>(in_[pos_++]);
  }

  void Fail() { ok_ = false; }
  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Names in the packed forms of a zone's data: the zone's own name is kept as its form alone, a name below it (byte for
// byte) as the labels before the zone, any other name whole. A form is below 4, so a caller may keep flags of its own
// in the higher bits of the byte that holds it.
enum ZoneNameForm : uint8_t { kZoneApex = 0, kBelowZone = 1, kWholeName = 2 };
inline constexpr uint8_t kZoneNameFormMask = 3;

inline ZoneNameForm FormInZone(std::string_view name, std::string_view zone) {
  if (zone.empty()) return kWholeName;
  if (name == zone) return kZoneApex;
  const bool below = name.size() > zone.size() + 1 && name.ends_with(zone) && name[name.size() - zone.size() - 1] == '.';
  return below ? kBelowZone : kWholeName;
}

// Writes what `form` (FormInZone's) keeps of `name`.
inline void PutNameInZone(std::string& out, std::string_view name, std::string_view zone, ZoneNameForm form) {
  if (form == kBelowZone) PutString(out, name.substr(0, name.size() - zone.size() - 1));
  if (form == kWholeName) PutString(out, name);
}

// Reads back a name PutNameInZone wrote in `form`; a form it never writes fails the reader.
inline std::string ReadNameInZone(ByteReader& in, uint8_t form, std::string_view zone) {
  switch (form) {
    case kZoneApex: return std::string(zone);
    case kBelowZone: return in.String().append(".").append(zone);
    case kWholeName: return in.String();
    default: in.Fail(); return "";
  }
}

}  // namespace domainguard::base
