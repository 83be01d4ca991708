// `domainguard check`: flags -> specs -> probes -> verdicts (+ plug-in parts) -> table or JSON -> exit code.
#include "controller/delegation/check_command.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "controller/base/clock.h"
#include "controller/base/time_format.h"
#include "controller/delegation/manifest.h"
#include "controller/delegation/prober.h"
#include "controller/delegation/report.h"
#include "controller/delegation/walker.h"
#include "controller/dns/ares_resolver.h"

namespace domainguard::delegation {
namespace {

constexpr int kExitHealthy = 0;
constexpr int kExitWarning = 1;
constexpr int kExitCritical = 2;
constexpr int kExitUnknown = 3;

constexpr const char* kUsage =
    "usage: domainguard check [ZONE...] [-f domains.yaml]... [-o table|json]\n"
    "         [--root-hints FILE]    root hints (default /usr/share/dns/root.hints)\n"
    "         [--timeout 2s]         first-try timeout of one DNS query (doubled per retry)\n"
    "         [--tries 2]            attempts per DNS query\n"
    "         [--deadline 30s]       the whole check\n"
    "         [--port 53]            DNS port of every server asked\n"
    "         [--ipv6]               also ask servers over IPv6\n"
    "         [--records-sample N]   check at most N desired record sets per zone (default: all)\n"
    "         [--concurrency 100]    queries in flight per server\n"
    "         [--no-dependencies]    do not check the zones hosting out-of-zone name servers\n"
    "         [--now RFC3339]        evaluate as of this instant (expiry warnings); default\n"
    "                                $DOMAINGUARD_NOW, else the clock\n";
constexpr const char* kUsageExit = "exit: 0 healthy, 1 warnings, 2 critical, 3 unknown (or a usage error)\n";

struct Flags {
  std::vector<std::string> zones;
  std::vector<std::string> manifests;
  std::string output = "table";
  std::string root_hints = "/usr/share/dns/root.hints";
  std::chrono::milliseconds timeout{2000};
  std::chrono::milliseconds deadline{30000};
  int tries = 2;
  uint16_t port = 53;
  bool ipv6 = false;
  size_t records_sample = 0;
  int concurrency = 100;
  bool dependencies = true;
  std::optional<SystemTime> now;  // --now / $DOMAINGUARD_NOW
  std::map<std::string, std::map<std::string, std::string>> plugin_flags;  // plug-in key -> flags
};

Result<std::chrono::milliseconds> Millis(const std::string& flag, const std::string& v) {
  auto d = ParseDuration(v);
  if (!d.ok()) return Error::InvalidArgument(flag + ": " + d.error().message);
  if (d->count() <= 0) return Error::InvalidArgument(flag + " must be positive");
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

Result<long> Number(const std::string& flag, const std::string& v, long min, long max) {
  try {
    size_t used = 0;
    long n = std::stol(v, &used);
    if (used != v.size() || n < min || n > max) throw std::out_of_range(v);
    return n;
  } catch (const std::exception&) {
    return Error::InvalidArgument(flag + ": want a number from " + std::to_string(min) + " to " + std::to_string(max) +
                                  ", got \"" + v + "\"");
  }
}

Result<Flags> ParseFlags(const std::vector<std::string>& args, const CheckPlugins& plugins) {
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    bool has_inline = false;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      value = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      has_inline = true;
    }
    auto next = [&]() -> Result<std::string> {
      if (has_inline) return value;
      if (i + 1 >= args.size()) return Error::InvalidArgument(a + " needs a value");
      return args[++i];
    };
    auto take = [&](auto&& apply) -> Status {
      auto v = next();
      if (!v.ok()) return v.error();
      return apply(*v);
    };
    Status st;
    if (a == "-h" || a == "--help") {
      return Error::FailedPrecondition("help");
    } else if (a == "-f" || a == "--filename") {
      st = take([&](const std::string& v) -> Status { f.manifests.push_back(v); return OkStatus(); });
    } else if (a == "-o" || a == "--output") {
      st = take([&](const std::string& v) -> Status {
        if (v != "table" && v != "json") return Error::InvalidArgument("-o: want table or json, got \"" + v + "\"");
        f.output = v;
        return OkStatus();
      });
    } else if (a == "--root-hints") {
      st = take([&](const std::string& v) -> Status { f.root_hints = v; return OkStatus(); });
    } else if (a == "--timeout" || a == "--deadline") {
      st = take([&](const std::string& v) -> Status {
        auto d = Millis(a, v);
        if (!d.ok()) return d.error();
        (a == "--timeout" ? f.timeout : f.deadline) = *d;
        return OkStatus();
      });
    } else if (a == "--tries" || a == "--port" || a == "--records-sample" || a == "--concurrency") {
      st = take([&](const std::string& v) -> Status {
        auto n = Number(a, v, a == "--records-sample" ? 0 : 1, a == "--port" ? 65535 : 100000);
        if (!n.ok()) return n.error();
        if (a == "--tries") f.tries = static_cast<int>(*n);
        if (a == "--port") f.port = static_cast<uint16_t>(*n);
        if (a == "--records-sample") f.records_sample = static_cast<size_t>(*n);
        if (a == "--concurrency") f.concurrency = static_cast<int>(*n);
        return OkStatus();
      });
    } else if (a == "--now") {
      st = take([&](const std::string& v) -> Status {
        auto t = ParseRfc3339(v);
        if (!t.ok()) return Error::InvalidArgument("--now: want an RFC 3339 time such as 2026-11-23T12:00:00Z, got \"" + v + "\"");
        f.now = *t;
        return OkStatus();
      });
    } else if (a == "--ipv6") {
      f.ipv6 = true;
    } else if (a == "--no-dependencies") {
      f.dependencies = false;
    } else if (!a.empty() && a[0] == '-') {
      bool claimed = false;
      for (const CheckPlugin& p : plugins.parts) {
        if (std::find(p.value_flags.begin(), p.value_flags.end(), a) != p.value_flags.end()) {
          auto v = next();
          if (!v.ok()) return v.error();
          f.plugin_flags[p.key][a] = *v;
          claimed = true;
        } else if (std::find(p.switch_flags.begin(), p.switch_flags.end(), a) != p.switch_flags.end()) {
          f.plugin_flags[p.key][a] = "";
          claimed = true;
        }
        if (claimed) break;
      }
      if (!claimed) return Error::InvalidArgument("unknown flag " + a);
    } else {
      f.zones.push_back(a);
    }
    if (!st.ok()) return st.error();
  }
  // A plug-in that brings zones of its own (extra_zones) and was given one of its flags stands in for ZONE / -f.
  bool zone_source = false;
  for (const CheckPlugin& p : plugins.parts) zone_source |= p.extra_zones && f.plugin_flags.count(p.key) > 0;
  if (f.zones.empty() && f.manifests.empty() && !zone_source) {
    return Error::InvalidArgument("name at least one ZONE or -f FILE");
  }
  if (!f.now) {
    if (const char* env = std::getenv("DOMAINGUARD_NOW"); env != nullptr && *env != '\0') {
      auto t = ParseRfc3339(env);
      if (!t.ok()) return Error::InvalidArgument(std::string("DOMAINGUARD_NOW: want an RFC 3339 time, got \"") + env + "\"");
      f.now = *t;
    }
  }
  return f;
}

// A YAML node as JSON, for handing manifest objects to plug-ins: maps and lists as such, "true"/"false" as
// booleans, everything else as strings (durations and names are strings in the API anyway).
nlohmann::json YamlToJson(const YAML::Node& n, int depth = 0) {
  if (depth > 64) return nullptr;
  if (n.IsMap()) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& kv : n) j[kv.first.as<std::string>("")] = YamlToJson(kv.second, depth + 1);
    return j;
  }
  if (n.IsSequence()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& v : n) j.push_back(YamlToJson(v, depth + 1));
    return j;
  }
  if (n.IsScalar()) {
    const std::string v = n.Scalar();
    if (n.Tag() != "!") {
      if (v == "true" || v == "True") return true;
      if (v == "false" || v == "False") return false;
    }
    return v;
  }
  return nullptr;
}

