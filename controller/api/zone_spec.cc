#include "controller/api/zone_spec.h"

#include "controller/base/json_member.h"

namespace domainguard::api {

namespace {

using nlohmann::json;

// The zone builder has always taken a JSON null member as given (and refused it where a value must be typed);
// the apiserver prunes nulls, so this only matters for hand-made objects, and is kept as it was.
Checked<RecordSpec> Record(const json& r, const std::string& path) {
  Checked<RecordSpec> out;
  if (!r.is_object()) {
    out.problem = path + ": must be an object";
    return out;
  }
  RecordSpec& rec = out.value;
  if (const json* name = Member(r, "name")) {
    if (!name->is_string()) {
      out.problem = path + ".name: must be a string";
      return out;
    }
    rec.name = name->get<std::string>();
  }
  const json* type = Member(r, "type");
  if (type == nullptr || !type->is_string()) {
    out.problem = path + ".type: required string";
    return out;
  }
  rec.type = type->get<std::string>();
  if (const json* ttl = Member(r, "ttl")) {
    if (!ttl->is_number_integer() || ttl->get<int64_t>() < 0 || ttl->get<int64_t>() > 2147483647) {
      out.problem = path + ".ttl: must be an integer from 0 to 2147483647";
      return out;
    }
    rec.ttl = static_cast<uint32_t>(ttl->get<int64_t>());
  }
  const json* values = Member(r, "values");
  if (values == nullptr || !values->is_array() || values->empty()) {
    out.problem = path + ".values: required, at least one value";
    return out;
  }
  for (size_t j = 0; j < values->size(); ++j) {
    const json& v = (*values)[j];
    if (!v.is_string()) {
      out.problem = path + ".values[" + std::to_string(j) + "]: must be a string";
      return out;
    }
    rec.values.push_back(v.get<std::string>());
  }
  return out;
}

Checked<NameserverEntry> Nameserver(const json& ns, const std::string& path) {
  Checked<NameserverEntry> out;
  const json* name = Member(ns, "name");
  if (name == nullptr || !name->is_string()) {
    out.problem = path + ".name: required string";
    return out;
  }
  out.value.name = name->get<std::string>();
  const json* addresses = Member(ns, "addresses");
  if (addresses == nullptr) return out;
  if (!addresses->is_array()) {
    out.value.addresses_problem = path + ".addresses: must be a list";
    return out;
  }
  for (size_t j = 0; j < addresses->size(); ++j) {
    Checked<std::string> a;
    if ((*addresses)[j].is_string()) {
      a.value = (*addresses)[j].get<std::string>();
    } else {
      a.problem = path + ".addresses[" + std::to_string(j) + "]: must be a string";
    }
    out.value.addresses.push_back(std::move(a));
  }
  return out;
}

std::vector<Checked<RecordSpec>> RecordList(const json& list, size_t first_index) {
  std::vector<Checked<RecordSpec>> out;
  for (size_t i = 0; i < list.size(); ++i) {
    out.push_back(Record(list[i], "spec.records[" + std::to_string(first_index + i) + "]"));
  }
  return out;
}

}  // namespace

Result<ZoneSpec> ParseZoneSpec(const json& spec) {
  if (!spec.is_object()) return Error::InvalidArgument("spec: must be an object");
  ZoneSpec out;
  if (const json* zone = Member(spec, "zone"); zone != nullptr && zone->is_string()) {
    out.zone = zone->get<std::string>();
  }
  if (const json* records = NonNullMember(spec, "records")) {
    if (records->is_array()) {
      out.records = RecordList(*records, 0);
    } else {
      out.records_problem = "spec.records: must be a list";
    }
  }
  if (const json* list = NonNullMember(spec, "nameservers")) {
    if (!list->is_array()) {
      out.nameservers_problem = "spec.nameservers: must be a list";
    } else {
      for (size_t i = 0; i < list->size(); ++i) {
        out.nameservers.push_back(Nameserver((*list)[i], "spec.nameservers[" + std::to_string(i) + "]"));
      }
    }
  }
  return out;
}

std::vector<Checked<RecordSpec>> ParseRecordList(const json& list, size_t first_index) {
  if (!list.is_array()) return {};
  return RecordList(list, first_index);
}

}  // namespace domainguard::api
