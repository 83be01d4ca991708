// The Domain registration controller: owns the RegistrationHealthy condition, status.registration, the
// registration findings and the expiry metric. Each reconcile reads the Domain from the cache, turns its spec into
// a DomainSpec, asks the RegistrationMonitor (which decides whether a lookup is due, so the reconciles triggered
// by the other controllers' status writes cost nothing), and writes its StatusPart only when something it owns
// changed. Events tell people when a finding appears or worsens, and when the domain is healthy again.
//
// Also here: RegistrationStack, the RDAP/WHOIS lookup stack `domainguard run` needs, built from options and owned
// in one object.
//
// Thread-safety: the pure functions are thread-safe. RegistrationController::Reconcile may be called from several
// worker threads for different keys (never twice at once for one key: the work queue guarantees it).
// RegistrationStack::monitor() is as thread-safe as RegistrationMonitor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/domain/context.h"
#include "controller/domain/status_part.h"
#include "controller/http/transport.h"
#include "controller/kube/conditions.h"
#include "controller/kube/predicate.h"
#include "controller/kube/workqueue.h"
#include "controller/registration/bootstrap.h"
#include "controller/registration/checker.h"
#include "controller/registration/monitor.h"
#include "controller/registration/rate_limiter.h"
#include "controller/registration/rdap_client.h"
#include "controller/registration/record_cache.h"
#include "controller/registration/verdict.h"
#include "controller/registration/whois_client.h"

namespace domainguard::api {
struct FullDomainSpec;
}  // namespace domainguard::api

namespace domainguard::registration {

// The field manager the controller applies its status part with.
inline constexpr std::string_view kFieldManager = "domainguard-registration";

// Reads spec.zone (canonical, lower case, no trailing dot), spec.checks.registration {interval, warnBefore,
// criticalBefore, expectTransferLock} and the names of spec.nameservers. Absent fields keep DomainSpec's
// defaults (12h, 720h, 168h, false; no nameservers: the registry's set is not compared). Mirrors the CRD's
// rules, so an object that slipped past validation (an old CRD) is reported rather than misread. Fails with
// kInvalidArgument naming the field: "spec.checks.registration.interval: must be at least 1m ...".
Result<DomainSpec> DomainSpecFromObject(const nlohmann::json& domain);

// The same from the spec already read for a pass (`spec` of `domain`, api::ReadFullDomainSpec): reads nothing more.
Result<DomainSpec> DomainSpecFromObject(const nlohmann::json& domain, const api::FullDomainSpec& spec);

// True for the reasons of reasons.h (Registered included): the findings this controller owns.
bool IsRegistrationReason(std::string_view reason);

// What of a Domain the registration controller reads, for its informer's update predicate: the spec only
// (status.registration is read back once, after a restart). Status writes do not wake it.
kube::ReadParts RegistrationReads();

// The RegistrationHealthy condition of `v`: True when healthy; Unknown when the worst finding is Unknown; False
// otherwise. Reason v.reason; the message repeats the findings (or, when healthy, registrar and expiry).
kube::Condition RegistrationCondition(const Verdict& v, int64_t generation);

// status.findings is a list keyed by reason, but the verdict may name a reason twice (RegistrationUnknown for "no
// expiry" and for "lookups failing"): one finding per reason, the most severe first, messages joined by "; ".
std::vector<Finding> MergeFindingsByReason(const std::vector<Finding>& findings);

// The StatusPart for `v`: fields {"registration": v.RegistrationJson() without "findings"} (left out when the
// verdict has no record: never a made-up date), the condition, and the merged findings.
domain::StatusPart RegistrationStatusPart(const Verdict& v, int64_t generation);

// Reason -> severity of a set of findings, the most severe kept when a reason repeats.
using FindingSet = std::map<std::string, Severity>;
FindingSet FindingSetOf(const std::vector<Finding>& findings);
// The registration findings of a Domain's status (status.findings filtered by IsRegistrationReason); an unknown
// severity word (api::ParseSeverity) reads as kUnknown. Empty for an absent or malformed list.
FindingSet RegistrationFindingsOfStatus(const nlohmann::json& status);
using api::PlannedEvent;

// The Events for a change from `previous` to `current` (a verdict's findings). Decision table:
//   same (reason, severity) set as before                 -> none
//   a finding (Warning, Unknown or Critical) that is new,
//   or whose severity rose (Warning < Unknown < Critical)  -> Warning <reason>, note its message (one per finding)
//   no findings now, some before                           -> Normal Registered, note `healthy_note`
//   a finding that went away or got milder                 -> nothing of its own
// Pure.
std::vector<PlannedEvent> PlanRegistrationEvents(const FindingSet& previous, const std::vector<Finding>& current,
                                                 std::string_view healthy_note);

class RegistrationController {
 public:
  // `ctx`, `monitor` and `providers` (the DNSProvider cache; null: a Domain without spec.nameservers has no
  // desired set to compare the registry's with) are borrowed and must outlive the controller.
  RegistrationController(domain::Context ctx, RegistrationMonitor& monitor, const kube::Store* providers = nullptr);
  RegistrationController(const RegistrationController&) = delete;
  RegistrationController& operator=(const RegistrationController&) = delete;

