#include "controller/registration/registration_controller.h"

#include <algorithm>
#include <array>
#include <sstream>

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/api/domain_spec.h"
#include "controller/api/full_domain_spec.h"
#include "controller/api/resources.h"
#include "controller/base/json_member.h"
#include "controller/base/time_format.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/inputs.h"
#include "controller/domain/ready_controller.h"
#include "controller/domain/status_writer.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/object.h"
#include "controller/registration/reasons.h"
#include "controller/registration/registrable.h"

namespace domainguard::registration {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr std::array<std::string_view, 12> kRegistrationReasons = {
    kRegistered,       kNotRegistered,  kExpiringSoon,     kExpiryCritical,
    kExpired,          kRegistryHold,   kPendingDelete,    kRedemptionPeriod,
    kTransferLockMissing, kRegistryNameserversDiffer, kRegistrarChanged, kRegistrationUnknown};


std::string FormatSeconds(seconds s) { return FormatDuration(std::chrono::nanoseconds(s)); }

std::string JoinMessages(const std::vector<Finding>& findings) {
  std::string out;
  for (const Finding& f : findings) out += (out.empty() ? "" : "; ") + f.message;
  return out;
}

// What the condition (and the "Registered" Event) say when all is well.
std::string HealthyMessage(const Verdict& v) {
  if (!v.record) return "registered";
  const RegistrationRecord& r = *v.record;
  std::string m = r.domain.empty() ? std::string("registered") : r.domain + " is registered";
  if (!r.registrar.empty()) m += " at " + r.registrar;
  if (r.expires_at) m += " until " + FormatRfc3339(*r.expires_at);
  // No check time here: a message that moved with every lookup would be a status write per lookup.
  m += " (" + std::string(SourceName(r.source)) + ")";
  return m;
}

std::string DescribeSet(const FindingSet& set) {
  if (set.empty()) return "none";
  std::string out;
  for (const auto& [reason, severity] : set) {
    out += (out.empty() ? "" : ",") + reason + ":" + std::string(SeverityName(severity));
  }
  return out;
}

bool Deleting(const json& obj) {
  const json* meta = NonNullMember(obj, "metadata");
  return meta != nullptr && NonNullMember(*meta, "deletionTimestamp") != nullptr;
}

const json& StatusOf(const json& obj) {
  static const json kEmpty = json::object();
  const json* s = NonNullMember(obj, "status");
  return s != nullptr && s->is_object() ? *s : kEmpty;
}

// The registrable domain a zone's monitor state is kept under; "" when it has none.
std::string RegistrableOf(const std::string& zone) {
  Result<std::string> d = RegistrableDomain(zone);
  return d.ok() ? *d : std::string();
}

}  // namespace

// --- Spec -------------------------------------------------------------------------------------------------------

Result<DomainSpec> DomainSpecFromObject(const json& domain) {
  return DomainSpecFromObject(domain, api::ReadFullDomainSpec(domain));
}

Result<DomainSpec> DomainSpecFromObject(const json& domain, const api::FullDomainSpec& full) {
  DomainSpec spec;
  const json* s = NonNullMember(domain, "spec");
  if (s == nullptr || !s->is_object()) return Error::InvalidArgument("spec: required");
  std::string zone = full.common.zone;
  if (zone.empty()) return Error::InvalidArgument("spec.zone: required");
  zone.pop_back();  // the registration part speaks of domains without the root dot ("example.com")
  spec.zone = zone;

  const Result<api::RegistrationChecksSpec>& checks = full.registration_checks;
  if (!checks.ok()) return checks.error();
  if (checks->interval) spec.interval = *checks->interval;
  if (checks->warn_before) spec.policy.warn_before = *checks->warn_before;
  if (checks->critical_before) spec.policy.critical_before = *checks->critical_before;
  if (checks->expect_transfer_lock) spec.policy.expect_transfer_lock = *checks->expect_transfer_lock;

  const Result<std::vector<api::NameserverSpec>>& nameservers = full.nameservers;
  if (!nameservers.ok()) return nameservers.error();
  for (const api::NameserverSpec& n : *nameservers) spec.desired_nameservers.push_back(n.name);
  return spec;
}

kube::ReadParts RegistrationReads() { return kube::ReadParts{}; }

bool IsRegistrationReason(std::string_view reason) {
  return std::find(kRegistrationReasons.begin(), kRegistrationReasons.end(), reason) != kRegistrationReasons.end();
}

// --- Condition and status part ------------------------------------------------------------------------------------

