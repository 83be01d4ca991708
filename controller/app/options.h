// The flags of `domainguard run`, parsed into ManagerOptions by a pure function (table-tested in options_test.cc).
//
// Flags follow Go's flag package as controller-runtime operators use it: `--name=value` or `--name value`, one or
// two leading dashes, booleans as `--flag`, `--flag=true|false`. A bad flag or value is one Error naming the flag;
// main prints it and exits 64 (EX_USAGE).
//
// Thread-safety: pure functions over values.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"

namespace domainguard::app {

// Where a server listens. `disabled` for "0" (controller-runtime's way to switch the metrics server off).
struct BindAddress {
  std::string host;  // "0.0.0.0" for ":8080"
  int port = 0;
  bool disabled = false;

  bool operator==(const BindAddress&) const = default;
};

// Parses "host:port", ":port" (all interfaces), "[::1]:port", or "0" (disabled). Fails with kInvalidArgument.
Result<BindAddress> ParseBindAddress(std::string_view text);

// A resource named on the command line as GROUP/VERSION/PLURAL ("" group: "/v1/configmaps").
struct ResourceFlag {
  std::string group;
  std::string version;
  std::string plural;

  bool operator==(const ResourceFlag&) const = default;
};

struct ManagerOptions {
  std::string kubeconfig;                 // --kubeconfig; "" → $KUBECONFIG, else in-cluster, else ~/.kube/config
  std::string namespace_;                 // --namespace; "" watches all namespaces
  BindAddress metrics_bind{"0.0.0.0", 8080, false};  // --metrics-bind-address
  BindAddress probe_bind{"0.0.0.0", 8081, false};    // --health-probe-bind-address
  bool leader_elect = true;               // --leader-elect
  std::string leader_election_namespace;  // --leader-election-namespace; "" → pod namespace, else "default"
  std::string leader_election_id = "domainguard-leader";  // --leader-election-id: the Lease's name
  std::string leader_election_identity;   // --leader-election-identity; "" → hostname + "_" + random
  std::chrono::milliseconds lease_duration{15000};  // --lease-duration
  std::chrono::milliseconds renew_deadline{10000};  // --renew-deadline
  std::chrono::milliseconds retry_period{2000};     // --retry-period
  std::string log_level = "info";         // --log-level: trace|debug|info|warn|error
  int workers = 2;                        // --workers: concurrent reconciles per controller
  int records_workers = 16;               // --records-workers: concurrent records passes (I/O-bound)
  std::chrono::milliseconds graceful_shutdown_timeout{30000};  // --graceful-shutdown-timeout

  // Upstreams used by later parts; defaults are the real Internet ones (api.md).
  std::string root_hints = "/usr/share/dns/root.hints";  // --root-hints
  std::string rdap_bootstrap;                            // --rdap-bootstrap; "" → the shipped IANA snapshot
  std::string rdap_bootstrap_url = "https://data.iana.org/rdap/dns.json";  // --rdap-bootstrap-url; "" → never
  std::map<std::string, std::string> whois_servers;      // --whois-servers tld=host[:port],...; none → IANA referral
  std::string whois_referral_server = "whois.iana.org:43";  // --whois-referral-server

  // The Domain controllers (records, delegation, registration, Ready) and the DNSProvider controller.
  bool domain_controllers = true;                            // --domain-controllers
  std::chrono::milliseconds drift_poll_interval{30000};      // --drift-poll-interval: SOA serial checks
  std::chrono::milliseconds drift_full_interval{3600000};    // --drift-full-interval: whole-zone compares
  BindAddress notify_bind{"", 0, true};                      // --notify-listen-address (UDP); off by default
  std::chrono::milliseconds dns_timeout{2000};               // --dns-timeout: one delegation query

  // --noop-controller GROUP/VERSION/PLURAL (repeatable): a controller that only logs its reconciles. For
  // trying the manager on a resource before real controllers exist, and for the manager's integration tests.
  std::vector<ResourceFlag> noop_controllers;

  bool help = false;  // --help / -h: print RunUsage() and exit 0
};

// Parses the arguments after `run`. Fails with kInvalidArgument: "--lease-duration: invalid duration \"x\"",
// "unknown flag --foo", "--workers: missing value", and the leader election invariants
// (lease-duration > renew-deadline > retry-period > 0).
Result<ManagerOptions> ParseRunFlags(const std::vector<std::string>& args);

// The `domainguard run --help` text, listing every flag with its default.
std::string RunUsage();

// The Lease namespace: the flag, else the pod's namespace (the service account's `namespace` file content,
// whitespace trimmed), else "default". Pure: the caller reads the file.
std::string ResolveLeaderElectionNamespace(const ManagerOptions& o, const std::optional<std::string>& sa_namespace);

}  // namespace domainguard::app
