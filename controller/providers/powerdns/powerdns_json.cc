#include "controller/providers/powerdns/powerdns_json.h"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "controller/zone/rrset.h"

namespace domainguard::providers::powerdns {
namespace {

using nlohmann::json;

constexpr size_t kMaxErrorText = 500;
constexpr std::string_view kCommentPrefix = "domainguard: owner=";

std::string Trim(std::string_view s) {
  std::string out(s.substr(0, kMaxErrorText));
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
  if (s.size() > kMaxErrorText) out += "...";
  return out;
}

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string OwnerComment(std::string_view owner) { return std::string(kCommentPrefix) + std::string(owner); }

std::optional<std::string> ParseOwnerComment(std::string_view content) {
  if (!content.starts_with(kCommentPrefix)) return std::nullopt;
  std::string owner(content.substr(kCommentPrefix.size()));
  if (owner.empty()) return std::nullopt;
  return owner;
}

Result<ObservedZone> ParseZone(std::string_view body, std::string_view zone) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::Internal("PowerDNS answered a zone that is not JSON");
  ObservedZone out;
  out.zone = std::string(zone);
  if (auto s = j.find("serial"); s != j.end() && s->is_number_unsigned()) {
    out.version.serial = static_cast<uint32_t>(s->get<uint64_t>());
  }
  auto rrsets = j.find("rrsets");
  if (rrsets == j.end() || !rrsets->is_array()) return Error::Internal("PowerDNS answered a zone without rrsets");
  for (const json& rs : *rrsets) {
    if (!rs.is_object()) continue;
    Result<std::string> name = zone::NormalizeName(Str(rs, "name"), "");
    std::string type = Str(rs, "type");
    if (!name.ok() || type.empty()) continue;
    if (Result<std::string> t = zone::NormalizeType(type); t.ok()) type = *t;
    zone::RRset r{*name, type, 0, {}};
    if (auto ttl = rs.find("ttl"); ttl != rs.end() && ttl->is_number_unsigned()) {
      r.ttl = static_cast<uint32_t>(std::min<uint64_t>(ttl->get<uint64_t>(), UINT32_MAX));
    }
    if (auto recs = rs.find("records"); recs != rs.end() && recs->is_array()) {
      for (const json& rec : *recs) {
        if (!rec.is_object()) continue;
        if (auto d = rec.find("disabled"); d != rec.end() && d->is_boolean() && d->get<bool>()) continue;
        const std::string content = Str(rec, "content");
        Result<std::string> v = zone::NormalizeValue(type, content, r.name, "");
        r.values.push_back(v.ok() ? *v : content);
      }
    }
    if (r.values.empty()) continue;  // comments-only or all-disabled rrsets serve nothing
    std::sort(r.values.begin(), r.values.end());
    r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
    if (type == "SOA") {
      out.version.soa = r.values.front();
      out.version.soa_ttl = r.ttl;
      continue;
    }
    ObservedRRset o{std::move(r), ""};
    if (auto comments = rs.find("comments"); comments != rs.end() && comments->is_array()) {
      for (const json& c : *comments) {
        if (!c.is_object() || Str(c, "account") != kCommentAccount) continue;
        if (auto owner = ParseOwnerComment(Str(c, "content"))) o.owner = *owner;
      }
    }
    out.rrsets.push_back(std::move(o));
  }
  std::sort(out.rrsets.begin(), out.rrsets.end(),
            [](const ObservedRRset& a, const ObservedRRset& b) {
              return zone::KeyLess(a.rrset, b.rrset);
            });
  return out;
}

Result<uint32_t> ParseZoneListSerial(std::string_view body, std::string_view zone) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return Error::Internal("PowerDNS answered a zone list that is not JSON");
  for (const json& z : j) {
    if (!z.is_object() || Str(z, "name") != zone) continue;
    auto s = z.find("serial");
    if (s != z.end() && s->is_number_unsigned()) return static_cast<uint32_t>(s->get<uint64_t>());
    return 0u;
  }
  return Error::NotFound("zone " + std::string(zone) + " not found at PowerDNS");
}

namespace {

// Reads a zone list's names and serials as the parser meets them (SAX), without building the document: parsed
// whole, the list of 20,000 zones was ~16 MB of JSON values at every serial poll of every provider (heaptrack at
// 10,000 Domains, issue #14), all to read two fields of each entry. Entries are the objects of the top-level array;
// what is nested in an entry is skipped.
class ZoneListReader final : public json::json_sax_t {
 public:
  std::map<std::string, uint32_t> serials;

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t v) override {
    if (depth_ == 2 && field_ == Field::kSerial) serial_ = v <= 0xffffffffULL ? static_cast<uint32_t>(v) : 0u;
    return Scalar();
  }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool string(string_t& v) override {
    if (depth_ == 2 && field_ == Field::kName) name_ = std::move(v);
    return Scalar();
  }
  bool binary(binary_t&) override { return Scalar(); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) return false;  // the list is an array
    if (depth_ == 1) {
      name_.clear();
      serial_ = 0;
    }
    field_ = Field::kOther;
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 2) field_ = k == "name" ? Field::kName : k == "serial" ? Field::kSerial : Field::kOther;
    return true;
  }
  bool end_object() override {
    --depth_;
    if (depth_ == 1 && !name_.empty()) serials[name_] = serial_;
    return true;
  }
  bool start_array(std::size_t) override {
    field_ = Field::kOther;
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  enum class Field { kName, kSerial, kOther };
  // A value outside any array is no zone list; a value of an entry's field is that field's only value.
  bool Scalar() {
    field_ = Field::kOther;
    return depth_ > 0;
  }

  int depth_ = 0;
  Field field_ = Field::kOther;
  std::string name_;
  uint32_t serial_ = 0;
};

}  // namespace

