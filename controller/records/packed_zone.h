// A provider's zone as the records controller last read it, packed into one string while it is kept between
// passes. The controller keeps it for every Domain and provider only to say what is pending when that provider is
// unreachable (the plan from the desired zone to what it held), so it is read rarely and held always: as
// ObservedZone (a vector of rrsets, each with strings of its own) it was ~1.2 KB in ~30 allocations per zone
// and provider, 24 MB of live heap at 10,000 Domains with 2 providers (heaptrack; issue #14: RSS <= 150 MB);
// packed it is one allocation of a few hundred bytes.
// What is packed is what that plan reads: the zone's name and its rrsets, not its version (serial, SOA), so the
// zones a Domain's providers hold alike pack alike and share one buffer (Share). Names are kept relative to the
// zone and an rrset's owner only where it differs from the rrset before, so a zone of the scale bench's Domains
// packs into 180 bytes instead of ~400 (issue #14: RSS at 10,000 Domains).
// Encoding: the zone, then per rrset a tag byte (how the name is kept, whether the owner follows, adopted), the
// name, type, TTL, values and owner; integers as LEB128 varints, strings as a varint length and bytes.
// Thread-safety: plain value; copies share the buffer, which is never written after construction.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "controller/base/result.h"
#include "controller/providers/changes.h"

namespace domainguard::records {

class PackedZone {
 public:
  PackedZone() = default;
  // Packs `zone` without its version.
  explicit PackedZone(const providers::ObservedZone& zone);

  // The zone as it was packed (its version empty). A buffer that does not read back whole (not one PackedZone
  // made) is kInternal.
  Result<providers::ObservedZone> Unpack() const;

  // This zone, sharing the buffer of `other` when both packed the same (a Domain's providers holding one zone).
  PackedZone Share(const PackedZone& other) const;
  bool operator==(const PackedZone& other) const;

  size_t bytes() const { return size_; }

 private:
  std::string_view view() const { return {packed_.get(), size_}; }

  std::shared_ptr<const char[]> packed_;  // one allocation: make_shared of the bytes
  size_t size_ = 0;
};

}  // namespace domainguard::records
