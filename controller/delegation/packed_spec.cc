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

// A name: its base::ZoneNameForm as a byte, then what the form keeps.
void PutName(std::string& out, std::string_view name, std::string_view zone) {
  const base::ZoneNameForm form = base::FormInZone(name, zone);
  out.push_back(static_cast<char>(form));
  base::PutNameInZone(out, name, zone, form);
}

std::string Name(ByteReader& in, const std::string& zone) { return base::ReadNameInZone(in, in.Byte(), zone); }

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
