#include "controller/records/ownership.h"

namespace domainguard::records {
Claim ClaimOf(const ObservedRRset& r, std::string_view zone, std::string_view owner) {
  // The apex NS set is part of every Domain's desired state (spec.nameservers or the providers' name servers) and
  // providers create it with the zone unmarked: it is always ours to keep right.
  if (r.rrset.type == "NS" && r.rrset.name == zone && (r.owner.empty() || r.owner == owner)) return Claim::kOurs;
  if (r.owner.empty()) return r.adopted ? Claim::kOurs : Claim::kUnmarked;
  return r.owner == owner ? Claim::kOurs : Claim::kOtherDomain;
}

}  // namespace domainguard::records