kube::Condition RegistrationCondition(const Verdict& v, int64_t generation) {
  kube::Condition c;
  c.type = std::string(api::kRegistrationHealthy);
  c.observed_generation = generation;
  c.reason = v.reason.empty() ? std::string(v.healthy ? kRegistered : kRegistrationUnknown) : v.reason;
  if (v.healthy) {
    c.status = std::string(kube::kConditionTrue);
    c.message = HealthyMessage(v);
  } else {
    c.status = std::string(v.worst == Severity::kUnknown ? kube::kConditionUnknown : kube::kConditionFalse);
    c.message = JoinMessages(MergeFindingsByReason(v.findings));
  }
  return c;
}

std::vector<Finding> MergeFindingsByReason(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  for (const Finding& f : findings) {
    auto it = std::find_if(out.begin(), out.end(), [&](const Finding& o) { return o.reason == f.reason; });
    if (it == out.end()) {
      out.push_back(f);
      continue;
    }
    if (SeverityRank(f.severity) > SeverityRank(it->severity)) it->severity = f.severity;
    it->message += "; " + f.message;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Finding& a, const Finding& b) { return SeverityRank(a.severity) > SeverityRank(b.severity); });
  return out;
}

domain::StatusPart RegistrationStatusPart(const Verdict& v, int64_t generation) {
  domain::StatusPart part;
  part.field_manager = std::string(kFieldManager);
  if (v.record) {
    json reg = v.RegistrationJson();
    if (reg.is_object()) reg.erase("findings");  // findings live in status.findings, not twice
    part.fields["registration"] = std::move(reg);
    part.change_stamped = {"registration"};
  }
  part.conditions.push_back(RegistrationCondition(v, generation));
  part.owns_findings = true;
  part.owns_reason = [](std::string_view reason) { return IsRegistrationReason(reason); };
  for (const Finding& f : MergeFindingsByReason(v.findings)) {
    part.findings.push_back({f.reason, std::string(SeverityName(f.severity)), f.message});
  }
  return part;
}

// --- Event diff -------------------------------------------------------------------------------------------------

FindingSet FindingSetOf(const std::vector<Finding>& findings) {
  FindingSet set;
  for (const Finding& f : findings) {
    auto [it, inserted] = set.emplace(f.reason, f.severity);
    if (!inserted && SeverityRank(f.severity) > SeverityRank(it->second)) it->second = f.severity;
  }
  return set;
}

FindingSet RegistrationFindingsOfStatus(const json& status) {
  FindingSet set;
  const json* list = NonNullMember(status, "findings");
  if (list == nullptr || !list->is_array()) return set;
  for (const json& item : *list) {
    const json* reason = NonNullMember(item, "reason");
    if (reason == nullptr || !reason->is_string() || !IsRegistrationReason(reason->get<std::string>())) continue;
    const json* sev = NonNullMember(item, "severity");
    Severity s = Severity::kUnknown;
    if (sev != nullptr && sev->is_string()) s = api::ParseSeverity(sev->get<std::string>()).value_or(Severity::kUnknown);
    auto [it, inserted] = set.emplace(reason->get<std::string>(), s);
    if (!inserted && SeverityRank(s) > SeverityRank(it->second)) it->second = s;
  }
  return set;
}

std::vector<PlannedEvent> PlanRegistrationEvents(const FindingSet& previous, const std::vector<Finding>& current,
                                                 std::string_view healthy_note) {
  std::vector<PlannedEvent> events;
  std::vector<Finding> merged = MergeFindingsByReason(current);
  if (FindingSetOf(merged) == previous) return events;
  if (merged.empty()) {
    if (!previous.empty()) {
      events.push_back({std::string(kube::kEventNormal), std::string(kRegistered), std::string(healthy_note)});
    }
    return events;
  }
  for (const Finding& f : merged) {
    if (SeverityRank(f.severity) < SeverityRank(Severity::kWarning)) continue;  // Info is not worth a Warning Event
    auto before = previous.find(f.reason);
    if (before != previous.end() && SeverityRank(f.severity) <= SeverityRank(before->second)) continue;
    events.push_back({std::string(kube::kEventWarning), f.reason, f.message});
  }
  return events;
}

// --- Controller -------------------------------------------------------------------------------------------------

RegistrationController::RegistrationController(domain::Context ctx, RegistrationMonitor& monitor,
                                               const kube::Store* providers)
    : ctx_(ctx), monitor_(monitor), providers_(providers) {}

