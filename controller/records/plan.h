// The records plan: desired zone + one provider's observed zone + ownership -> the minimal Changes.
// A computation, not a procedure: no I/O, no clock; the same input gives the same plan, in a stable order.
//
// Decision table, per (name, type); "ours" per ClaimOf (the apex NS set is always ours):
//
//   desired | observed           | mode    | result
//   --------+--------------------+---------+-----------------------------------------------------------------
//   X       | -                  | any     | create X
//   X       | X, ours (marked)   | any     | nothing
//   X       | X, unmarked        | any     | adopt: no write (a write would move the serial of a zone that
//           |   or adopted       |         |   already serves what is desired); listed in Plan::adopted, which
//           |                    |         |   the caller keeps (status.providers[].adopted) and passes back as
//           |                    |         |   ObservedRRset::adopted: from then on the rrset is ours
//   X       | X' unmarked, same  | any     | claim: update the TTL, writing our mark (the values are ours)
//           |   values, other TTL|         |
//   X       | Y, ours            | any     | update Y -> X (values and/or TTL)
//   X       | Y, unmarked        | Zone    | update Y -> X
//   X       | Y, unmarked        | Records | keep Y; conflict (ForeignRecordKept)
//   X or -  | Y, other Domain's  | any     | keep Y; conflict (ZoneConflict)
//   -       | Y, ours            | any     | delete Y
//   -       | Y, unmarked        | Records | keep Y (ForeignRecordKept, informational)
//   -       | Y, unmarked        | Zone    | delete Y
//   SOA, RRSIG, NSEC*            | any     | never touched, never planned
//
// A CNAME cannot share its name with other data (RFC 1034 §3.6.2), so A -> CNAME is "delete A + create CNAME" in
// one Changes; when a kept rrset would sit beside a CNAME the create is dropped and reported as a conflict.
// When the plan writes anything at all, every adopted rrset is claimed in the same write (an update with the same
// data): the serial moves anyway, and the mark then lives at the provider, not only in the Domain's status.
// Order: deletes, then updates, then creates, each sorted by name then type.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "controller/records/changes.h"
#include "controller/records/ownership.h"
#include "controller/zone/desired_zone.h"

namespace domainguard::records {

struct PlanPolicy {
  std::string owner;  // this Domain's owner id, "namespace/name"
  OwnershipMode mode = OwnershipMode::kRecords;
};

struct Conflict {
  std::string reason;   // reasons::kForeignRecordKept or reasons::kZoneConflict
  std::string message;  // "www.example.com. A is not domainguard's (ownership Records): kept 192.0.2.9"
  std::string key = "";  // the desired rrset that could not be written ("www.example.com. A")
};

struct Plan {
  Changes changes;
  // Desired rrsets that could not be written because of a rrset we may not touch: the zone is not in sync.
  std::vector<Conflict> conflicts;
  // Unmarked rrsets left in place under Records ownership that are not in the way of anything.
  std::vector<ObservedRRset> foreign_kept;
  // Keys (zone::KeyOf) of the rrsets this Domain holds by adoption: unmarked at the provider, serving exactly the
  // desired data. Sorted. When `changes` is not empty, each is claimed there too.
  std::vector<std::string> adopted;
};

// REQUIRES: desired.origin == observed.zone; both canonical (built by BuildDesiredZone / a provider's ReadZone).
Plan ComputePlan(const zone::DesiredZone& desired, const ObservedZone& observed, const PlanPolicy& policy);

}  // namespace domainguard::records
