#include "controller/app/check_registration_plugin.h"

#include <filesystem>
#include <memory>
#include <sstream>

#include "controller/api/finding.h"
#include "controller/base/time_format.h"
#include "controller/http/transport.h"
#include "controller/registration/bootstrap.h"
#include "controller/registration/check.h"
#include "controller/registration/registration_controller.h"
#include "controller/registration/whois_client.h"

namespace domainguard::app {
namespace {

// The installed bootstrap, else the snapshot shipped in the source tree (a developer running from build/).
std::string DefaultBootstrapPath() {
  if (std::filesystem::exists(registration::kDefaultBootstrapPath)) return registration::kDefaultBootstrapPath;
  return DG_SOURCE_BOOTSTRAP;
}

// `check --now`: the instant people see moves to the one asked for; intervals (rate limits) keep real time.
class ShiftedClock final : public Clock {
 public:
  explicit ShiftedClock(SystemTime at) : offset_(at - std::chrono::system_clock::now()) {}
  SystemTime Now() const override { return std::chrono::system_clock::now() + offset_; }
  MonotonicTime Monotonic() const override { return std::chrono::steady_clock::now(); }

 private:
  const SystemTime::duration offset_;
};

// Shared by configure (once), setup (once) and check (per zone).
struct PluginState {
  bool disabled = false;
  std::unique_ptr<http::Transport> transport;
  std::unique_ptr<registration::WhoisConnector> whois;
  registration::RdapBootstrap bootstrap;
  registration::CheckOptions options;
  std::unique_ptr<Clock> clock;                              // --now; null: the real clock
  std::map<std::string, registration::Policy> policies;      // zone (no trailing dot) -> the manifest's policy
};

std::string WithoutDot(std::string zone) {
  while (!zone.empty() && zone.back() == '.') zone.pop_back();
  for (char& c : zone) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return zone;
}

// -o table cells: EXPIRES (the date), REGISTRAR, STATUSES (EPP codes, comma-separated).
std::vector<std::string> TableCells(const registration::Verdict& v) {
  if (!v.record) return {"unknown", "-", "-"};
  const registration::RegistrationRecord& r = *v.record;
  std::string expires = r.expires_at ? FormatRfc3339(*r.expires_at).substr(0, 10) : "none";
  std::string registrar = r.registrar.empty() ? "-" : r.registrar;
  if (registrar.size() > 32) registrar = registrar.substr(0, 31) + "~";
  std::string statuses;
  for (const auto& st : r.statuses) statuses += (statuses.empty() ? "" : ",") + st;
  return {expires, registrar, statuses.empty() ? "-" : statuses};
}

// "sm=127.0.0.1:18043,de=whois.denic.de" -> map; "" on success, else the error.
std::string ParseWhoisServers(const std::string& text, std::map<std::string, std::string>* out) {
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      return "--whois-servers: expected TLD=HOST[:PORT] pairs separated by commas, got \"" + item + "\"";
    }
    (*out)[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return "";
}

// The check's report counts Critical and Warning findings only: a registration finding of severity Unknown is
// listed as Info, and the part as a whole is marked unknown instead (CheckPart::unknown).
api::Severity CheckReportSeverity(api::Severity s) {
  return s == api::Severity::kUnknown ? api::Severity::kInfo : s;
}

}  // namespace

delegation::CheckPlugin MakeRegistrationCheckPlugin() {
  auto state = std::make_shared<PluginState>();
  delegation::CheckPlugin plugin;
  plugin.key = "registration";
  plugin.value_flags = {"--rdap-bootstrap", "--whois-servers", "--whois-iana"};
  plugin.switch_flags = {"--no-registration"};
  plugin.usage =
      "       registration (RDAP, WHOIS as fallback):\n"
      "         [--rdap-bootstrap FILE]   IANA RDAP bootstrap (default the shipped snapshot); an empty \"services\"\n"
      "                                   list means WHOIS for every TLD\n"
      "         [--whois-servers MAP]     per-TLD WHOIS servers: tld=host[:port],... (default IANA referral)\n"
      "         [--whois-iana HOST[:PORT]] where TLDs without an entry are referred from (default whois.iana.org)\n"
      "         [--no-registration]       skip the registration part\n"
      "       -f manifests: each Domain's spec.checks.registration (warnBefore, criticalBefore,\n"
      "       expectTransferLock) applies to its zone; zones named on the command line use the defaults\n";
  plugin.columns = {"EXPIRES", "REGISTRAR", "STATUSES"};
  plugin.setup = [state](const delegation::CheckSetup& setup) -> std::string {
    if (state->disabled) return "";
    if (setup.now) {
      state->clock = std::make_unique<ShiftedClock>(*setup.now);
      state->options.clock = state->clock.get();
    }
    for (const nlohmann::json& domain : setup.domains) {
      Result<registration::DomainSpec> spec = registration::DomainSpecFromObject(domain);
      if (!spec.ok()) {
        std::string name = domain.contains("metadata") && domain["metadata"].is_object()
                               ? domain["metadata"].value("name", std::string("?"))
                               : std::string("?");
        return "Domain " + name + ": " + spec.error().message;
      }
      state->policies[WithoutDot(spec->zone)] = spec->policy;
    }
    return "";
  };
  plugin.configure = [state](const std::map<std::string, std::string>& flags) -> std::string {
    if (flags.count("--no-registration")) {
      state->disabled = true;
      return "";
    }
    const auto flag = [&](const char* name, std::string fallback) {
      auto it = flags.find(name);
      return it == flags.end() ? fallback : it->second;
    };
    auto bootstrap = registration::RdapBootstrap::LoadFile(flag("--rdap-bootstrap", DefaultBootstrapPath()));
    if (!bootstrap.ok()) return "--rdap-bootstrap: " + bootstrap.error().message;
    state->bootstrap = std::move(bootstrap).value();
    auto transport = http::NewTransport({});
    if (!transport.ok()) return "registration: " + transport.error().message;
    state->transport = std::move(transport).value();
    state->whois = registration::NewTcpWhoisConnector();
    std::string err = ParseWhoisServers(flag("--whois-servers", ""), &state->options.whois_options.tld_servers);
    if (!err.empty()) return err;
    state->options.whois_options.iana_server = flag("--whois-iana", "whois.iana.org");
    state->options.transport = state->transport.get();
    state->options.bootstrap = &state->bootstrap;
    state->options.whois = state->whois.get();
    return "";
  };
  plugin.check = [state](const std::string& zone) -> std::optional<delegation::CheckPart> {
    if (state->disabled) return std::nullopt;
    delegation::CheckPart part;
    registration::CheckOptions options = state->options;
    if (auto it = state->policies.find(WithoutDot(zone)); it != state->policies.end()) options.policy = it->second;
    auto report = registration::CheckRegistration(zone, options);
    if (!report.ok()) {
      // A zone that is a public suffix or has no registrable domain: nothing to look up, said plainly.
      part.unknown = true;
      part.value = {{"error", report.error().message}};
      part.findings.push_back({"RegistrationUnknown", api::Severity::kWarning, report.error().message});
      return part;
    }
    const auto json = report->ToJson();
    part.value = json.contains("registration") ? json["registration"] : nlohmann::json::object();
    for (const auto& f : report->verdict.findings) {
      part.findings.push_back({f.reason, CheckReportSeverity(f.severity), f.message});
    }
    part.unknown = report->verdict.worst == api::Severity::kUnknown;
    part.cells = TableCells(report->verdict);
    return part;
  };
  return plugin;
}

}  // namespace domainguard::app
