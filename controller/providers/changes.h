// The values that flow between the records plan and a DNS provider (provider.h): what a provider serves
// (ObservedZone, each rrset with its owner) and what to write to it (Changes). They belong to the provider
// interface, so providers/ depends on zone/ only; records/ plans in these terms (records/changes.h).
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controller/zone/rrset.h"

namespace domainguard::providers {

// An rrset as a provider serves it, with the ownership mark the provider keeps beside it.
struct ObservedRRset {
  zone::RRset rrset;  // canonical
  std::string owner;  // the domainguard owner id ("namespace/name") that wrote it; "" when no domainguard mark
  // Unmarked at the provider, but adopted by this Domain on an earlier pass (status.providers[].adopted): its
  // value was exactly the desired one, so it was taken over without a write. Set by the records sync, never by a
  // provider.
  bool adopted = false;

  friend bool operator==(const ObservedRRset&, const ObservedRRset&) = default;
};

// What the zone looked like when read: used as the precondition of the next write.
struct ZoneVersion {
  uint32_t serial = 0;
  std::string soa;  // the SOA rdata in presentation form ("" when the provider does not expose it)
  uint32_t soa_ttl = 0;  // the SOA's TTL (0 when not known)
};

struct ObservedZone {
  std::string zone;                    // canonical apex
  std::vector<ObservedRRset> rrsets;   // sorted by KeyLess; without SOA and without ownership-registry records
  ZoneVersion version;
};

struct Update {
  ObservedRRset before;
  zone::RRset after;  // same name and type as before
};

// The writes that move one provider's zone to the desired state. Applied atomically where the provider can.
struct Changes {
  std::string owner;                  // the owner id written with every create and update
  std::vector<ObservedRRset> deletes;  // sorted by KeyLess
  std::vector<Update> updates;         // sorted by KeyLess of `after`
  std::vector<zone::RRset> creates;    // sorted by KeyLess

  bool empty() const { return deletes.empty() && updates.empty() && creates.empty(); }
  size_t size() const { return deletes.size() + updates.size() + creates.size(); }
};

}  // namespace domainguard::providers
