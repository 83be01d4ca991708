#include "controller/failover/failover_controller.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "controller/api/conditions.h"
#include "controller/api/resources.h"
#include "controller/base/time_format.h"
#include "controller/delegation/delegation_controller.h"
#include "controller/domain/domain_object.h"
#include "controller/domain/status_part.h"
#include "controller/failover/assess.h"
#include "controller/failover/reasons.h"
#include "controller/failover/sibling.h"
#include "controller/api/failover_spec.h"
#include "controller/kube/conditions.h"
#include "controller/kube/predicate.h"

namespace domainguard::failover {

using nlohmann::json;

namespace {

std::string AnnotationOf(const json& obj, const char* key) {
  return domain::Annotation(obj, key).value_or("");
}

// The controlling ownerReference's Domain name and uid.
std::pair<std::string, std::string> OwnerDomain(const json& obj) {
  const json meta = obj.value("metadata", json::object());
  if (!meta.is_object() || !meta.contains("ownerReferences") || !meta["ownerReferences"].is_array()) return {};
  for (const json& o : meta["ownerReferences"]) {
    if (o.is_object() && o.value("kind", "") == "Domain" && o.value("apiVersion", "").rfind("domainguard.io/", 0) == 0) {
      return {o.value("name", ""), o.value("uid", "")};
    }
  }
  return {};
}

// The Domain of namespace `ns` serving `zone` (the oldest claim when several do).
std::optional<json> DomainOfZone(const kube::Store& domains, const std::string& ns, const std::string& zone) {
  std::vector<json> same_ns;
  for (json& d : domains.ByIndex(domain::kZoneIndex, zone)) {
    if (kube::Namespace(d) == ns) same_ns.push_back(std::move(d));
  }
  std::optional<std::string> winner = domain::ZoneClaimWinner(same_ns);
  if (!winner) return std::nullopt;
  for (json& d : same_ns) {
    if (kube::ObjectKey(d) == *winner) return std::move(d);
  }
  return std::nullopt;
}

// The load balancer of an HTTPRoute: the addresses of its parent Gateways.
LoadBalancer RouteLoadBalancer(const json& route, const kube::Store* gateways) {
  LoadBalancer lb;
  if (!gateways) return lb;
  const json spec = route.value("spec", json::object());
  if (!spec.is_object() || !spec.contains("parentRefs") || !spec["parentRefs"].is_array()) return lb;
  std::set<std::string> ips, names;
  for (const json& ref : spec["parentRefs"]) {
    if (!ref.is_object() || ref.value("kind", "Gateway") != "Gateway") continue;
    // Only Gateways of the route's own namespace: a Domain uses nothing of another namespace.
    if (ref.contains("namespace") && ref["namespace"] != kube::Namespace(route)) continue;
    std::optional<json> gw = gateways->Get(kube::ObjectKey(kube::Namespace(route), ref.value("name", "")));
    if (!gw) continue;
    LoadBalancer g = GatewayLoadBalancer(*gw);
    ips.insert(g.ips.begin(), g.ips.end());
    names.insert(g.hostnames.begin(), g.hostnames.end());
  }
  lb.ips.assign(ips.begin(), ips.end());
  lb.hostnames.assign(names.begin(), names.end());
  return lb;
}

// Sibling objects of namespace `ns` (Ingresses, then HTTPRoutes) with the resource they belong to.
struct Owned {
  const kube::Resource* resource;
  json object;
};
std::vector<Owned> SiblingsIn(const FailoverStores& stores, const std::string& ns) {
  std::vector<Owned> out;
  for (json& o : stores.ingresses.ByIndex(kube::kNamespaceIndex, ns)) {
    if (IsSibling(o)) out.push_back({&kube::kIngresses, std::move(o)});
  }
  if (stores.routes) {
    for (json& o : stores.routes->ByIndex(kube::kNamespaceIndex, ns)) {
      if (IsSibling(o)) out.push_back({&kHttpRoutes, std::move(o)});
    }
  }
  std::sort(out.begin(), out.end(), [](const Owned& a, const Owned& b) {
    return std::make_pair(a.resource->kind, kube::Name(a.object)) < std::make_pair(b.resource->kind, kube::Name(b.object));
  });
  return out;
}

std::string Join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

std::vector<json> ExtraRecords(const json& backup, const kube::Store& domains, const FailoverStores& stores) {
  const std::string ns = kube::Namespace(backup);
  const std::string zone = domain::CanonicalZone(backup);
  std::map<std::pair<std::string, std::string>, json> out;
  for (const Owned& s : SiblingsIn(stores, ns)) {
    if (AnnotationOf(s.object, kSourceAnnotation).empty() || api::CanonicalZoneName(AnnotationOf(s.object, kZoneAnnotation)) != zone) {
      continue;
    }
    // Owned by a Domain of this namespace that names this zone as its failover domain: an Ingress written by hand
    // with these annotations gets nothing served.
    auto [owner, uid] = OwnerDomain(s.object);
    std::optional<json> primary = domains.Get(kube::ObjectKey(ns, owner));
    if (!primary || kube::Uid(*primary) != uid || api::FailoverZoneOf(*primary) != zone) continue;
    const std::string source = AnnotationOf(s.object, kSourceAnnotation);
    LoadBalancer lb;
    if (s.resource == &kube::kIngresses) {
      std::optional<json> original = stores.ingresses.Get(kube::ObjectKey(ns, source));
      if (original) lb = IngressLoadBalancer(*original);
    } else if (stores.routes) {
      std::optional<json> original = stores.routes->Get(kube::ObjectKey(ns, source));
      if (original) lb = RouteLoadBalancer(*original, stores.gateways);
    }
    std::vector<std::string> hosts;
    for (const std::string& h : SiblingHosts(s.object)) {
      if (RewriteHost(h, zone, zone)) hosts.push_back(h);  // inside the zone only
    }
    for (json& r : BackupRecords(hosts, lb)) {
      out.emplace(std::make_pair(r["name"].get<std::string>(), r["type"].get<std::string>()), std::move(r));
    }
  }
  std::vector<json> list;
  for (auto& [k, r] : out) list.push_back(std::move(r));
  return list;
}

std::vector<std::string> BackupDomainsOfNamespace(const kube::Store& domains, const std::string& ns) {
  std::set<std::string> keys;
  domains.ForEachByIndex(kube::kNamespaceIndex, ns, [&](const json& d) {
    const std::string zone = api::FailoverZoneOf(d);
    if (zone.empty()) return;
    if (std::optional<json> b = DomainOfZone(domains, ns, zone)) keys.insert(kube::ObjectKey(*b));
  });
  return {keys.begin(), keys.end()};
}

std::vector<std::string> PrimaryDomainsOfNamespace(const kube::Store& domains, const json& obj) {
  const std::string ns = kube::Namespace(obj);
  if (IsSibling(obj)) {
    const std::string primary = AnnotationOf(obj, kPrimaryAnnotation);
    return primary.empty() ? std::vector<std::string>{} : std::vector<std::string>{kube::ObjectKey(ns, primary)};
  }
  std::vector<std::string> keys;
  domains.ForEachByIndex(kube::kNamespaceIndex, ns, [&](const json& d) {
    if (!api::FailoverZoneOf(d).empty()) keys.push_back(kube::ObjectKey(d));
  });
  return keys;
}

bool ConcernsFailover(const json& d) {
  // Read in place: asked of every Domain's every add and update (a copy of its spec was 1.7 % of the controller's
  // CPU while 1,000 Domains arrived).
  if (!d.is_object()) return false;
  if (auto spec = d.find("spec"); spec != d.end() && spec->is_object()) {
    if (auto f = spec->find("failover"); f != spec->end() && !f->is_null()) return true;
  }
  const json& status = domain::StatusOf(d);
  if (!status.is_object()) return false;
  if (status.contains("failover") && !status["failover"].is_null()) return true;
  if (kube::FindCondition(status, api::kFailoverActive).has_value()) return true;
  if (status.contains("findings") && status["findings"].is_array()) {
    for (const json& f : status["findings"]) {
      if (f.is_object() && f.value("reason", "") == reasons::kFailoverNotIndependent) return true;
    }
  }
  return false;
}

bool FailoverUpdateConcerns(const json& old_obj, const json& new_obj) {
  if (ConcernsFailover(old_obj) || ConcernsFailover(new_obj)) return true;
  return kube::ChangesReadParts(kube::ReadParts{}, old_obj, new_obj);  // the spec, or the deletion state
}

std::vector<std::string> FailoverZoneIndexValues(const json& d) {
  const std::string zone = api::FailoverZoneOf(d);
  if (zone.empty()) return {};
  return {kube::Namespace(d) + "/" + zone};
}

std::vector<std::string> PrimariesOfBackup(const kube::Store& domains, const json& backup) {
  std::vector<std::string> keys =
      domains.KeysByIndex(kFailoverZoneIndex, kube::Namespace(backup) + "/" + domain::CanonicalZone(backup));
  keys.erase(std::remove(keys.begin(), keys.end(), kube::ObjectKey(backup)), keys.end());
  return keys;
}

FailoverController::FailoverController(domain::Context ctx, FailoverStores stores, FailoverControllerOptions options)
    : ctx_(ctx), stores_(stores), options_(options) {}

void FailoverController::MaybeExit(int step, bool switching) const {
  if (!switching || options_.exit_after_step != step) return;
  ctx_.events.WaitIdle(std::chrono::seconds(5));  // what the step recorded has been sent
  spdlog::warn("failover decision=test-exit step={} (DG_FAILOVER_EXIT_AFTER_STEP)", step);
  spdlog::default_logger()->flush();
  ::kill(::getpid(), SIGKILL);
}

void FailoverController::DeleteSiblingsOf(const std::string& ns, const std::string& primary_name,
                                          const std::string& uid) {
  for (const Owned& s : SiblingsIn(stores_, ns)) {
    auto [owner, owner_uid] = OwnerDomain(s.object);
    if (owner != primary_name || (!uid.empty() && owner_uid != uid)) continue;
    Status st = ctx_.client.Delete(*s.resource, ns, kube::Name(s.object), kube::Uid(s.object));
    spdlog::info("failover domain={}/{} decision=delete-orphan {}={} ok={}", ns, primary_name, s.resource->kind,
                 kube::Name(s.object), st.ok() || st.error().code == ErrorCode::kNotFound);
  }
}

Status FailoverController::ClearStatus(const json& d) {
  const json& status = domain::StatusOf(d);
  bool mine = status.contains("failover") || kube::FindCondition(status, api::kFailoverActive).has_value();
  if (status.contains("findings") && status["findings"].is_array()) {
    for (const json& f : status["findings"]) {
      if (f.is_object() && f.value("reason", "") == reasons::kFailoverNotIndependent) mine = true;
    }
  }
  if (!mine) return OkStatus();
  // Applying an empty status under this field manager removes every field it owned.
  json body = {{"apiVersion", api::kDomains.ApiVersion()},
               {"kind", std::string(api::kDomains.kind)},
               {"metadata", {{"name", kube::Name(d)}, {"namespace", kube::Namespace(d)}}},
               {"status", json::object()}};
  Result<json> r = ctx_.client.Apply(api::kDomains, body, kFailoverFieldManager, true, "status", kube::Answer::kNone);
  if (!r.ok() && r.error().code != ErrorCode::kNotFound) return r.error();
  return OkStatus();
}

FailoverController::Converged FailoverController::ConvergeSiblings(const json& d, const api::FailoverSpec& spec,
                                                                   bool want, bool switching) {
  Converged out;
  const std::string ns = kube::Namespace(d);
  const std::string key = kube::ObjectKey(d);
  // Desired siblings by (kind, name).
  // Computed in every mode: OnFailure readiness says what a switch would create.
  std::map<std::pair<std::string, std::string>, std::pair<const kube::Resource*, Sibling>> desired;
  {
    auto add = [&](const kube::Resource& r, const std::optional<kube::LabelSelector>& sel, const kube::Store* store,
                   auto render) {
      if (!sel || !store) return;
      for (const json& o : store->ByIndex(kube::kNamespaceIndex, ns)) {
        if (IsSibling(o) || !sel->MatchesObject(o)) continue;
        std::optional<Sibling> s = render(o, d, spec.backup_zone);
        if (!s) continue;
        std::pair<std::string, std::string> id(std::string(r.kind), kube::Name(s->object));
        desired.emplace(std::move(id), std::make_pair(&r, std::move(*s)));
      }
    };
    add(kube::kIngresses, spec.ingress_selector, &stores_.ingresses, RenderIngressSibling);
    add(kHttpRoutes, spec.httproute_selector, stores_.routes, RenderRouteSibling);
  }
  bool first_write = true;
  auto wrote = [&] {
    if (first_write) MaybeExit(2, switching);
    first_write = false;
  };
  // Delete owned siblings that are no longer wanted.
  std::set<std::pair<std::string, std::string>> existing;
  for (const Owned& s : SiblingsIn(stores_, ns)) {
    auto [owner, uid] = OwnerDomain(s.object);
    if (owner != kube::Name(d) || uid != kube::Uid(d)) continue;
    const auto id = std::make_pair(std::string(s.resource->kind), kube::Name(s.object));
    existing.insert(id);
    if (want && desired.count(id)) continue;
    Status st = ctx_.client.Delete(*s.resource, ns, kube::Name(s.object), kube::Uid(s.object));
    if (!st.ok() && st.error().code != ErrorCode::kNotFound) {
      out.error = st.error().Wrap("deleting " + id.first + " " + id.second);
      return out;
    }
    spdlog::info("failover domain={} decision=delete-sibling {}={}", key, id.first, id.second);
    wrote();
  }
  for (auto& [id, entry] : desired) {
    const kube::Resource& r = *entry.first;
    Sibling& s = entry.second;
    out.selected.push_back({id.first, id.second, AnnotationOf(s.object, kSourceAnnotation)});
    if (!want) continue;
    const kube::Store* store = &r == &kube::kIngresses ? &stores_.ingresses : stores_.routes;
    std::optional<json> have = store->Get(kube::ObjectKey(ns, id.second));
    if (have && !IsSibling(*have)) {
      out.problems.push_back(id.first + " " + id.second + " exists and is not domainguard's; its sibling is not created");
      continue;
    }
    if (have) {
      auto [owner, uid] = OwnerDomain(*have);
      if (owner != kube::Name(d) || uid != kube::Uid(d)) {
        out.problems.push_back(id.first + " " + id.second + " is the sibling of Domain " + owner);
        continue;
      }
    }
    if (!have) {
      Result<json> created = ctx_.client.Create(r, ns, s.object);
      if (!created.ok() && created.error().code != ErrorCode::kAlreadyExists) {
        out.error = created.error().Wrap("creating " + id.first + " " + id.second);
        return out;
      }
      spdlog::info("failover domain={} decision=create-sibling {}={} hosts=\"{}\"", key, id.first, id.second,
                   Join(s.hosts));
      wrote();
    } else if (!SameSibling(*have, s.object)) {
      json update = *have;
      update["spec"] = s.object["spec"];
      for (const char* k : {"labels", "annotations"}) {
        if (!update["metadata"].contains(k) || !update["metadata"][k].is_object()) update["metadata"][k] = json::object();
        update["metadata"][k].update(s.object["metadata"][k]);
      }
      update["metadata"]["ownerReferences"] = s.object["metadata"]["ownerReferences"];
      Result<json> updated = ctx_.client.Update(r, update);
      if (!updated.ok()) {
        out.error = updated.error().Wrap("updating " + id.first + " " + id.second);
        return out;
      }
      spdlog::info("failover domain={} decision=update-sibling {}={}", key, id.first, id.second);
      wrote();
    }
    out.objects.push_back({{"kind", id.first}, {"name", id.second}, {"hosts", s.hosts}});
  }
  return out;
}

kube::ReconcileResult FailoverController::Reconcile(const std::string& key) {
  if (stores_.wait_synced && !stores_.wait_synced(std::chrono::seconds(30))) {
    return {Error::Unavailable("the Ingress/HTTPRoute caches have not listed yet"), std::nullopt};
  }
  std::shared_ptr<const json> d = ctx_.domains.GetShared(key);
  const std::string ns = key.substr(0, key.find('/'));
  const std::string name = key.substr(key.find('/') + 1);
  if (!d) {
    // Without a garbage collector (or before it runs) the siblings of a deleted Domain are deleted here.
    DeleteSiblingsOf(ns, name, "");
    std::lock_guard<std::mutex> lock(mu_);
    memory_.erase(key);
    return {};
  }
  const std::string zone = domain::CanonicalZone(*d);
  const kube::ObjectRef ref = domain::DomainRef(*d);
  const json& status = domain::StatusOf(*d);
  const SystemTime now = ctx_.clock.Now();

  // 2. The spec.
  Result<std::optional<api::FailoverSpec>> parsed = api::ParseFailoverSpec(*d);
  if (parsed.ok() && !parsed->has_value()) {
    DeleteSiblingsOf(ns, name, kube::Uid(*d));
    {
      std::lock_guard<std::mutex> lock(mu_);
      memory_.erase(key);
    }
    Status st = ClearStatus(*d);
    if (!st.ok()) return {st.error(), std::nullopt};
    return {};
  }
  domain::StatusPart part;
  part.field_manager = kFailoverFieldManager;
  part.owns_findings = true;
  part.owns_reason = [](std::string_view r) { return r == reasons::kFailoverNotIndependent; };
  kube::Condition cond;
  cond.type = std::string(api::kFailoverActive);
  cond.observed_generation = kube::Generation(*d);
  if (!parsed.ok()) {
    cond.status = std::string(kube::kConditionFalse);
    cond.reason = std::string(reasons::kFailoverInvalid);
    cond.message = parsed.error().message + "; nothing is changed";
    json f = status.value("failover", json::object());
    if (!f.is_object()) f = json::object();
    f["state"] = "Invalid";
    f["ready"] = false;
    f["readyMessage"] = parsed.error().message;
    part.fields["failover"] = f;
    part.conditions.push_back(cond);
    Result<bool> w = domain::WriteStatusPart(ctx_.client, api::kDomains, *d, part, ctx_.clock);
    if (!w.ok()) return {w.error(), std::nullopt};
    if (*w) {
      ctx_.events.Record(ref, kube::kEventWarning, reasons::kFailoverInvalid, cond.message);
      spdlog::warn("failover domain={} zone={} decision=invalid-spec error=\"{}\"", key, zone, parsed.error().message);
    }
    return {};
  }
  const api::FailoverSpec& spec = **parsed;

  // 3. Observe.
  std::optional<json> backup = DomainOfZone(ctx_.domains, ns, spec.backup_zone);
  BackupHealth health = AssessBackup(backup, spec.backup_zone);
  Observation obs;
  obs.critical_triggers = CriticalTriggers(*d, spec.triggers);
  obs.primary_healthy = NoCriticalFinding(*d);
  obs.backup_healthy = health.healthy;
  obs.backup_problem = health.problem;
  obs.failback_approved = AnnotationOf(*d, reasons::kFailbackAnnotation.data()) == reasons::kFailbackApprove;

  const json persisted = status.contains("failover") && status["failover"].is_object() ? status["failover"]
                                                                                        : json::object();
  State state;
  bool was_blocked = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Memory& m = memory_[key];
    if (m.uid != kube::Uid(*d)) { m = Memory{}; m.uid = kube::Uid(*d); }
    state = m.state;
    was_blocked = m.blocked;
  }
  state.active = persisted.value("active", false);
  state.since.reset();
  if (persisted.contains("since") && persisted["since"].is_string()) {
    Result<SystemTime> t = ParseRfc3339(persisted["since"].get<std::string>());
    if (t.ok()) state.since = *t;
  }
  state.trigger = persisted.value("trigger", "");
  state.evidence = persisted.value("evidence", "");

