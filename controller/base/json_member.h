// Reading a member of a JSON object without nlohmann's throwing accessors: the input is untrusted (an RDAP
// answer) or the user's (a Domain's spec), and operator[] on a non-object throws or, on a const value, is undefined.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace domainguard {

// &obj[key]; nullptr when `obj` is not an object or has no such member. A JSON null member is returned as it is.
inline const nlohmann::json* Member(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// As Member, but a JSON null counts as absent: the apiserver prunes nulls, so in an object spec an explicit null is
// no value.
inline const nlohmann::json* NonNullMember(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  return m == nullptr || m->is_null() ? nullptr : m;
}

}  // namespace domainguard
