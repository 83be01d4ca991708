// PackedZone: an ObservedZone as one string. See packed_zone.h.
#include "controller/records/packed_zone.h"

#include <cstdint>
#include <string_view>

namespace domainguard::records {
namespace {

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

// Reads what PutVarint and PutString wrote, front to back; any read past the end or an overlong varint makes
// ok() false for good.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

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
    return static_cast<uint32_t>(v);
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

  bool ok() const { return ok_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

PackedZone::PackedZone(const providers::ObservedZone& zone) {
  size_t size = zone.zone.size() + zone.version.soa.size() + 16;
  for (const providers::ObservedRRset& r : zone.rrsets) {
    size += r.rrset.name.size() + r.rrset.type.size() + r.owner.size() + 12;
    for (const std::string& v : r.rrset.values) size += v.size() + 2;
  }
  packed_.reserve(size);
  PutString(packed_, zone.zone);
  PutVarint(packed_, zone.version.serial);
  PutString(packed_, zone.version.soa);
  PutVarint(packed_, zone.version.soa_ttl);
  PutVarint(packed_, zone.rrsets.size());
  for (const providers::ObservedRRset& r : zone.rrsets) {
    PutString(packed_, r.rrset.name);
    PutString(packed_, r.rrset.type);
    PutVarint(packed_, r.rrset.ttl);
    PutVarint(packed_, r.rrset.values.size());
    for (const std::string& v : r.rrset.values) PutString(packed_, v);
    PutString(packed_, r.owner);
    PutVarint(packed_, r.adopted ? 1 : 0);
  }
  packed_.shrink_to_fit();
}

Result<providers::ObservedZone> PackedZone::Unpack() const {
  Reader in(packed_);
  providers::ObservedZone zone;
  zone.zone = in.String();
  zone.version.serial = in.U32();
  zone.version.soa = in.String();
  zone.version.soa_ttl = in.U32();
  const uint64_t rrsets = in.Varint();
  for (uint64_t i = 0; i < rrsets && in.ok(); ++i) {
    providers::ObservedRRset r;
    r.rrset.name = in.String();
    r.rrset.type = in.String();
    r.rrset.ttl = in.U32();
    const uint64_t values = in.Varint();
    for (uint64_t k = 0; k < values && in.ok(); ++k) r.rrset.values.push_back(in.String());
    r.owner = in.String();
    r.adopted = in.Varint() != 0;
    zone.rrsets.push_back(std::move(r));
  }
  if (!in.ok() || !in.done()) return Error::Internal("a packed zone does not read back whole");
  return zone;
}

}  // namespace domainguard::records
