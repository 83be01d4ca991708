#include "controller/records/safety.h"

#include <algorithm>

#include "controller/records/reasons.h"

namespace domainguard::records {

SafetyVerdict EvaluateSafety(const Changes& changes, const ObservedZone& observed, const PlanPolicy& policy,
                             const SafetyPolicy& safety) {
  SafetyVerdict v;
  for (const ObservedRRset& o : observed.rrsets) {
    if (zone::IsProviderManagedType(o.rrset.type)) continue;
    if (safety.withdrawn_names.count(o.rrset.name)) continue;
    Claim c = ClaimOf(o, observed.zone, policy.owner);
    if (c == Claim::kOurs || (c == Claim::kUnmarked && policy.mode == OwnershipMode::kZone)) {
      v.manageable += o.rrset.values.size();
    }
  }
  for (const ObservedRRset& d : changes.deletes) {
    if (!safety.withdrawn_names.count(d.rrset.name)) v.deleted += d.rrset.values.size();
  }
  for (const Update& u : changes.updates) {
    for (const std::string& old : u.before.rrset.values) {
      if (!std::binary_search(u.after.values.begin(), u.after.values.end(), old)) ++v.deleted;
    }
  }
  if (v.deleted == 0 || v.manageable == 0 || safety.max_delete_percent >= 100) return v;
  // Integer arithmetic: deleted/manageable > max/100  <=>  deleted*100 > max*manageable.
  if (v.deleted * 100 <= static_cast<size_t>(safety.max_delete_percent) * v.manageable) return v;
  const size_t percent = (v.deleted * 100 + v.manageable - 1) / v.manageable;
  const std::string gen = std::to_string(safety.generation);
  std::string what = "the change deletes " + std::to_string(v.deleted) + " of " + std::to_string(v.manageable) +
                     " records (" + std::to_string(percent) + "%), more than maxDeletePercent " +
                     std::to_string(safety.max_delete_percent) + "%";
  if (safety.approval && *safety.approval == gen) {
    v.approved = true;
    v.message = what + "; approved by annotation " + std::string(reasons::kApproveChangeAnnotation) + "=" + gen;
    return v;
  }
  v.blocked = true;
  v.message = what + "; held until annotated " + std::string(reasons::kApproveChangeAnnotation) + "=" + gen;
  return v;
}

}  // namespace domainguard::records
