#include "controller/app/options.h"

#include <charconv>
#include <functional>
#include <set>

#include "controller/base/time_format.h"

namespace domainguard::app {

namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string part = Trim(s.substr(start, comma - start));
    if (!part.empty()) out.push_back(std::move(part));
    start = comma + 1;
  }
  return out;
}

Result<int> ParsePort(std::string_view text) {
  int port = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || p != text.data() + text.size() || port < 1 || port > 65535) {
    return Error::InvalidArgument("invalid port \"" + std::string(text) + "\"");
  }
  return port;
}

Result<bool> ParseBool(std::string_view v) {
  // Go's strconv.ParseBool spellings.
  static const std::set<std::string_view> kTrue = {"1", "t", "T", "true", "TRUE", "True"};
  static const std::set<std::string_view> kFalse = {"0", "f", "F", "false", "FALSE", "False"};
  if (kTrue.count(v)) return true;
  if (kFalse.count(v)) return false;
  return Error::InvalidArgument("invalid boolean \"" + std::string(v) + "\"");
}

// A flag's setter: value in, error message (without the flag name) out.
struct FlagDef {
  std::string name;
  bool is_bool = false;
  std::string value_name;  // for the usage text, e.g. "duration"
  std::string def;         // the default, as shown in the usage text
  std::string help;
  std::function<Status(ManagerOptions&, const std::string&)> set;
};

Status SetDuration(std::chrono::milliseconds& out, const std::string& v) {
  Result<std::chrono::nanoseconds> d = ParseDuration(v);
  if (!d.ok()) return Error::InvalidArgument("invalid duration \"" + v + "\"");
  if (d->count() <= 0) return Error::InvalidArgument("must be positive, got \"" + v + "\"");
  out = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  return OkStatus();
}

// A count of concurrent reconciles: 1-256.
Status SetWorkers(int& out, const std::string& v) {
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < 1 || n > 256) {
    return Error::InvalidArgument("want a number from 1 to 256, got \"" + v + "\"");
  }
  out = n;
  return OkStatus();
}

Status SetBind(BindAddress& out, const std::string& v) {
  Result<BindAddress> b = ParseBindAddress(v);
  if (!b.ok()) return b.error();
  out = *b;
  return OkStatus();
}

Result<ResourceFlag> ParseResourceFlag(const std::string& v) {
  size_t a = v.find('/');
  size_t b = a == std::string::npos ? std::string::npos : v.find('/', a + 1);
  if (b == std::string::npos || v.find('/', b + 1) != std::string::npos) {
    return Error::InvalidArgument("want GROUP/VERSION/PLURAL, got \"" + v + "\"");
  }
  ResourceFlag r{v.substr(0, a), v.substr(a + 1, b - a - 1), v.substr(b + 1)};
  if (r.version.empty() || r.plural.empty()) {
    return Error::InvalidArgument("want GROUP/VERSION/PLURAL, got \"" + v + "\"");
  }
  return r;
}

