// Ownership: which records domainguard may change, and how a provider remembers who wrote an rrset.
//
// The mark is kept in the provider itself, beside the data, so it survives controller restarts and is seen by any
// replica; each provider encodes it its own way, beside its wire format (ObservedRRset::owner is what they read):
//   PowerDNS  an rrset comment (providers/powerdns/powerdns_json.h), written in the same PATCH as the data;
//   RFC 2136  a TXT registry record per owner name (providers/rfc2136/rfc2136_update.h), in the same UPDATE.
// Names under "_dg-owner." are hidden from plans and refused in Domain specs.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "controller/api/records_policy_spec.h"
#include "controller/records/changes.h"

namespace domainguard::records {

// spec.ownership, parsed with the rest of the spec in api/records_policy_spec.h.
using OwnershipMode = api::OwnershipMode;

// Who may do what to an observed rrset under `mode`, for the Domain with id `owner`.
enum class Claim {
  kOurs,         // written by this Domain, adopted by it (ObservedRRset::adopted), or the apex NS set
  kUnmarked,     // no domainguard mark: changed only in Zone mode
  kOtherDomain,  // marked by another Domain: never touched (ZoneConflict)
};
Claim ClaimOf(const ObservedRRset& r, std::string_view zone, std::string_view owner);

}  // namespace domainguard::records
