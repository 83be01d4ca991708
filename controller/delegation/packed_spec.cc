// PackedZoneSpec: a ZoneSpec as one string. See packed_spec.h.
#include "controller/delegation/packed_spec.h"

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/base/byte_codec.h"

namespace domainguard::delegation {
namespace {

using base::ByteReader;
using base::PutString;
using base::PutVarint;

// How a name is kept: its tag byte.
constexpr uint8_t kApex = 0;      // the name is the zone's (nothing stored)
constexpr uint8_t kRelative = 1;  // the stored label(s), a dot, the zone
constexpr uint8_t kAbsolute = 2;  // stored whole (outside the zone, or not byte for byte under it)

bool UnderZone(std::string_view name, std::string_view zone) {
  return !zone.empty() && name.size() > zone.size() + 1 && name.ends_with(zone) &&
         name[name.size() - zone.size() - 1] == '.';
}

void PutName(std::string& out, std::string_view name, std::string_view zone) {
  if (!zone.empty() && name == zone) {
    out.push_back(static_cast<char>(kApex));
  } else if (UnderZone(name, zone)) {
    out.push_back(static_cast<char>(kRelative));
    PutString(out, name.substr(0, name.size() - zone.size() - 1));
  } else {
    out.push_back(static_cast<char>(kAbsolute));
    PutString(out, name);
  }
}

std::string Name(ByteReader& in, const std::string& zone) {
  switch (in.Byte()) {
    case kApex: return zone;
    case kRelative: return in.String() + "." + zone;
    case kAbsolute: return in.String();
    default: in.Fail(); return "";  // not a tag PutName writes
  }
}

void PutStrings(std::string& out, const std::vector<std::string>& strings) {
  PutVarint(out, strings.size());
  for (const std::string& s : strings) PutString(out, s);
}

std::vector<std::string> Strings(ByteReader& in) {
  std::vector<std::string> out;
  const uint64_t n = in.Count();
  out.reserve(n);
  for (uint64_t i = 0; i < n && in.ok(); ++i) out.push_back(in.String());
  return out;
}

}  // namespace

PackedZoneSpec::PackedZoneSpec(const ZoneSpec& spec) {
  PutString(packed_, spec.zone);
  PutVarint(packed_, spec.nameservers.size());
  for (const NameserverSpec& ns : spec.nameservers) {
    PutName(packed_, ns.name, spec.zone);
    PutStrings(packed_, ns.addresses);
    PutString(packed_, ns.provider);
  }
  PutVarint(packed_, spec.records.size());
  for (const DesiredRecord& r : spec.records) {
    PutName(packed_, r.name, spec.zone);
    PutVarint(packed_, r.type);
    PutStrings(packed_, r.values);
  }
  packed_.shrink_to_fit();
}

Result<ZoneSpec> PackedZoneSpec::Unpack() const {
  ByteReader in(packed_);
  ZoneSpec spec;
  spec.zone = in.String();
  const uint64_t nameservers = in.Count();
  spec.nameservers.reserve(nameservers);
  for (uint64_t i = 0; i < nameservers && in.ok(); ++i) {
    NameserverSpec ns;
    ns.name = Name(in, spec.zone);
    ns.addresses = Strings(in);
    ns.provider = in.String();
    spec.nameservers.push_back(std::move(ns));
  }
  const uint64_t records = in.Count();
  spec.records.reserve(records);
  for (uint64_t i = 0; i < records && in.ok(); ++i) {
    DesiredRecord r;
    r.name = Name(in, spec.zone);
    const uint64_t type = in.Varint();
    if (type > UINT16_MAX) in.Fail();
    r.type = static_cast<uint16_t>(type);
    r.values = Strings(in);
    spec.records.push_back(std::move(r));
  }
  if (!in.ok() || !in.done()) {
    return Error::Internal("packed probe expectations do not read back whole");
  }
  return spec;
}

}  // namespace domainguard::delegation