const std::vector<FlagDef>& Flags() {
  static const std::vector<FlagDef> kFlags = {
      {"kubeconfig", false, "path", "", "kubeconfig file; default $KUBECONFIG, else in-cluster, else ~/.kube/config",
       [](ManagerOptions& o, const std::string& v) { o.kubeconfig = v; return OkStatus(); }},
      {"namespace", false, "name", "", "watch only this namespace; default all namespaces",
       [](ManagerOptions& o, const std::string& v) { o.namespace_ = v; return OkStatus(); }},
      {"metrics-bind-address", false, "addr", ":8080", "Prometheus /metrics address; \"0\" disables it",
       [](ManagerOptions& o, const std::string& v) { return SetBind(o.metrics_bind, v); }},
      {"health-probe-bind-address", false, "addr", ":8081", "/healthz and /readyz address; \"0\" disables it",
       [](ManagerOptions& o, const std::string& v) { return SetBind(o.probe_bind, v); }},
      {"leader-elect", true, "", "true", "elect a leader on a Lease so only one replica reconciles",
       [](ManagerOptions& o, const std::string& v) {
         Result<bool> b = ParseBool(v);
         if (!b.ok()) return Status(b.error());
         o.leader_elect = *b;
         return OkStatus();
       }},
      {"leader-election-namespace", false, "name", "", "namespace of the Lease; default the pod's namespace, else default",
       [](ManagerOptions& o, const std::string& v) { o.leader_election_namespace = v; return OkStatus(); }},
      {"leader-election-id", false, "name", "domainguard-leader", "name of the Lease",
       [](ManagerOptions& o, const std::string& v) {
         if (v.empty()) return Status(Error::InvalidArgument("must not be empty"));
         o.leader_election_id = v;
         return OkStatus();
       }},
      {"leader-election-identity", false, "id", "", "this replica's holder identity; default hostname_random",
       [](ManagerOptions& o, const std::string& v) { o.leader_election_identity = v; return OkStatus(); }},
      {"lease-duration", false, "duration", "15s", "how long standbys wait after the leader's last renew",
       [](ManagerOptions& o, const std::string& v) { return SetDuration(o.lease_duration, v); }},
      {"renew-deadline", false, "duration", "10s", "the leader gives up if it cannot renew for this long",
       [](ManagerOptions& o, const std::string& v) { return SetDuration(o.renew_deadline, v); }},
      {"retry-period", false, "duration", "2s", "time between leader election attempts",
       [](ManagerOptions& o, const std::string& v) { return SetDuration(o.retry_period, v); }},
      {"graceful-shutdown-timeout", false, "duration", "30s", "on SIGTERM, how long in-flight reconciles may finish",
       [](ManagerOptions& o, const std::string& v) { return SetDuration(o.graceful_shutdown_timeout, v); }},
      {"log-level", false, "level", "info", "trace, debug, info, warn or error",
       [](ManagerOptions& o, const std::string& v) {
         static const std::set<std::string> kLevels = {"trace", "debug", "info", "warn", "error"};
         if (!kLevels.count(v)) return Status(Error::InvalidArgument("want trace|debug|info|warn|error, got \"" + v + "\""));
         o.log_level = v;
         return OkStatus();
       }},
      {"workers", false, "n", "2", "concurrent reconciles per controller (1-256), except the records controller",
       [](ManagerOptions& o, const std::string& v) { return SetWorkers(o.workers, v); }},
      {"records-workers", false, "n", "16",
       "concurrent records passes (1-256): each mostly waits on its providers' answers, so a burst of new "
       "Domains is written to the providers side by side",
       [](ManagerOptions& o, const std::string& v) { return SetWorkers(o.records_workers, v); }},
      {"root-hints", false, "path", "/usr/share/dns/root.hints", "root hints file for delegation checks",
       [](ManagerOptions& o, const std::string& v) {
         if (v.empty()) return Status(Error::InvalidArgument("must not be empty"));
         o.root_hints = v;
         return OkStatus();
       }},
      {"rdap-bootstrap", false, "path", "", "RDAP bootstrap file; default the shipped IANA snapshot",
       [](ManagerOptions& o, const std::string& v) { o.rdap_bootstrap = v; return OkStatus(); }},
      {"rdap-bootstrap-url", false, "url", "https://data.iana.org/rdap/dns.json",
       "a newer RDAP bootstrap is fetched from here at start, the file above kept when it does not answer; "
       "\"\" never",
       [](ManagerOptions& o, const std::string& v) {
         if (!v.empty() && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
           return Status(Error::InvalidArgument("want an http:// or https:// URL, got \"" + v + "\""));
         }
         o.rdap_bootstrap_url = v;
         return OkStatus();
       }},
      {"whois-servers", false, "tld=host[:port],...", "", "WHOIS server per TLD; default referral via whois.iana.org",
       [](ManagerOptions& o, const std::string& v) {
         for (const std::string& pair : SplitComma(v)) {
           size_t eq = pair.find('=');
           if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
             return Status(Error::InvalidArgument("want tld=host[:port], got \"" + pair + "\""));
           }
           std::string tld = pair.substr(0, eq);
           while (!tld.empty() && tld.front() == '.') tld.erase(0, 1);
           while (!tld.empty() && tld.back() == '.') tld.pop_back();
           if (tld.empty()) return Status(Error::InvalidArgument("empty TLD in \"" + pair + "\""));
           o.whois_servers[tld] = pair.substr(eq + 1);
         }
         return OkStatus();
       }},
      {"whois-referral-server", false, "host[:port]", "whois.iana.org:43",
       "WHOIS server asked for the WHOIS server of a TLD not in --whois-servers",
       [](ManagerOptions& o, const std::string& v) {
         if (v.empty()) return Status(Error::InvalidArgument("must not be empty"));
         o.whois_referral_server = v;
         return OkStatus();
       }},
      {"domain-controllers", true, "", "true", "run the Domain and DNSProvider controllers (false: only --noop-controller)",
       [](ManagerOptions& o, const std::string& v) {
         Result<bool> b = ParseBool(v);
         if (!b.ok()) return Status(b.error());
         o.domain_controllers = *b;
         return OkStatus();
       }},
      {"drift-poll-interval", false, "duration", "30s", "how often each provider's SOA serial is compared",
       [](ManagerOptions& o, const std::string& v) { return SetDuration(o.drift_poll_interval, v); }},
      {"drift-full-interval", false, "duration", "1h", "how often each zone is read whole and compared",
       [](ManagerOptions& o, const std::string& v) { return SetDuration(o.drift_full_interval, v); }},
      {"notify-listen-address", false, "addr", "0", "UDP address for DNS NOTIFY from providers (\"0\": off)",
       [](ManagerOptions& o, const std::string& v) { return SetBind(o.notify_bind, v); }},
      {"dns-timeout", false, "duration", "2s", "timeout of one DNS query of the delegation checks",
       [](ManagerOptions& o, const std::string& v) { return SetDuration(o.dns_timeout, v); }},
      {"noop-controller", false, "group/version/plural", "", "(testing) a controller that only logs reconciles of "
       "this resource; repeatable",
       [](ManagerOptions& o, const std::string& v) {
         Result<ResourceFlag> r = ParseResourceFlag(v);
         if (!r.ok()) return Status(r.error());
         o.noop_controllers.push_back(*r);
         return OkStatus();
       }},
  };
  return kFlags;
}

}  // namespace