  Params params;
  params.confirmations = spec.confirmations;
  params.interval = delegation::DelegationInterval(domain::SpecsOf(ctx_).Common(*d), options_.default_interval);
  params.hold_down = spec.hold_down;
  params.failback = spec.failback;

  // 4. Decide.
  Step step = NextState(state, obs, params, now);
  const bool switching = step.decision == Decision::kActivate || step.decision == Decision::kFailback;
  // A failback whose decision was written but whose reconcile did not finish (a crash): finish it, Event included.
  bool resumed_failback = !step.state.active && !switching &&
                          persisted.value("state", "").find("(failing back)") != std::string::npos;
  if (resumed_failback) {
    // The cache may still hold the decision write of a failback this process completed a moment ago.
    std::lock_guard<std::mutex> lock(mu_);
    resumed_failback = memory_[key].failback_recorded != persisted.value("since", "");
  }
  const bool blocked = step.decision == Decision::kBlocked;

  auto failover_fields = [&](const State& s) {
    json f = persisted;
    f["active"] = s.active;
    if (s.since) {
      f["since"] = FormatRfc3339(*s.since);
    } else {
      f.erase("since");
    }
    if (s.trigger.empty()) {
      f.erase("trigger");
      f.erase("evidence");
    } else {
      f["trigger"] = s.trigger;
      f["evidence"] = s.evidence;
    }
    return f;
  };
  auto condition_for = [&](const State& s, const std::string& readiness) {
    kube::Condition c = cond;
    if (s.active) {
      c.status = std::string(kube::kConditionTrue);
      c.reason = std::string(reasons::kFailoverActivated);
      c.message = "served through " + spec.backup_zone + " since " + (s.since ? FormatRfc3339(*s.since) : "?") +
                  "; trigger " + s.trigger + ": " + s.evidence +
                  (step.message.empty() || step.decision == Decision::kActivate ? "" : "; " + step.message) +
                  (readiness.rfind("backup not ready", 0) == 0 ? "; " + readiness : "");
    } else if (blocked) {
      c.status = std::string(kube::kConditionFalse);
      c.reason = std::string(reasons::kFailoverBlocked);
      c.message = step.message;
    } else {
      c.status = std::string(kube::kConditionFalse);
      c.reason = std::string(reasons::kFailoverStandby);
      c.message = (step.message.empty() ? "" : step.message + "; ") + readiness;
    }
    return c;
  };

