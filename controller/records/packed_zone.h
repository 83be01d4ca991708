// A provider's zone as the records controller last read it, packed into one string while it is kept between
// passes. The controller keeps it for every Domain and provider only to say what is pending when that provider is
// unreachable (the plan from the desired zone to what it held), so it is read rarely and held always: as
// ObservedZone (a vector of rrsets, each with strings of its own) it was ~1.2 KB in ~30 allocations per zone
// and provider, 24 MB of live heap at 10,000 Domains with 2 providers (heaptrack; issue #14: RSS <= 150 MB);
// packed it is one allocation of a few hundred bytes.
// Encoding: every field in declaration order, integers as LEB128 varints, strings as a varint length and bytes.
// Thread-safety: plain value.
#pragma once

#include <cstddef>
#include <string>

#include "controller/base/result.h"
#include "controller/providers/changes.h"

namespace domainguard::records {

class PackedZone {
 public:
  PackedZone() = default;
  explicit PackedZone(const providers::ObservedZone& zone);

  // The zone as it was packed. A buffer that does not read back whole (not one PackedZone made) is kInternal.
  Result<providers::ObservedZone> Unpack() const;

  size_t bytes() const { return packed_.size(); }

 private:
  std::string packed_;
};

}  // namespace domainguard::records
