#include "controller/api/records_policy_spec.h"

#include <string>

#include "controller/base/json_member.h"

namespace domainguard::api {

namespace {

using nlohmann::json;

Result<OwnershipMode> Ownership(const json& spec) {
  const json* v = NonNullMember(spec, "ownership");
  const std::string text = v != nullptr && v->is_string() ? v->get<std::string>() : "";
  if (text.empty() || text == "Records") return OwnershipMode::kRecords;
  if (text == "Zone") return OwnershipMode::kZone;
  return Error::InvalidArgument("spec.ownership: \"" + text + "\" is not Records or Zone");
}

Result<int> MaxDeletePercent(const json& spec) {
  const json* safety = NonNullMember(spec, "safety");
  if (safety == nullptr) return kDefaultMaxDeletePercent;
  if (!safety->is_object()) return Error::InvalidArgument("spec.safety: must be an object");
  const json* v = NonNullMember(*safety, "maxDeletePercent");
  if (v == nullptr) return kDefaultMaxDeletePercent;
  if (!v->is_number_integer() || v->get<int64_t>() < 0 || v->get<int64_t>() > 100) {
    return Error::InvalidArgument("spec.safety.maxDeletePercent: must be an integer from 0 to 100");
  }
  return static_cast<int>(v->get<int64_t>());
}

}  // namespace

Result<RecordsPolicySpec> ParseRecordsPolicy(const json& spec) {
  RecordsPolicySpec out;
  Result<OwnershipMode> ownership = Ownership(spec);
  if (!ownership.ok()) return ownership.error();
  out.ownership = *ownership;
  Result<int> max_delete = MaxDeletePercent(spec);
  if (!max_delete.ok()) return max_delete.error();
  out.max_delete_percent = *max_delete;
  return out;
}

}  // namespace domainguard::api