  if (switching) {
    // The decision goes to the cluster before anything acts on it: a crash from here on resumes from it.
    domain::StatusPart decision = part;
    decision.owns_findings = false;
    decision.fields["failover"] = failover_fields(step.state);
    decision.fields["failover"]["state"] = step.state.active ? "Active" : api::FailoverModeName(spec.mode) + " (failing back)";
    decision.conditions.push_back(condition_for(step.state, "failing back"));
    Result<bool> w = domain::WriteStatusPart(ctx_.client, api::kDomains, *d, decision, ctx_.clock);
    if (!w.ok()) {
      if (w.error().code == ErrorCode::kNotFound) return {};
      return {w.error(), std::nullopt};
    }
    if (step.decision == Decision::kActivate) {
      ctx_.events.Record(ref, kube::kEventWarning, reasons::kFailoverActivated,
                         "hosts served through " + spec.backup_zone + "; " + step.message);
    }
    spdlog::warn("failover domain={} zone={} backup={} decision={} message=\"{}\"", key, zone, spec.backup_zone,
                 DecisionName(step.decision), step.message);
    MaybeExit(1, switching);
  } else if (step.decision != Decision::kNone) {
    spdlog::info("failover domain={} zone={} backup={} decision={} message=\"{}\"", key, zone, spec.backup_zone,
                 DecisionName(step.decision), step.message);
  }
  if (blocked && !was_blocked) {
    ctx_.events.Record(ref, kube::kEventWarning, reasons::kFailoverBlocked, step.message);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    Memory& m = memory_[key];
    m.state = step.state;
    m.blocked = blocked;
  }