Result<BindAddress> ParseBindAddress(std::string_view text) {
  if (text == "0") return BindAddress{"", 0, true};
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Error::InvalidArgument("want host:port, :port or 0, got \"" + std::string(text) + "\"");
  }
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return Error::InvalidArgument("IPv6 addresses need brackets, got \"" + std::string(text) + "\"");
  }
  if (host.empty()) host = "0.0.0.0";
  Result<int> port = ParsePort(text.substr(colon + 1));
  if (!port.ok()) return port.error();
  return BindAddress{host, *port, false};
}

Result<ManagerOptions> ParseRunFlags(const std::vector<std::string>& args) {
  ManagerOptions o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help" || arg == "-help") {
      o.help = true;
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      return Error::InvalidArgument("unexpected argument \"" + arg + "\" (run takes only flags)");
    }
    std::string body = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> value;
    if (size_t eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body = body.substr(0, eq);
    }
    const FlagDef* def = nullptr;
    for (const FlagDef& f : Flags()) {
      if (f.name == body) def = &f;
    }
    if (def == nullptr) return Error::InvalidArgument("unknown flag --" + body);
    if (!value) {
      if (def->is_bool) {
        value = "true";  // Go: a bare boolean flag is true; its value must use '='
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Error::InvalidArgument("--" + def->name + ": missing value");
      }
    }
    if (Status s = def->set(o, *value); !s.ok()) {
      return Error::InvalidArgument("--" + def->name + ": " + s.error().message);
    }
  }
  // client-go's invariants, named by flag so the user knows which to change.
  if (o.renew_deadline >= o.lease_duration) {
    return Error::InvalidArgument("--renew-deadline: must be shorter than --lease-duration");
  }
  if (o.retry_period >= o.renew_deadline) {
    return Error::InvalidArgument("--retry-period: must be shorter than --renew-deadline");
  }
  return o;
}

std::string RunUsage() {
  std::string out =
      "Usage: domainguard run [flags]\n\n"
      "Runs the controller manager: elects a leader on a Lease, serves /healthz and /readyz, exports /metrics,\n"
      "and reconciles domainguard resources while leading. SIGTERM/SIGINT: finish in-flight work, release the\n"
      "Lease, exit 0. Losing the Lease: stop at once and exit 1.\n\nFlags:\n";
  for (const FlagDef& f : Flags()) {
    std::string head = "  --" + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
    if (head.size() < 44) head.resize(44, ' ');
    out += head + " " + f.help;
    if (!f.def.empty()) out += " (default " + f.def + ")";
    out += "\n";
  }
  std::string help = "  -h, --help";
  help.resize(44, ' ');
  out += help + " this text\n";
  return out;
}

std::string ResolveLeaderElectionNamespace(const ManagerOptions& o, const std::optional<std::string>& sa_namespace) {
  if (!o.leader_election_namespace.empty()) return o.leader_election_namespace;
  if (sa_namespace) {
    std::string ns = Trim(*sa_namespace);
    if (!ns.empty()) return ns;
  }
  return "default";
}

}  // namespace domainguard::app
