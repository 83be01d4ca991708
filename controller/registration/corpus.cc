#include "controller/registration/corpus.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "controller/base/clock.h"
#include "controller/base/time_format.h"
#include "controller/http/testing/fake_transport.h"
#include "controller/registration/bootstrap.h"
#include "controller/registration/check.h"
#include "controller/registration/epp_status.h"
#include "controller/registration/reasons.h"
#include "controller/registration/whois_client.h"

namespace domainguard::registration {
namespace {

using nlohmann::json;

// The scripted servers answer only under these names, so a referral or registrar link elsewhere fails the way
// an unreachable server does (the registry's data must stand on its own, as in production).
constexpr char kWhoisHost[] = "whois.corpus.test";
constexpr char kRdapBase[] = "https://rdap.corpus.test/";

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CorpusWhois final : public WhoisConnector {
 public:
  explicit CorpusWhois(std::string text) : text_(std::move(text)) {}
  Result<std::string> Query(const std::string& address, const std::string&, std::chrono::milliseconds) override {
    if (address == kWhoisHost) return text_;
    return Error::Unavailable("corpus: no server " + address);
  }

 private:
  const std::string text_;
};

json SortedStrings(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return json(v);
}

std::string HostWithoutDot(std::string h) {
  while (!h.empty() && h.back() == '.') h.pop_back();
  return h;
}

bool IsCritical(const std::string& s) {
  return s == "pendingDelete" || s == "redemptionPeriod" || IsHoldStatus(s);
}

}  // namespace

Result<json> LoadCorpusManifest(const std::string& dir) {
  Result<std::string> text = ReadText(dir + "/cases.json");
  if (!text.ok()) return text.error();
  json j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("cases") || !j["cases"].is_array()) {
    return Error::InvalidArgument(dir + "/cases.json: not a manifest with a \"cases\" array");
  }
  return j;
}

Result<CaseResult> RunCorpusCase(const std::string& dir, const json& entry) {
  if (!entry.is_object() || !entry.contains("file") || !entry.contains("domain") || !entry.contains("expect")) {
    return Error::InvalidArgument("corpus case without file, domain or expect: " + entry.dump().substr(0, 120));
  }
  CaseResult out;
  out.file = entry.value("file", "");
  out.kind = entry.value("kind", "whois");
  const std::string domain = entry.value("domain", "");
  Result<std::string> text = ReadText(dir + "/" + out.file);
  if (!text.ok()) return text.error();
  Result<SystemTime> now = ParseRfc3339(entry.value("now", "2013-06-01T00:00:00Z"));
  if (!now.ok()) return Error::InvalidArgument(out.file + ": bad \"now\"");

  FakeClock clock(*now);
  CheckOptions options;
  options.clock = &clock;
  options.rate = RateLimit{1000.0, 1000.0};
  const std::string tld = domain.substr(domain.rfind('.') + 1);

  http::FakeTransport transport;
  std::optional<RdapBootstrap> bootstrap;
  CorpusWhois whois(*text);
  if (out.kind == "rdap") {
    const int status = entry.value("http_status", 200);
    const std::string body = *text;
    transport.SetSendHandler([status, body](const http::HttpRequest& req) -> Result<http::HttpResponse> {
      if (req.url.rfind(kRdapBase, 0) != 0) return Error::Unavailable("corpus: no server for " + req.url);
      http::HttpResponse r;
      r.status = status;
      r.headers = {{"Content-Type", "application/rdap+json"}};
      r.body = body;
      return r;
    });
    auto b = RdapBootstrap::Parse(R"({"services":[[[")" + tld + R"("],[")" + kRdapBase + R"("]]]})");
    if (!b.ok()) return b.error();
    bootstrap = std::move(b).value();
    options.transport = &transport;
    options.bootstrap = &*bootstrap;
  } else {
    options.whois = &whois;
    options.whois_options.tld_servers[tld] = kWhoisHost;
    options.whois_options.iana_server = "";
  }

  Result<RegistrationReport> report = CheckRegistration(domain, options);
  if (!report.ok()) return report.error().Wrap(out.file);
  const Verdict& v = report->verdict;

  std::vector<std::string> reasons;
  for (const Finding& f : v.findings) reasons.push_back(f.reason);
  std::sort(reasons.begin(), reasons.end());
  reasons.erase(std::unique(reasons.begin(), reasons.end()), reasons.end());
  if (reasons.empty()) reasons.push_back(std::string(kRegistered));
  const bool not_registered = std::count(reasons.begin(), reasons.end(), std::string(kNotRegistered)) > 0;

  json registered = nullptr;
  if (not_registered) registered = false;
  else if (v.record) registered = true;

  const json& exp = entry["expect"];
  auto add = [&](const std::string& field, json expected, json actual) {
    bool ok = expected == actual;
    out.fields.push_back({field, std::move(expected), std::move(actual), ok});
  };
  add("registered", exp.value("registered", json()), registered);
  if (exp.value("registered", json()) == json(true)) {
    json expires = v.record && v.record->expires_at ? json(FormatRfc3339(*v.record->expires_at)) : json();
    std::vector<std::string> ns;
    if (v.record) {
      for (const auto& n : v.record->nameservers) ns.push_back(HostWithoutDot(n));
    }
    add("expires", exp.value("expires", json()), expires);
    add("statuses", exp.value("statuses", json::array()), SortedStrings(v.record ? v.record->statuses : std::vector<std::string>{}));
    add("registrar", exp.value("registrar", ""), json(v.record ? v.record->registrar : ""));
    add("nameservers", exp.value("nameservers", json::array()), SortedStrings(ns));
    if (!exp["expires"].is_null() && !expires.is_null() && exp["expires"] != expires) out.wrong_expiry = true;
    if (exp["expires"].is_null() && !expires.is_null()) out.invented_expiry = true;
    for (const auto& s : exp.value("statuses", json::array())) {
      if (!s.is_string() || !IsCritical(s.get<std::string>())) continue;
      if (!v.record || std::count(v.record->statuses.begin(), v.record->statuses.end(), s.get<std::string>()) == 0) {
        out.missed_critical = true;
      }
    }
  } else if (v.record && v.record->expires_at) {
    out.invented_expiry = true;  // a throttled or free answer read as a registration with a date
  }
  add("reasons", exp.value("reasons", json::array()), json(reasons));
  out.all_ok = std::all_of(out.fields.begin(), out.fields.end(), [](const FieldResult& f) { return f.ok; });
  return out;
}

CorpusSummary Summarise(const std::vector<CaseResult>& results) {
  CorpusSummary s;
  std::map<std::string, std::pair<size_t, size_t>> fields;
  std::vector<std::string> order;
  for (const CaseResult& r : results) {
    ++s.cases;
    s.all_ok += r.all_ok ? 1 : 0;
    s.missed_critical += r.missed_critical ? 1 : 0;
    s.invented_expiry += r.invented_expiry ? 1 : 0;
    for (const FieldResult& f : r.fields) {
      if (!fields.count(f.field)) order.push_back(f.field);
      auto& [right, compared] = fields[f.field];
      ++compared;
      right += f.ok ? 1 : 0;
    }
  }
  for (const auto& name : order) s.per_field.push_back({name, fields[name]});
  return s;
}

}  // namespace domainguard::registration