  // 5. Siblings.
  const bool want = spec.mode == api::FailoverMode::kStandby || step.state.active;
  Converged converged = ConvergeSiblings(*d, spec, want, switching);
  if (!converged.error.ok()) {
    spdlog::warn("failover domain={} zone={} decision=retry error=\"{}\"", key, zone, converged.error.error().ToString());
    return {converged.error.error(), std::nullopt};
  }
  MaybeExit(3, switching);

  // 6. Readiness and independence.
  std::vector<std::string> not_ready;
  if (!health.healthy) not_ready.push_back(health.problem);
  if (backup) {
    const json& bs = domain::StatusOf(*backup);
    std::optional<kube::Condition> rec = kube::FindCondition(bs, api::kRecordsSynced);
    if (want && (!rec || rec->status != kube::kConditionTrue)) {
      not_ready.push_back("Domain " + kube::Name(*backup) + ": records not synced yet");
    }
    std::optional<kube::Condition> del = kube::FindCondition(bs, api::kDelegationHealthy);
    if (want && health.healthy && (!del || del->status != kube::kConditionTrue)) {
      not_ready.push_back("Domain " + kube::Name(*backup) + ": backup hosts not verified at every name server yet");
    }
  }
  not_ready.insert(not_ready.end(), converged.problems.begin(), converged.problems.end());
  if (converged.selected.empty()) {
    not_ready.push_back("no Ingress or HTTPRoute of this namespace matches spec.failover's selectors with a host in " +
                        zone);
  }
  for (const Converged::Selected& sel : converged.selected) {
    const bool ingress = sel.kind == "Ingress";
    const kube::Store* store = ingress ? &stores_.ingresses : stores_.routes;
    if (!store) continue;
    std::optional<json> original = store->Get(kube::ObjectKey(ns, sel.source));
    LoadBalancer lb;
    if (original) lb = ingress ? IngressLoadBalancer(*original) : RouteLoadBalancer(*original, stores_.gateways);
    if (lb.ips.empty() && lb.hostnames.empty()) {
      not_ready.push_back(sel.kind + " " + sel.source + (ingress ? " has no status.loadBalancer address"
                                                                 : " has no parent Gateway with an address") +
                          ": no records for its hosts");
    }
    if (!want) continue;  // OnFailure, inactive: the sibling does not exist yet
    std::optional<json> sib = store->Get(kube::ObjectKey(ns, sel.sibling));
    if (!sib) continue;
    const json spec_json = sib->value("spec", json::object());
    // TLS Secrets of an Ingress sibling (cert-manager issues them from the carried annotations).
    if (ingress && spec_json.is_object() && spec_json.contains("tls") && spec_json["tls"].is_array()) {
      for (const json& t : spec_json["tls"]) {
        if (!t.is_object() || !t.contains("secretName") || !t["secretName"].is_string()) continue;
        const std::string secret = t["secretName"].get<std::string>();
        Result<json> got = ctx_.client.Get(kube::kSecrets, ns, secret);
        if (!got.ok() && got.error().code == ErrorCode::kNotFound) {
          not_ready.push_back("TLS Secret " + secret + " of Ingress " + sel.sibling + " does not exist yet");
        }
      }
    }
    // An HTTPRoute's own verdict: Accepted=False at a parent Gateway is reported, not hidden.
    const json route_status = sib->value("status", json::object());
    if (!ingress && route_status.is_object() && route_status.contains("parents") &&
        route_status["parents"].is_array()) {
      for (const json& p : route_status["parents"]) {
        std::optional<kube::Condition> acc = kube::FindCondition(p, "Accepted");
        if (acc && acc->status == kube::kConditionFalse) {
          const json parent = p.is_object() ? p.value("parentRef", json::object()) : json::object();
          not_ready.push_back("HTTPRoute " + sel.sibling + " not accepted by " +
                              (parent.is_object() ? parent.value("name", "?") : "?") + ": " + acc->reason +
                              (acc->message.empty() ? "" : " (" + acc->message + ")"));
        }
      }
    }
  }
  const bool ready = not_ready.empty();
  const std::string readiness = ready ? "backup " + spec.backup_zone + " ready" + (want ? " (hosts served)" : "")
                                      : "backup not ready: " + Join(not_ready, "; ");