  // Reconciles the Domain `key` ("namespace/name"):
  //   gone from the cache or being deleted -> forget its monitor state and memory; no write
  //   invalid spec                         -> RegistrationHealthy False RegistrationUnknown naming the field,
  //                                           a Warning Event when the error is new; no lookup, no requeue
  //   otherwise                            -> Observe, write the status part if changed, expiry metric, Events;
  //                                           requeue after the monitor's delay (at least 1s)
  // A failed status write is the result's status (the queue backs off); Events and metrics are still updated.
  kube::ReconcileResult Reconcile(const std::string& key);

 private:
  // What the controller remembers per Domain key between reconciles.
  struct Memory {
    std::string zone;        // canonical spec.zone, for Forget on delete
    FindingSet findings;     // the (reason, severity) set last reported
    std::string spec_error;  // the last invalid-spec message ("" when the spec was valid)
  };

  void ForgetKey(const std::string& key);
  void Emit(const nlohmann::json& domain, const std::vector<PlannedEvent>& events);

  domain::Context ctx_;
  RegistrationMonitor& monitor_;
  const kube::Store* providers_;  // the DNSProvider cache, for the providers' name servers; may be null
  std::mutex mu_;
  std::map<std::string, Memory> memory_;  // guarded by mu_; key "namespace/name"
};

// Parses "sm=127.0.0.1:18043,de=whois.denic.de" (the --whois-servers flag) into tld -> host[:port]. Fails with
// kInvalidArgument quoting the bad item.
Result<std::map<std::string, std::string>> ParseWhoisServers(std::string_view text);

struct RegistrationStackOptions {
  std::string rdap_bootstrap_path;                    // IANA RDAP bootstrap file; "" : no RDAP (WHOIS only)
  // Where a newer bootstrap is fetched from at Build (IANA's https://data.iana.org/rdap/dns.json in production).
  // When it answers with a usable file, that file is used; otherwise the one at rdap_bootstrap_path, with a log
  // line saying why. "": never fetched.
  std::string rdap_bootstrap_url;
  std::map<std::string, std::string> whois_servers;   // tld -> host[:port]
  std::string whois_referral_server = "whois.iana.org:43";  // asked for TLDs without an entry
  bool whois = true;                                  // false: no WHOIS fallback
  double rdap_qps = 1.0;                              // per RDAP server
  double rdap_burst = 2.0;
  double whois_qps = 0.5;                             // per WHOIS server (they throttle harder)
  double whois_burst = 2.0;
  RdapOptions rdap;                                   // timeouts, Retry-After policy
  std::chrono::milliseconds whois_timeout{10000};
  size_t cache_bytes = 16u << 20;                     // RecordCache bound
  // The WHOIS connection; null: the real TCP connector, owned by the stack. Borrowed otherwise (tests).
  WhoisConnector* whois_connector = nullptr;
  // Uniform [0,1) samples for schedule jitter, called from several threads; null: a seeded PRNG under a lock.
  std::function<double()> random01;
};

// The lookup stack: bootstrap, rate limiters, RDAP and WHOIS clients, record cache, checker and monitor, owned
// together so their borrowed references stay valid. Not copyable or movable (members point at each other).
// Fetches and parses a bootstrap file from `url` (kUnavailable for no answer or a non-200 answer,
// kInvalidArgument for an unusable file).
Result<RdapBootstrap> FetchBootstrap(http::Transport& transport, const std::string& url);

class RegistrationStack {
 public:
  // Builds the stack. `transport` (RDAP) and `clock` are borrowed and must outlive it. Fails with kNotFound when
  // the bootstrap file cannot be read, kInvalidArgument for an unparsable one or bad rates (naming the option).
  static Result<std::unique_ptr<RegistrationStack>> Build(http::Transport& transport, const Clock& clock,
                                                          RegistrationStackOptions o);
  RegistrationStack(const RegistrationStack&) = delete;
  RegistrationStack& operator=(const RegistrationStack&) = delete;

  // Valid for the stack's lifetime.
  RegistrationMonitor& monitor() { return *monitor_; }
  RegistrationChecker& checker() { return *checker_; }
  RecordCache& cache() { return cache_; }
  const RdapBootstrap& bootstrap() const { return bootstrap_; }

 private:
  RegistrationStack(http::Transport& transport, const Clock& clock, RegistrationStackOptions o,
                    std::optional<RdapBootstrap> bootstrap);
  double Random01();

  const RegistrationStackOptions options_;
  RdapBootstrap bootstrap_;
  RateLimiter rdap_limiter_;
  RateLimiter whois_limiter_;
  std::unique_ptr<WhoisConnector> owned_connector_;
  std::unique_ptr<RdapClient> rdap_;    // null without a bootstrap
  std::unique_ptr<WhoisClient> whois_;  // null when WHOIS is off
  RecordCache cache_;
  std::unique_ptr<RegistrationChecker> checker_;
  std::unique_ptr<RegistrationMonitor> monitor_;
  std::mutex random_mu_;
  std::mt19937_64 random_;  // guarded by random_mu_
};

}  // namespace domainguard::registration
