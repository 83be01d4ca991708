#include "controller/registration/rdap_parse.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "controller/base/json_member.h"
#include "controller/base/time_format.h"
#include "controller/registration/date_parse.h"
#include "controller/registration/epp_status.h"

namespace domainguard::registration {
namespace {

using nlohmann::json;

// Type-checked accessors: the answer is untrusted, and nlohmann's throwing accessors must not run on it.
std::string StringMember(const json& j, const char* key) {
  const json* m = Member(j, key);
  return m != nullptr && m->is_string() ? m->get<std::string>() : std::string();
}
const json& ArrayMember(const json& j, const char* key) {
  static const json kEmpty = json::array();
  const json* m = Member(j, key);
  return m != nullptr && m->is_array() ? *m : kEmpty;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<SystemTime> ParseEventDate(const std::string& text) {
  // base::ParseRfc3339 overflows SystemTime for years past ~2262 or before ~1678 (found by rdap_json_fuzz):
  // only years a registration can have reach it.
  bool sane_year = text.size() >= 4 && std::all_of(text.begin(), text.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
                   std::stoi(text.substr(0, 4)) >= 1970 && std::stoi(text.substr(0, 4)) <= 2200;
  if (!sane_year) return std::nullopt;
  if (auto t = ParseRfc3339(text); t.ok()) return *t;
  return ParseLooseDate(text);  // some servers drop the zone or use "+0000"
}

bool HasRole(const json& entity, std::string_view role) {
  for (const json& r : ArrayMember(entity, "roles")) {
    if (r.is_string() && Lower(r.get<std::string>()) == role) return true;
  }
  return false;
}

// A text property of a jCard (RFC 7095): ["vcard", [["version",{},"text","4.0"], ["fn",{},"text","X"]]].
std::string VcardText(const json& entity, std::string_view name) {
  const json* v = Member(entity, "vcardArray");
  if (v == nullptr || !v->is_array() || v->size() < 2 || !(*v)[1].is_array()) return {};
  for (const json& prop : (*v)[1]) {
    if (prop.is_array() && prop.size() >= 4 && prop[0].is_string() && prop[0].get<std::string>() == name &&
        prop[3].is_string()) {
      std::string text = prop[3].get<std::string>();
      if (!text.empty()) return text;
    }
  }
  return {};
}

// The registrar's name: the vCard's formatted name, else its organisation; a registrar published without a
// vCard (FRED, registrar servers with a broken one) is named by its handle, else its public ID.
std::string RegistrarNameOf(const json& entity) {
  std::string name = VcardText(entity, "fn");
  if (name.empty()) name = VcardText(entity, "org");
  if (name.empty()) name = StringMember(entity, "handle");
  if (name.empty()) {
    for (const json& id : ArrayMember(entity, "publicIds")) {
      const json* ident = Member(id, "identifier");
      if (ident != nullptr && ident->is_string() && !ident->get<std::string>().empty()) return ident->get<std::string>();
      if (ident != nullptr && ident->is_number_integer()) return std::to_string(ident->get<long>());
    }
  }
  return name.size() < 200 ? name : std::string();
}

void ReadRegistrar(const json& entities, RegistrationRecord& r, int depth) {
  if (depth > 3) return;
  for (const json& e : entities) {
    if (!e.is_object()) continue;
    if (HasRole(e, "registrar")) {
      if (r.registrar.empty()) r.registrar = RegistrarNameOf(e);
      for (const json& id : ArrayMember(e, "publicIds")) {
        if (r.registrar_iana_id.empty() && Lower(StringMember(id, "type")) == "iana registrar id") {
          const json* ident = Member(id, "identifier");
          if (ident != nullptr && ident->is_string()) r.registrar_iana_id = ident->get<std::string>();
          if (ident != nullptr && ident->is_number_integer()) r.registrar_iana_id = std::to_string(ident->get<long>());
        }
      }
      if (!r.registrar.empty()) return;
    }
    ReadRegistrar(ArrayMember(e, "entities"), r, depth + 1);
  }
}

}  // namespace

Result<RdapDomain> ParseRdapDomain(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error::InvalidArgument("RDAP answer is not valid JSON");
  if (!j.is_object()) return Error::InvalidArgument("RDAP answer is not a JSON object");
  if (Member(j, "errorCode") != nullptr) {
    return Error::InvalidArgument("RDAP answer is an error object: " + StringMember(j, "title"));
  }
  if (Lower(StringMember(j, "objectClassName")) != "domain") {
    return Error::InvalidArgument("RDAP answer is not a domain object");
  }
  RdapDomain d;
  RegistrationRecord& r = d.record;
  r.source = Source::kRdap;
  r.domain = NormaliseHost(StringMember(j, "ldhName"));
  if (!r.domain.empty()) r.domain.pop_back();  // record domains carry no trailing dot

  for (const json& s : ArrayMember(j, "status")) {
    if (!s.is_string()) continue;
    std::string text = s.get<std::string>();
    if (auto epp = EppFromRdapStatus(text)) {
      r.statuses.push_back(*epp);
    } else if (!text.empty() && text.size() < 100) {
      d.unknown_statuses.push_back(text);
      r.statuses.push_back(text);
    }
  }
  std::sort(r.statuses.begin(), r.statuses.end());
  r.statuses.erase(std::unique(r.statuses.begin(), r.statuses.end()), r.statuses.end());

  for (const json& e : ArrayMember(j, "events")) {
    std::string action = Lower(StringMember(e, "eventAction"));
    std::optional<SystemTime> when = ParseEventDate(StringMember(e, "eventDate"));
    if (!when) continue;
    if (action == "expiration") r.expires_at = when;
    else if (action == "registrar expiration") d.registrar_expires_at = when;
    else if (action == "registration") r.registered_at = when;
    else if (action == "last changed") r.last_changed_at = when;
  }

  ReadRegistrar(ArrayMember(j, "entities"), r, 0);

  // RFC 9083 spells it "nameservers"; some registrar servers write "nameServers".
  const json* nameservers = Member(j, "nameservers");
  if (nameservers == nullptr) nameservers = Member(j, "nameServers");
  for (const json& ns : nameservers != nullptr && nameservers->is_array() ? *nameservers : json::array()) {
    std::string name = StringMember(ns, "ldhName");
    if (name.empty()) name = StringMember(ns, "unicodeName");
    if (!name.empty() && name.size() < 256) r.nameservers.push_back(NormaliseHost(name));
  }
  SortHosts(r.nameservers);

  for (const json& l : ArrayMember(j, "links")) {
    if (Lower(StringMember(l, "rel")) != "related") continue;
    std::string href = StringMember(l, "href");
    std::string type = Lower(StringMember(l, "type"));
    // RFC 9083 4.2: "type" is optional; registries mark registrar RDAP links with application/rdap+json.
    bool rdap = type == "application/rdap+json" || (type.empty() && href.find("/domain/") != std::string::npos);
    if (rdap && (href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0)) d.related_links.push_back(href);
  }
  return d;
}

void MergeRegistrarAnswer(RdapDomain& into, const RdapDomain& registrar) {
  RegistrationRecord& r = into.record;
  const RegistrationRecord& o = registrar.record;
  if (!r.expires_at) r.expires_at = o.expires_at ? o.expires_at : registrar.registrar_expires_at;
  if (!r.registered_at) r.registered_at = o.registered_at;
  if (!r.last_changed_at) r.last_changed_at = o.last_changed_at;
  if (r.registrar.empty()) r.registrar = o.registrar;
  if (r.registrar_iana_id.empty()) r.registrar_iana_id = o.registrar_iana_id;
  if (r.nameservers.empty()) r.nameservers = o.nameservers;
  if (r.statuses.empty()) r.statuses = o.statuses;
}

bool NeedsRegistrarAnswer(const RdapDomain& d) {
  return !d.record.expires_at || d.record.registrar.empty();
}

}  // namespace domainguard::registration