  if (backup) {
    std::vector<std::string> shared = SharedWithBackup(*d, *backup, domain::SpecsOf(ctx_));
    if (!shared.empty()) {
      part.findings.push_back({std::string(reasons::kFailoverNotIndependent), "Warning",
                               "the failover domain " + spec.backup_zone + " shares " + Join(shared) +
                                   " with this Domain: one event could take both down"});
    }
  }
  json f = failover_fields(step.state);
  f["ready"] = ready;
  f["readyMessage"] = ready ? "" : readiness;
  f["objects"] = converged.objects;
  f["state"] = step.state.active ? "Active" : blocked ? "Blocked" : api::FailoverModeName(spec.mode) + (ready ? " ready" : " not ready");
  part.fields["failover"] = std::move(f);
  part.conditions.push_back(condition_for(step.state, readiness));
  Result<bool> w = domain::WriteStatusPart(ctx_.client, api::kDomains, *d, part, ctx_.clock);
  if (!w.ok()) {
    if (w.error().code == ErrorCode::kNotFound) return {};
    return {w.error(), std::nullopt};
  }
  if (step.decision == Decision::kFailback || resumed_failback) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      memory_[key].failback_recorded = step.state.since ? FormatRfc3339(*step.state.since) : "";
    }
    ctx_.events.Record(ref, kube::kEventNormal, reasons::kFailbackCompleted,
                       (resumed_failback ? std::string("failback resumed after a restart") : step.message) +
                           "; hosts served through " + zone + " again since " + FormatRfc3339(now) + "; " +
                           (spec.mode == api::FailoverMode::kOnFailure ? "the failover siblings and their records are removed"
                                                          : "the standby siblings stay ready"));
  }
  MaybeExit(4, switching);
  if (*w) {
    spdlog::info("failover domain={} zone={} backup={} decision=status active={} ready={} state=\"{}\"", key, zone,
                 spec.backup_zone, step.state.active, ready, part.fields["failover"]["state"].get<std::string>());
  }
  const std::chrono::nanoseconds next = step.requeue_after.count() > 0 ? step.requeue_after : params.interval;
  return {OkStatus(), next};
}

}  // namespace domainguard::failover