void RegistrationController::ForgetKey(const std::string& key) {
  std::string zone;
  bool shared = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = memory_.find(key);
    if (it == memory_.end()) return;
    zone = it->second.zone;
    memory_.erase(it);
    // The monitor keeps state per registrable domain: another Domain (a sub-zone, or a zone claimed twice) may
    // still use it.
    const std::string registrable = RegistrableOf(zone);
    for (const auto& [other, m] : memory_) {
      if (m.zone == zone || (!registrable.empty() && RegistrableOf(m.zone) == registrable)) shared = true;
    }
  }
  if (!zone.empty() && !shared) monitor_.Forget(zone);
}

void RegistrationController::Emit(const json& domain, const std::vector<PlannedEvent>& events) {
  if (events.empty()) return;
  const kube::ObjectRef ref = domain::DomainRef(domain);
  for (const PlannedEvent& e : events) ctx_.events.Record(ref, e.type, e.reason, e.note);
}

kube::ReconcileResult RegistrationController::Reconcile(const std::string& key) {
  // 1. Read the cache; stop when the Domain is gone or going.
  std::shared_ptr<const json> obj = ctx_.domains.GetShared(key);
  if (!obj || Deleting(*obj)) {
    std::string zone;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = memory_.find(key);
      if (it != memory_.end()) zone = it->second.zone;
    }
    spdlog::info("registration domain={} zone={} decision={}", key, zone.empty() ? "?" : zone,
                 obj ? "deleting" : "gone");
    ForgetKey(key);
    return {};
  }
  const json& domain = *obj;
  const std::string ns = kube::Namespace(domain);
  const std::string name = kube::Name(domain);
  // The spec, read once for the whole pass.
  const api::FullDomainSpec full_spec = domain::SpecsOf(ctx_).Full(domain);
  const std::string& zone = full_spec.common.zone;
  const int64_t generation = kube::Generation(domain);
  const json& status = StatusOf(domain);
  const metrics::DomainRef metric_ref{ns, name, zone};

  // 2. What was reported before: remembered, or (first time, e.g. after a restart) the status' own findings.
  FindingSet previous;
  std::string previous_spec_error;
  std::string previous_zone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = memory_.find(key);
    if (it == memory_.end()) {
      it = memory_.emplace(key, Memory{zone, RegistrationFindingsOfStatus(status), ""}).first;
    }
    previous = it->second.findings;
    previous_spec_error = it->second.spec_error;
    previous_zone = it->second.zone;
    it->second.zone = zone;
  }
  // spec.zone is immutable (CRD), but an old object may still change it: drop the old zone's state.
  if (previous_zone != zone && !previous_zone.empty()) monitor_.Forget(previous_zone);

  // The last known good record, from status.registration (after a restart, the monitor starts from it).
  std::optional<RegistrationRecord> status_record;
  if (const json* reg = NonNullMember(status, "registration")) {
    Result<RegistrationRecord> r = RecordFromJson(*reg);
    if (r.ok()) status_record = std::move(r).value();
  }

  // 3. Spec -> DomainSpec; a bad spec is reported, never looked up.
  Result<DomainSpec> spec = DomainSpecFromObject(domain, full_spec);
  // No spec.nameservers: the name servers actually desired are the union of the providers' (the apex NS set the
  // records controller writes), and that is what the registry's list must match.
  if (spec.ok() && spec->desired_nameservers.empty() && providers_ != nullptr) {
    spec->desired_nameservers =
        domain::ProviderNameservers(domain::ResolveProviders(ns, full_spec.providers, *providers_));
  }
  if (!spec.ok()) {
    const std::string message = spec.error().message;
    domain::StatusPart part;
    part.field_manager = std::string(kFieldManager);
    // Keep the last known record as it is: it is still what the registry said.
    if (const json* reg = NonNullMember(status, "registration")) part.fields["registration"] = *reg;
    kube::Condition c;
    c.type = std::string(api::kRegistrationHealthy);
    c.status = std::string(kube::kConditionFalse);
    c.reason = std::string(kRegistrationUnknown);
    c.message = message;
    c.observed_generation = generation;
    part.conditions.push_back(c);
    part.owns_findings = true;
    part.owns_reason = [](std::string_view reason) { return IsRegistrationReason(reason); };
    part.findings.push_back({std::string(kRegistrationUnknown), std::string(SeverityName(Severity::kWarning)), message});
    domain::AddReady(part, domain);
    {
      std::lock_guard<std::mutex> lock(mu_);
      Memory& m = memory_[key];
      m.findings = {{std::string(kRegistrationUnknown), Severity::kWarning}};
      m.spec_error = message;
    }
    if (message != previous_spec_error) {
      Emit(domain, std::vector<PlannedEvent>{
                       PlannedEvent{std::string(kube::kEventWarning), std::string(kRegistrationUnknown), message}});
    }
    ctx_.metrics.SetExpiry(metric_ref, status_record ? status_record->expires_at : std::nullopt);
    Result<bool> wrote = domain::WriteStatus(ctx_, domain, part);
    spdlog::warn("registration domain={}/{} zone={} decision=invalid-spec wrote={} error=\"{}\"", ns, name,
                 zone.empty() ? "?" : zone, wrote.ok() && *wrote, message);
    if (!wrote.ok()) return {wrote.error(), std::nullopt};
    return {};  // a spec edit triggers the next reconcile
  }

  // 4. Observe: the monitor decides whether a lookup is due.
  Observation obs = monitor_.Observe(*spec, status_record);
  const Verdict& v = obs.verdict;

  // 5. Events from the change of (reason, severity), then remember what was reported.
  const std::vector<Finding> findings = MergeFindingsByReason(v.findings);
  const kube::Condition condition = RegistrationCondition(v, generation);
  const std::vector<PlannedEvent> events =
      PlanRegistrationEvents(previous, findings, v.healthy ? condition.message : std::string());
  {
    std::lock_guard<std::mutex> lock(mu_);
    Memory& m = memory_[key];
    m.findings = FindingSetOf(findings);
    m.spec_error.clear();
  }
  Emit(domain, events);

  // 6. Metric, status part.
  ctx_.metrics.SetExpiry(metric_ref, v.record ? v.record->expires_at : std::nullopt);
  // When the registration data was last obtained (a failed lookup keeps the older record and so the older time):
  // the PrometheusRule's RegistrationDataStale compares it with the interval, never a failure with an expiry.
  if (v.record && v.record->checked_at != SystemTime{}) {
    ctx_.metrics.SetCheckSuccess(metric_ref, "registration", v.record->checked_at);
  }
  domain::StatusPart part = RegistrationStatusPart(v, generation);
  // Ready in the same apply as the condition that moves it, from the Domain as the cache has it after the lookup
  // (which may have taken seconds, while the other controllers wrote their parts).
  std::shared_ptr<const json> fresh = ctx_.domains.GetShared(key);
  const json& latest = fresh && !Deleting(*fresh) ? *fresh : domain;
  domain::AddReady(part, latest);
  Result<bool> wrote = domain::WriteStatus(ctx_, latest, part);

  const seconds requeue = std::max(seconds(1), obs.requeue_after);
  const std::string expires = v.record && v.record->expires_at ? FormatRfc3339(*v.record->expires_at) : "unknown";
  const std::string decision = obs.looked_up ? (obs.lookup_error ? "lookup-failed" : "looked-up") : "not-due";
  const std::string error = obs.lookup_error ? obs.lookup_error->ToString()
                            : wrote.ok()     ? std::string()
                                             : wrote.error().ToString();
  spdlog::log(obs.lookup_error || !wrote.ok() ? spdlog::level::warn : spdlog::level::info,
              "registration domain={}/{} zone={} decision={} reason={} status={} expires={} findings={} events={} "
              "wrote={} requeue={}{}",
              ns, name, zone, decision, v.reason, condition.status, expires, DescribeSet(FindingSetOf(findings)),
              events.size(), wrote.ok() && *wrote, FormatSeconds(requeue),
              error.empty() ? "" : " error=\"" + error + "\"");
  if (!wrote.ok()) return {wrote.error(), std::nullopt};
  return {OkStatus(), std::chrono::nanoseconds(requeue)};
}

