// JSON parsed without the parts nobody reads: the values at given paths are read past and never built.
//
// The apiserver sends whole objects: a Domain's spec, kubectl's last-applied annotation (the spec again) and
// managedFields, which list every field of both. Building those as nlohmann DOMs and freeing them again was a
// tenth of domainguard's CPU while 1,000 Domains arrived (issue #14): they are left out while parsing instead.
#ifndef DOMAINGUARD_KUBE_PRUNED_JSON_H_
#define DOMAINGUARD_KUBE_PRUNED_JSON_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace domainguard::kube {

// A path from the root: object keys, "*" for any element of an array; the last step is a key.
// {"metadata", "managedFields", "*", "fieldsV1"}: each managedFields entry's fieldsV1.
using JsonPath = std::vector<std::string>;

// What json::parse gives for `text`, without the values at `left_out` (their keys absent too); nullopt when
// `text` is not one JSON value (strict, as json::parse). Paths that do not fit the text (a step through a
// non-object) leave nothing out there.
std::optional<nlohmann::json> ParsePruned(std::string_view text, const std::vector<JsonPath>& left_out);

}  // namespace domainguard::kube

#endif  // DOMAINGUARD_KUBE_PRUNED_JSON_H_
