#include "controller/registration/record.h"

#include <algorithm>
#include <cctype>

#include "controller/base/time_format.h"

namespace domainguard::registration {

std::string_view SourceName(Source s) { return s == Source::kRdap ? "rdap" : "whois"; }

std::string NormaliseHost(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  if (!out.empty()) out += '.';
  return out;
}

void SortHosts(std::vector<std::string>& hosts) {
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  hosts.erase(std::remove(hosts.begin(), hosts.end(), std::string()), hosts.end());
}

nlohmann::json ToJson(const RegistrationRecord& r) {
  nlohmann::json j = nlohmann::json::object();
  j["source"] = SourceName(r.source);
  if (!r.registrar.empty()) j["registrar"] = r.registrar;
  if (!r.registrar_iana_id.empty()) j["registrarIANAID"] = r.registrar_iana_id;
  if (r.expires_at) j["expiresAt"] = FormatRfc3339(*r.expires_at);
  j["statuses"] = r.statuses;
  j["nameservers"] = r.nameservers;
  if (!r.contact_emails.empty()) j["contactEmails"] = r.contact_emails;
  return j;
}

}  // namespace domainguard::registration

namespace domainguard::registration {

Result<RegistrationRecord> RecordFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Error::InvalidArgument("status.registration is not an object");
  auto str = [&](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  RegistrationRecord r;
  r.source = str("source") == "whois" ? Source::kWhois : Source::kRdap;
  r.registrar = str("registrar");
  r.registrar_iana_id = str("registrarIANAID");
  if (std::string e = str("expiresAt"); !e.empty()) {
    auto t = ParseRfc3339(e);
    if (!t.ok()) return Error::InvalidArgument("status.registration.expiresAt: " + t.error().message);
    r.expires_at = *t;
  }
  for (const char* key : {"lastCheckTime", "lastChangeTime"}) {
    const std::string at = str(key);
    if (at.empty()) continue;
    auto t = ParseRfc3339(at);
    if (!t.ok()) return Error::InvalidArgument("status.registration." + std::string(key) + ": " + t.error().message);
    r.checked_at = *t;
    break;
  }
  for (const char* key : {"statuses", "nameservers", "contactEmails"}) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_array()) continue;
    std::vector<std::string>& into = std::string(key) == "statuses"      ? r.statuses
                                     : std::string(key) == "nameservers" ? r.nameservers
                                                                          : r.contact_emails;
    for (const auto& v : *it) {
      if (v.is_string()) into.push_back(v.get<std::string>());
    }
  }
  return r;
}

}  // namespace domainguard::registration
