// PackedZone: an ObservedZone as one string. See packed_zone.h.
#include "controller/records/packed_zone.h"

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "controller/base/byte_codec.h"

namespace domainguard::records {
namespace {

using base::ByteReader;
using base::PutString;
using base::PutVarint;

// The tag byte of an rrset: the name's base::ZoneNameForm in its low bits, then these flags.
constexpr uint8_t kOwnerFollows = 4;  // else the owner is the rrset before's ("" for the first)
constexpr uint8_t kAdopted = 8;
static_assert((base::kZoneNameFormMask & (kOwnerFollows | kAdopted)) == 0);

}  // namespace

PackedZone::PackedZone(const providers::ObservedZone& zone) {
  std::string out;
  out.reserve(zone.zone.size() + 8 + zone.rrsets.size() * 48);
  PutString(out, zone.zone);
  PutVarint(out, zone.rrsets.size());
  const std::string* owner = nullptr;
  for (const providers::ObservedRRset& r : zone.rrsets) {
    const std::string_view name = r.rrset.name;
    const base::ZoneNameForm form = base::FormInZone(name, zone.zone);
    uint8_t tag = form;
    const bool owner_follows = owner == nullptr ? !r.owner.empty() : *owner != r.owner;
    if (owner_follows) tag |= kOwnerFollows;
    if (r.adopted) tag |= kAdopted;
    out.push_back(static_cast<char>(tag));
    base::PutNameInZone(out, name, zone.zone, form);
    PutString(out, r.rrset.type);
    PutVarint(out, r.rrset.ttl);
    PutVarint(out, r.rrset.values.size());
    for (const std::string& v : r.rrset.values) PutString(out, v);
    if (owner_follows) PutString(out, r.owner);
    owner = &r.owner;
  }
  size_ = out.size();
  std::shared_ptr<char[]> bytes = std::make_shared_for_overwrite<char[]>(size_);
  std::copy(out.begin(), out.end(), bytes.get());
  packed_ = std::move(bytes);
}

Result<providers::ObservedZone> PackedZone::Unpack() const {
  ByteReader in(view());
  providers::ObservedZone zone;
  zone.zone = in.String();
  const uint64_t rrsets = in.Varint();
  std::string owner;
  for (uint64_t i = 0; i < rrsets && in.ok(); ++i) {
    providers::ObservedRRset r;
    const uint8_t tag = in.Byte();
    r.rrset.name = base::ReadNameInZone(in, tag & base::kZoneNameFormMask, zone.zone);
    r.rrset.type = in.String();
    r.rrset.ttl = in.U32();
    const uint64_t values = in.Varint();
    for (uint64_t k = 0; k < values && in.ok(); ++k) r.rrset.values.push_back(in.String());
    if (tag & kOwnerFollows) owner = in.String();
    r.owner = owner;
    r.adopted = (tag & kAdopted) != 0;
    zone.rrsets.push_back(std::move(r));
  }
  if (!in.ok() || !in.done()) return Error::Internal("a packed zone does not read back whole");
  return zone;
}

PackedZone PackedZone::Share(const PackedZone& other) const {
  return *this == other ? other : *this;
}

bool PackedZone::operator==(const PackedZone& other) const { return view() == other.view(); }

}  // namespace domainguard::records