Result<std::map<std::string, uint32_t>> ParseZoneListSerials(std::string_view body) {
  ZoneListReader reader;
  if (!json::sax_parse(body, &reader)) return Error::Internal("PowerDNS answered a zone list that is not JSON");
  return std::move(reader.serials);
}

namespace {

// One rrset as the API writes it (PATCH REPLACE or POST), with our ownership comment.
json RRsetJson(const zone::RRset& r, const std::string& owner) {
  json recs = json::array();
  for (const std::string& v : r.values) recs.push_back({{"content", v}, {"disabled", false}});
  return {{"name", r.name},
          {"type", r.type},
          {"ttl", r.ttl},
          {"records", recs},
          {"comments", json::array({{{"content", OwnerComment(owner)}, {"account", kCommentAccount}}})}};
}

}  // namespace

std::vector<std::string> BuildPatchBodies(const Changes& changes, size_t max_body_bytes) {
  // Group by name so that a name's changes never straddle two PATCHes (a CNAME switch must be atomic).
  std::map<std::string, std::vector<json>> deletes, replaces;
  for (const ObservedRRset& d : changes.deletes) {
    deletes[d.rrset.name].push_back({{"name", d.rrset.name}, {"type", d.rrset.type}, {"changetype", "DELETE"}});
  }
  auto replace = [&](const zone::RRset& r) {
    json j = RRsetJson(r, changes.owner);
    j["changetype"] = "REPLACE";
    replaces[r.name].push_back(std::move(j));
  };
  for (const Update& u : changes.updates) replace(u.after);
  for (const zone::RRset& c : changes.creates) replace(c);

  std::vector<std::string> bodies;
  std::string current;  // the rrset objects of the body being filled, comma-separated
  auto flush = [&] {
    if (current.empty()) return;
    bodies.push_back("{\"rrsets\":[" + current + "]}");
    current.clear();
  };
  std::map<std::string, int> names;
  for (const auto& [n, v] : deletes) names[n] = 0;
  for (const auto& [n, v] : replaces) names[n] = 0;
  for (const auto& [name, unused] : names) {
    std::string group;
    for (const auto* list : {&deletes, &replaces}) {
      auto it = list->find(name);
      if (it == list->end()) continue;
      for (const json& j : it->second) {
        if (!group.empty()) group += ',';
        group += j.dump();
      }
    }
    constexpr size_t kEnvelope = sizeof("{\"rrsets\":[]}");
    if (!current.empty() && current.size() + 1 + group.size() + kEnvelope > max_body_bytes) flush();
    if (!current.empty()) current += ',';
    current += group;
  }
  flush();
  return bodies;
}

std::string BuildCreateZoneBody(std::string_view zone, std::string_view kind, const Changes& changes) {
  json rrsets = json::array();
  for (const zone::RRset& c : changes.creates) rrsets.push_back(RRsetJson(c, changes.owner));
  return json{{"name", zone}, {"kind", kind}, {"nameservers", json::array()}, {"rrsets", rrsets}}.dump();
}

Error ErrorFromResponse(int status, std::string_view body, std::string_view retry_after) {
  std::string text = Trim(body);
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string()) {
    text = Trim(j["error"].get<std::string>());
  }
  std::string msg = "PowerDNS HTTP " + std::to_string(status) + (text.empty() ? "" : ": " + text);
  if (status == 400 || status == 422) return Error::InvalidArgument(msg);
  if (status == 401) return Error::Unauthenticated(msg);
  if (status == 403) return Error::PermissionDenied(msg);
  if (status == 404) return Error::NotFound(msg);
  if (status == 409) return Error::AlreadyExists(msg);
  if (status == 429 || status >= 500) {
    std::optional<std::chrono::seconds> wait;
    if (!retry_after.empty() && std::all_of(retry_after.begin(), retry_after.end(), ::isdigit) &&
        retry_after.size() < 9) {
      wait = std::chrono::seconds(std::stol(std::string(retry_after)));
    }
    return Error::Unavailable(msg, wait);
  }
  return Error::InvalidArgument(msg);
}

}  // namespace domainguard::providers::powerdns
