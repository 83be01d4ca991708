#include "controller/registration/bootstrap.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace domainguard::registration {
namespace {

std::string LowerTrimDots(std::string_view s) {
  while (!s.empty() && s.front() == '.') s.remove_prefix(1);
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<RdapBootstrap> RdapBootstrap::Parse(std::string_view json_text) {
  using nlohmann::json;
  json j = json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error::InvalidArgument("RDAP bootstrap: not a JSON object");
  auto it = j.find("services");
  if (it == j.end() || !it->is_array()) return Error::InvalidArgument("RDAP bootstrap: no \"services\" array");
  RdapBootstrap b;
  for (const json& service : *it) {
    if (!service.is_array() || service.size() < 2 || !service[0].is_array() || !service[1].is_array()) continue;
    std::vector<std::string> urls;
    for (const json& u : service[1]) {
      if (!u.is_string()) continue;
      std::string url = u.get<std::string>();
      if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) continue;
      if (url.back() != '/') url += '/';  // RFC 9224 section 3: base URLs end in '/', some entries forget
      urls.push_back(url);
    }
    // RFC 9224 section 3: prefer https when both are listed.
    std::stable_sort(urls.begin(), urls.end(), [](const std::string& a, const std::string& b) {
      return (a.rfind("https://", 0) == 0) > (b.rfind("https://", 0) == 0);
    });
    if (urls.empty()) continue;
    for (const json& suffix : service[0]) {
      if (!suffix.is_string()) continue;
      std::string s = LowerTrimDots(suffix.get<std::string>());
      if (!s.empty()) b.services_[s] = urls;
    }
  }
  // An empty "services" list is valid (RFC 9224: no RDAP service is known) and means "ask WHOIS for every TLD";
  // a non-empty list of which nothing is usable is a broken file.
  if (b.services_.empty() && !it->empty()) return Error::InvalidArgument("RDAP bootstrap: no services with usable URLs");
  return b;
}

Result<RdapBootstrap> RdapBootstrap::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("RDAP bootstrap file " + path + " cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  auto b = Parse(ss.str());
  if (!b.ok()) return b.error().Wrap(path);
  return b;
}

std::vector<std::string> RdapBootstrap::BaseUrlsFor(std::string_view domain) const {
  std::string name = LowerTrimDots(domain);
  // Longest suffix first: try "a.b.c", then "b.c", then "c" (whole labels only).
  std::string_view rest = name;
  while (!rest.empty()) {
    auto it = services_.find(std::string(rest));
    if (it != services_.end()) return it->second;
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  return {};
}

}  // namespace domainguard::registration
