#include "controller/app/check_registration_plugin.h"

#include <filesystem>
#include <memory>
#include <sstream>

#include "controller/http/transport.h"
#include "controller/registration/bootstrap.h"
#include "controller/registration/check.h"
#include "controller/registration/whois_client.h"

namespace domainguard::app {
namespace {

// The installed bootstrap, else the snapshot shipped in the source tree (a developer running from build/).
std::string DefaultBootstrapPath() {
  if (std::filesystem::exists(registration::kDefaultBootstrapPath)) return registration::kDefaultBootstrapPath;
  return DG_SOURCE_BOOTSTRAP;
}

// Shared by configure (once) and check (per zone).
struct PluginState {
  bool disabled = false;
  std::unique_ptr<http::Transport> transport;
  std::unique_ptr<registration::WhoisConnector> whois;
  registration::RdapBootstrap bootstrap;
  registration::CheckOptions options;
};

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

registration::Severity Worst(const registration::Verdict& v) { return v.worst; }

delegation::Severity ToDelegationSeverity(registration::Severity s) {
  switch (s) {
    case registration::Severity::kCritical: return delegation::Severity::kCritical;
    case registration::Severity::kWarning: return delegation::Severity::kWarning;
    default: return delegation::Severity::kInfo;
  }
}

}  // namespace

delegation::CheckPlugin MakeRegistrationCheckPlugin() {
  auto state = std::make_shared<PluginState>();
  delegation::CheckPlugin plugin;
  plugin.key = "registration";
  plugin.value_flags = {"--rdap-bootstrap", "--whois-servers", "--whois-iana"};
  plugin.switch_flags = {"--no-registration"};
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
    auto transport = http::NewCppRestTransport({});
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
    auto report = registration::CheckRegistration(zone, state->options);
    if (!report.ok()) {
      // A zone that is a public suffix or has no registrable domain: nothing to look up, said plainly.
      part.unknown = true;
      part.value = {{"error", report.error().message}};
      part.findings.push_back({"RegistrationUnknown", delegation::Severity::kWarning, report.error().message});
      return part;
    }
    const auto json = report->ToJson();
    part.value = json.contains("registration") ? json["registration"] : nlohmann::json::object();
    for (const auto& f : report->verdict.findings) {
      part.findings.push_back({f.reason, ToDelegationSeverity(f.severity), f.message});
    }
    part.unknown = Worst(report->verdict) == registration::Severity::kUnknown;
    return part;
  };
  return plugin;
}

}  // namespace domainguard::app
