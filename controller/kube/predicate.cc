#include "controller/kube/predicate.h"

#include <algorithm>
#include <map>

namespace domainguard::kube {
namespace {

using nlohmann::json;

const json& Member(const json& obj, const char* key) {
  static const json kNull;
  if (!obj.is_object()) return kNull;
  auto it = obj.find(key);
  return it == obj.end() ? kNull : *it;
}

const json& Entry(const json& map, const std::string& key) {
  static const json kNull;
  if (!map.is_object()) return kNull;
  auto it = map.find(key);
  return it == map.end() ? kNull : *it;
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// The conditions `parts` reads, by type, without lastTransitionTime.
std::map<std::string, json> ReadConditions(const ReadParts& parts, const json& obj) {
  std::map<std::string, json> out;
  const json& list = Member(Member(obj, "status"), "conditions");
  if (!list.is_array()) return out;
  const bool all = Contains(parts.conditions, "*");
  for (const json& c : list) {
    const json& type = Member(c, "type");
    if (!type.is_string()) continue;
    const std::string t = type.get<std::string>();
    if (all ? Contains(parts.ignored_conditions, t) : !Contains(parts.conditions, t)) continue;
    json copy = c;
    copy.erase("lastTransitionTime");
    out[t] = std::move(copy);
  }
  return out;
}

}  // namespace

bool ChangesReadParts(const ReadParts& parts, const json& old_obj, const json& new_obj) {
  const json& old_meta = Member(old_obj, "metadata");
  const json& new_meta = Member(new_obj, "metadata");
  for (const char* key : {"deletionTimestamp", "finalizers"}) {
    if (Member(old_meta, key) != Member(new_meta, key)) return true;
  }
  if (parts.generation && Member(old_meta, "generation") != Member(new_meta, "generation")) return true;
  for (const std::string& a : parts.annotations) {
    if (Entry(Member(old_meta, "annotations"), a) != Entry(Member(new_meta, "annotations"), a)) return true;
  }
  for (const std::string& l : parts.labels) {
    if (Entry(Member(old_meta, "labels"), l) != Entry(Member(new_meta, "labels"), l)) return true;
  }
  const json& old_status = Member(old_obj, "status");
  const json& new_status = Member(new_obj, "status");
  for (const std::string& f : parts.status_fields) {
    if (Entry(old_status, f) != Entry(new_status, f)) return true;
  }
  if (!parts.conditions.empty() && ReadConditions(parts, old_obj) != ReadConditions(parts, new_obj)) return true;
  return false;
}

}  // namespace domainguard::kube
