// The registration part of `domainguard check`: one zone, no cluster. Looks the registrable domain up (RDAP,
// else WHOIS), judges it, and returns a report shaped like status.registration + findings (api.md), for the
// lead to print beside the delegation engineer's check output.
//
// Thread-safety: CheckRegistration may be called from several threads with distinct options.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/http/transport.h"
#include "controller/registration/bootstrap.h"
#include "controller/registration/rdap_client.h"
#include "controller/registration/verdict.h"
#include "controller/registration/whois_client.h"

namespace domainguard::registration {

inline constexpr char kDefaultBootstrapPath[] = "/usr/share/domainguard/iana-rdap-dns.json";

struct CheckOptions {
  http::Transport* transport = nullptr;       // RDAP; null: WHOIS only
  const RdapBootstrap* bootstrap = nullptr;   // null: loaded from bootstrap_path
  std::string bootstrap_path = kDefaultBootstrapPath;
  WhoisConnector* whois = nullptr;            // null: no WHOIS fallback
  WhoisOptions whois_options;
  RdapOptions rdap_options;
  RateLimit rate{1.0, 2.0};
  Policy policy;
  std::vector<std::string> desired_nameservers;  // from the manifest; empty: not compared
  const Clock* clock = nullptr;               // null: the real clock
};

struct RegistrationReport {
  std::string zone;        // as asked
  std::string domain;      // the registrable domain looked up
  Verdict verdict;
  std::optional<Error> lookup_error;

  // {"zone", "findings": [...], "registration": {...}} — the registration half of a `check` JSON domain entry.
  nlohmann::json ToJson() const;
  // 0 healthy, 1 warnings, 2 critical, 3 unknown (api.md `check` exit codes).
  int ExitCode() const;
};

// Checks `zone`'s registration. Fails only on bad input: kInvalidArgument for a zone that is a public suffix,
// kNotFound when the bootstrap file cannot be read. A failed lookup is a report with RegistrationUnknown.
Result<RegistrationReport> CheckRegistration(const std::string& zone, const CheckOptions& options);

}  // namespace domainguard::registration
