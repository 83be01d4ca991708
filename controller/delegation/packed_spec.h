// A Domain's probe expectations (ZoneSpec without its providers) packed into one string while the delegation
// controller keeps them between probes. They are kept for every Domain until its inputs change and unpacked only
// for the Domain being probed: as a ZoneSpec (a vector of name servers and of records, each with strings and
// vectors of its own) they were ~1 KB in ~25 allocations per Domain, ~10 MB of live heap at 10,000 Domains
// (heaptrack; issue #14: RSS <= 150 MB); packed they are one allocation of ~100-200 bytes.
// Names are kept relative to the zone (the apex as a tag alone); names outside it are kept whole, as they were.
// Encoding: the zone; per name server a tag byte (how its name is kept), the name, the addresses, the provider;
// per record a tag byte, the name, the type, the values. Integers as LEB128 varints, strings as a varint length
// and bytes. `providers` (the ledger's facts, read at each sweep) is not packed.
// Thread-safety: plain value.
#pragma once

#include <cstddef>
#include <string>

#include "controller/base/result.h"
#include "controller/delegation/observation.h"

namespace domainguard::delegation {

class PackedZoneSpec {
 public:
  PackedZoneSpec() = default;
  // Packs `spec` without its providers.
  explicit PackedZoneSpec(const ZoneSpec& spec);

  // The spec as it was packed (providers empty). Bytes that do not read back whole are kInternal.
  Result<ZoneSpec> Unpack() const;

  size_t bytes() const { return packed_.size(); }

 private:
  std::string packed_;  // shrunk to fit: one allocation
};

}  // namespace domainguard::delegation