// The Domain objects of the manifests, as JSON. Unreadable files were reported by LoadDomainManifest already.
std::vector<nlohmann::json> ManifestDomains(const std::vector<std::string>& paths) {
  std::vector<nlohmann::json> out;
  for (const std::string& path : paths) {
    try {
      for (const YAML::Node& doc : YAML::LoadAllFromFile(path)) {
        if (doc.IsMap() && doc["kind"] && doc["kind"].as<std::string>("") == "Domain") out.push_back(YamlToJson(doc));
      }
    } catch (const YAML::Exception&) {
      // LoadDomainManifest has said what is wrong with this file.
    }
  }
  return out;
}

std::string Pad(const std::string& s, size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); }

}  // namespace

int RunCheck(const std::vector<std::string>& args, const CheckPlugins& plugins, std::ostream& out, std::ostream& err) {
  auto flags = ParseFlags(args, plugins);
  if (!flags.ok()) {
    std::string usage = kUsage;
    for (const CheckPlugin& p : plugins.parts) usage += p.usage;
    usage += kUsageExit;
    if (flags.error().message == "help") {
      out << usage;
      return kExitHealthy;
    }
    err << "domainguard check: " << flags.error().message << "\n" << usage;
    return kExitUnknown;
  }
  const Flags& f = *flags;
  for (const CheckPlugin& p : plugins.parts) {
    if (!p.configure) continue;
    auto it = f.plugin_flags.find(p.key);
    const std::string problem = p.configure(it == f.plugin_flags.end() ? std::map<std::string, std::string>{} : it->second);
    if (!problem.empty()) {
      err << "domainguard check: " << p.key << ": " << problem << "\n";
      return kExitUnknown;
    }
  }

  // Zones to check: the command line's (no desired state), then each manifest's Domains.
  std::vector<ZoneSpec> specs;
  for (const std::string& z : f.zones) specs.push_back(ZoneSpec{dns::CanonicalName(z), {}, {}});
  for (const std::string& path : f.manifests) {
    auto m = LoadDomainManifest(path);
    if (!m.ok()) {
      err << "domainguard check: " << m.error().message << "\n";
      return kExitUnknown;
    }
    specs.insert(specs.end(), m->begin(), m->end());
  }
  CheckSetup setup;
  setup.now = f.now;
  setup.domains = ManifestDomains(f.manifests);
  for (const CheckPlugin& p : plugins.parts) {
    if (!p.setup) continue;
    const std::string problem = p.setup(setup);
    if (!problem.empty()) {
      err << "domainguard check: " << p.key << ": " << problem << "\n";
      return kExitUnknown;
    }
  }
  for (const CheckPlugin& p : plugins.parts) {
    if (!p.extra_zones) continue;
    for (const std::string& z : p.extra_zones()) {
      const std::string zone = dns::CanonicalName(z);
      const bool known = std::any_of(specs.begin(), specs.end(), [&](const ZoneSpec& s) { return s.zone == zone; });
      if (!known) specs.push_back(ZoneSpec{zone, {}, {}});
    }
  }
  if (specs.empty()) {
    if (f.output == "json") {
      out << "{\"domains\":[]}\n";
    } else {
      out << "nothing to check\n";
    }
    return kExitHealthy;
  }

  auto roots = LoadRootHints(f.root_hints);
  if (!roots.ok()) {
    err << "domainguard check: root hints: " << roots.error().message << "\n";
    return kExitUnknown;
  }
  auto resolver = dns::AresResolver::Create(
      dns::AresOptions{.timeout = f.timeout, .tries = f.tries, .max_in_flight_per_server = f.concurrency});
  if (!resolver.ok()) {
    err << "domainguard check: " << resolver.error().message << "\n";
    return kExitUnknown;
  }
  Walker walker(**resolver, *roots, WalkerOptions{.port = f.port, .ipv6 = f.ipv6});
  Prober prober(**resolver, walker,
                ProberOptions{.port = f.port, .ipv6 = f.ipv6, .record_sample = f.records_sample,
                              .check_dependencies = f.dependencies});
  const auto observations = prober.ObserveAll(specs, std::chrono::steady_clock::now() + f.deadline);

  // Verdicts, plug-in parts, exit code.
  bool any_critical = false, any_warning = false, any_unknown = false;
  nlohmann::json doc = {{"domains", nlohmann::json::array()}};
  // -o table: one row per zone (the delegation's columns, then each plug-in's), its findings indented below.
  std::vector<std::string> headers = {"ZONE", "STATUS", "PARENT", "SERVERS", "DEPENDS ON"};
  for (const CheckPlugin& p : plugins.parts) headers.insert(headers.end(), p.columns.begin(), p.columns.end());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<Finding>> row_findings;
  for (size_t i = 0; i < specs.size(); ++i) {
    DelegationReport report;
    report.zone = specs[i].zone;
    report.verdict = EvaluateDelegation(observations[i], specs[i], History{}, Policy{1});
    report.status = StatusFromObservation(observations[i]);
    nlohmann::json z = report.ToJson();
    std::vector<Finding> findings = report.verdict.findings;
    bool unknown = report.verdict.unknown;
    std::vector<std::string> plugin_cells;
    for (const CheckPlugin& p : plugins.parts) {
      std::optional<CheckPart> part = p.check ? p.check(report.zone) : std::nullopt;
      for (size_t c = 0; c < p.columns.size(); ++c) {
        plugin_cells.push_back(part && c < part->cells.size() && !part->cells[c].empty() ? part->cells[c] : "-");
      }
      if (!part) continue;
      z[p.key] = part->value;
      for (const Finding& fd : part->findings) {
        z["findings"].push_back(ToJson(fd));
        findings.push_back(fd);
      }
      unknown = unknown || part->unknown;
    }
    Severity worst = Severity::kInfo;
    for (const Finding& fd : findings) worst = std::max(worst, fd.severity);
    any_critical = any_critical || worst == Severity::kCritical;
    any_warning = any_warning || worst == Severity::kWarning;
    any_unknown = any_unknown || unknown;
    doc["domains"].push_back(std::move(z));

    size_t auth = 0;
    for (const auto& s : report.status.servers) auth += s.authoritative ? 1 : 0;
    const std::string status = worst == Severity::kCritical ? "Critical"
                               : unknown                   ? "Unknown"
                               : worst == Severity::kWarning ? "Warning"
                                                            : "Healthy";
    std::string deps;
    for (const auto& d : report.verdict.depends_on) deps += (deps.empty() ? "" : ",") + d;
    std::vector<std::string> row = {report.zone, status,
                                    report.status.parent_zone.empty() ? "?" : report.status.parent_zone,
                                    std::to_string(auth) + "/" + std::to_string(report.status.servers.size()) + " auth",
                                    deps.empty() ? "-" : deps};
    row.insert(row.end(), plugin_cells.begin(), plugin_cells.end());
    rows.push_back(std::move(row));
    row_findings.push_back(findings);
  }
  std::vector<size_t> widths(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) {
    widths[c] = headers[c].size() + 1;
    for (const auto& row : rows) widths[c] = std::max(widths[c], row[c].size() + 1);
  }
  std::ostringstream table;
  for (size_t c = 0; c < headers.size(); ++c) table << (c + 1 == headers.size() ? headers[c] : Pad(headers[c], widths[c]));
  table << "\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < headers.size(); ++c) {
      table << (c + 1 == headers.size() ? rows[r][c] : Pad(rows[r][c], widths[c]));
    }
    table << "\n";
    for (const Finding& fd : row_findings[r]) {
      table << "  " << Pad(std::string(SeverityName(fd.severity)), 10) << Pad(fd.reason, 26) << fd.message << "\n";
    }
  }
  if (f.output == "json") {
    out << doc.dump(2) << "\n";
  } else {
    out << table.str();
  }
  if (any_critical) return kExitCritical;
  if (any_unknown) return kExitUnknown;
  if (any_warning) return kExitWarning;
  return kExitHealthy;
}

int RunCheck(int argc, char** argv, const CheckPlugins& plugins) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return RunCheck(args, plugins, std::cout, std::cerr);
}

int RunCheck(int argc, char** argv) { return RunCheck(argc, argv, CheckPlugins{}); }

}  // namespace domainguard::delegation