// --- Stack ------------------------------------------------------------------------------------------------------

Result<std::map<std::string, std::string>> ParseWhoisServers(std::string_view text) {
  std::map<std::string, std::string> out;
  std::stringstream ss{std::string(text)};
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
      return Error::InvalidArgument("--whois-servers: expected TLD=HOST[:PORT] pairs separated by commas, got \"" +
                                    item + "\"");
    }
    std::string tld = item.substr(0, eq);
    std::transform(tld.begin(), tld.end(), tld.begin(), [](unsigned char c) { return std::tolower(c); });
    while (!tld.empty() && tld.front() == '.') tld.erase(tld.begin());
    if (tld.empty()) {
      return Error::InvalidArgument("--whois-servers: empty TLD in \"" + item + "\"");
    }
    out[tld] = item.substr(eq + 1);
  }
  return out;
}

Result<RdapBootstrap> FetchBootstrap(http::Transport& transport, const std::string& url) {
  http::HttpRequest req;
  req.method = "GET";
  req.url = url;
  req.headers = {{"Accept", "application/json"}};
  req.timeout = std::chrono::seconds(10);
  Result<http::HttpResponse> r = transport.Send(req);
  if (!r.ok()) return r.error();
  if (r->status != 200) return Error::Unavailable("HTTP " + std::to_string(r->status));
  Result<RdapBootstrap> b = RdapBootstrap::Parse(r->body);
  if (!b.ok()) return b.error();
  if (b->size() == 0) return Error::InvalidArgument("the bootstrap lists no services");
  return b;
}

