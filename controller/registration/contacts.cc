#include "controller/registration/contacts.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace domainguard::registration {

namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// An address worth keeping: local@domain.tld, no spaces (redaction notices have them), a dot in the domain.
bool IsAddress(const std::string& a) {
  return !EmailDomain(a).empty();
}

bool ContactRole(const json& roles) {
  if (!roles.is_array()) return false;
  for (const json& r : roles) {
    if (!r.is_string()) continue;
    const std::string role = r.get<std::string>();
    if (role == "registrant" || role == "administrative" || role == "technical" || role == "billing") return true;
  }
  return false;
}

// jCard (RFC 7095): ["vcard", [[name, params, type, value...], ...]].
void EmailsOfVcard(const json& vcard, std::vector<std::string>& out) {
  if (!vcard.is_array() || vcard.size() < 2 || !vcard[1].is_array()) return;
  for (const json& prop : vcard[1]) {
    if (!prop.is_array() || prop.size() < 4 || !prop[0].is_string() || prop[0].get<std::string>() != "email") continue;
    if (!prop[3].is_string()) continue;
    std::string a = Lower(Trim(prop[3].get<std::string>()));
    if (a.rfind("mailto:", 0) == 0) a = a.substr(7);
    if (IsAddress(a)) out.push_back(a);
  }
}

void Walk(const json& entities, std::vector<std::string>& out, int depth) {
  if (!entities.is_array() || depth > 8) return;
  for (const json& e : entities) {
    if (!e.is_object()) continue;
    if (ContactRole(e.value("roles", json())) && e.contains("vcardArray")) EmailsOfVcard(e["vcardArray"], out);
    if (e.contains("entities")) Walk(e["entities"], out, depth + 1);
  }
}

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

std::string EmailDomain(std::string_view address) {
  const std::string a = Lower(Trim(address));
  const size_t at = a.find('@');
  if (at == std::string::npos || at == 0 || a.find('@', at + 1) != std::string::npos) return "";
  if (a.find_first_of(" \t<>,;()[]\\\"") != std::string::npos) return "";
  std::string d = a.substr(at + 1);
  while (!d.empty() && d.back() == '.') d.pop_back();
  if (d.find('.') == std::string::npos || d.front() == '.') return "";
  return d;
}

std::vector<std::string> RdapContactEmails(std::string_view body) {
  std::vector<std::string> out;
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return out;
  Walk(j.value("entities", json()), out, 0);
  SortUnique(out);
  return out;
}

std::vector<std::string> WhoisContactEmails(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string line = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = Lower(line.substr(0, colon));
    const bool role = key.find("registrant") != std::string::npos || key.find("admin") != std::string::npos ||
                      key.find("tech") != std::string::npos || key.find("billing") != std::string::npos;
    const bool email = key.find("email") != std::string::npos || key.find("e-mail") != std::string::npos;
    if (!role || !email) continue;
    std::string a = Lower(Trim(line.substr(colon + 1)));
    if (IsAddress(a)) out.push_back(a);
  }
  SortUnique(out);
  return out;
}

}  // namespace domainguard::registration