Result<std::unique_ptr<RegistrationStack>> RegistrationStack::Build(http::Transport& transport, const Clock& clock,
                                                                    RegistrationStackOptions o) {
  auto bad_rate = [](double qps, double burst) { return !(qps > 0) || !(burst >= 1); };
  if (bad_rate(o.rdap_qps, o.rdap_burst)) {
    return Error::InvalidArgument("registration: rdap qps must be > 0 and burst >= 1");
  }
  if (o.whois && bad_rate(o.whois_qps, o.whois_burst)) {
    return Error::InvalidArgument("registration: whois qps must be > 0 and burst >= 1");
  }
  for (const auto& [tld, server] : o.whois_servers) {
    if (tld.empty() || server.empty()) {
      return Error::InvalidArgument("registration: whois server for \"" + tld + "\" is empty");
    }
  }
  if (o.rdap_bootstrap_path.empty() && !o.whois) {
    return Error::InvalidArgument("registration: neither an RDAP bootstrap nor WHOIS is configured");
  }
  std::optional<RdapBootstrap> bootstrap;
  if (!o.rdap_bootstrap_path.empty()) {
    Result<RdapBootstrap> b = RdapBootstrap::LoadFile(o.rdap_bootstrap_path);
    if (!b.ok()) return b.error().Wrap("rdap bootstrap " + o.rdap_bootstrap_path);
    bootstrap = std::move(b).value();
    if (!o.rdap_bootstrap_url.empty()) {
      Result<RdapBootstrap> fresh = FetchBootstrap(transport, o.rdap_bootstrap_url);
      if (fresh.ok()) {
        spdlog::info("registration decision=bootstrap-refreshed url={} services={} shipped_services={}",
                     o.rdap_bootstrap_url, fresh->size(), bootstrap->size());
        bootstrap = std::move(fresh).value();
      } else {
        spdlog::warn("registration decision=bootstrap-shipped url={} services={} why=\"{}\"", o.rdap_bootstrap_url,
                     bootstrap->size(), fresh.error().ToString());
      }
    }
  }
  return std::unique_ptr<RegistrationStack>(
      new RegistrationStack(transport, clock, std::move(o), std::move(bootstrap)));
}

RegistrationStack::RegistrationStack(http::Transport& transport, const Clock& clock, RegistrationStackOptions o,
                                     std::optional<RdapBootstrap> bootstrap)
    : options_(std::move(o)),
      bootstrap_(bootstrap ? std::move(*bootstrap) : RdapBootstrap()),
      rdap_limiter_(clock, {options_.rdap_qps, options_.rdap_burst}),
      whois_limiter_(clock, {options_.whois_qps, options_.whois_burst}),
      cache_(options_.cache_bytes),
      random_(std::random_device{}()) {
  if (bootstrap) rdap_ = std::make_unique<RdapClient>(transport, bootstrap_, rdap_limiter_, clock, options_.rdap);
  if (options_.whois) {
    WhoisConnector* connector = options_.whois_connector;
    if (connector == nullptr) {
      owned_connector_ = NewTcpWhoisConnector();
      connector = owned_connector_.get();
    }
    WhoisOptions w;
    w.tld_servers = options_.whois_servers;
    w.iana_server = options_.whois_referral_server;
    w.timeout = options_.whois_timeout;
    whois_ = std::make_unique<WhoisClient>(*connector, whois_limiter_, clock, std::move(w));
  }
  checker_ = std::make_unique<RegistrationChecker>(rdap_.get(), whois_.get(), cache_, clock);
  std::function<double()> random01 = options_.random01;
  if (!random01) random01 = [this] { return Random01(); };
  monitor_ = std::make_unique<RegistrationMonitor>(*checker_, clock, std::move(random01));
}

double RegistrationStack::Random01() {
  std::lock_guard<std::mutex> lock(random_mu_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

}  // namespace domainguard::registration
