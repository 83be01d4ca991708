#include "controller/domain/status_writer.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include <spdlog/spdlog.h>

#include "controller/api/resources.h"
#include "controller/kube/object.h"

namespace domainguard::domain {
namespace {

using nlohmann::json;

const json kNull;

const json& StatusOfObject(const json& obj) {
  if (!obj.is_object()) return kNull;
  auto it = obj.find("status");
  return it == obj.end() ? kNull : *it;
}

// A resourceVersion as a number (etcd's revision); 0 when not a number.
uint64_t ResourceVersionNumber(const std::string& rv) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), v);
  return ec == std::errc() && p == rv.data() + rv.size() ? v : 0;
}

// metadata.resourceVersion as a number; 0 when absent or not a number.
uint64_t ResourceVersion(const json& obj) {
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) return 0;
  const json& m = obj["metadata"];
  if (!m.contains("resourceVersion") || !m["resourceVersion"].is_string()) return 0;
  return ResourceVersionNumber(m["resourceVersion"].get<std::string>());
}

json ApplyBody(const json& domain) {
  return {{"apiVersion", api::kDomains.ApiVersion()},
          {"kind", std::string(api::kDomains.kind)},
          {"metadata", {{"name", kube::Name(domain)}, {"namespace", kube::Namespace(domain)}}}};
}

}  // namespace

StatusWriter::StatusWriter(kube::Client& client, kube::Store& domains, const Clock& clock,
                           std::vector<PartOwnership> owners, StatusWriterOptions options)
    : client_(client),
      domains_(domains),
      clock_(clock),
      owners_(std::move(owners)),
      options_(std::move(options)),
      burst_(options_.burst) {}

void StatusWriter::SetScheduler(std::function<void(const std::string&, std::chrono::nanoseconds)> schedule) {
  schedule_ = std::move(schedule);
}

void StatusWriter::SetPartHandler(std::function<void(const std::string&, const std::string&)> on_part) {
  on_part_ = std::move(on_part);
}

void StatusWriter::SetEventRecorder(kube::EventRecorder* events) { events_ = events; }

void StatusWriter::NoteAdded(const json& domain) {
  if (!IsFirstPass(StatusOfObject(domain), owners_)) return;
  std::lock_guard<std::mutex> lock(mu_);
  burst_.Arrived(clock_.Monotonic());  // read under mu_: the times reach burst_ in order
}

void StatusWriter::RecordEvent(const json& domain, const kube::EventSpec& event) {
  if (!events_) return;
  const std::string key = kube::ObjectKey(domain);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(key);
    // The first pass not yet applied (by the cache, and by the writer itself), while new Domains arrive in a batch.
    const bool first_pass = IsFirstPass(StatusOfObject(domain), owners_) &&
                            (it == states_.end() || (!it->second.applied && !it->second.inflight));
    const MonotonicTime now = clock_.Monotonic();
    const MonotonicTime first_report =
        it != states_.end() && it->second.first_report ? *it->second.first_report : now;
    if (first_pass && FirstPassHeldUntil(burst_, now, first_report, options_.first_pass_limit)) {
      states_[key].held_events.push_back(event);
      return;
    }
  }
  events_->Record(event);
}

void StatusWriter::SendEvents(std::vector<kube::EventSpec> events) {
  if (!events_) return;
  for (const kube::EventSpec& e : events) events_->Record(e);
}

std::optional<MonotonicTime> StatusWriter::BatchEndsAt() const {
  std::lock_guard<std::mutex> lock(mu_);
  return burst_.EndsAt(clock_.Monotonic());
}

std::optional<MonotonicTime> StatusWriter::HoldLocked(const std::string& key, KeyState& st, MonotonicTime now) {
  if (!st.first_report || st.pending.empty()) return std::nullopt;  // not a first pass waiting to be applied
  std::optional<MonotonicTime> until = FirstPassHeldUntil(burst_, now, *st.first_report, options_.first_pass_limit);
  if (!until && st.held && !st.released) st.released = now;
  if (until) {
    st.held = true;
    if (!hold_) {
      hold_ = Hold{now, burst_.total(), {}};
      spdlog::info("status decision=hold-first-passes domain={} why=\"new Domains arriving in a batch\" "
                   "arrivals_total={}",
                   key, burst_.total());
    }
    hold_->held.insert(key);
    return until;
  }
  if (hold_ && !burst_.EndsAt(now)) {
    spdlog::info("status decision=release-first-passes domain={} held={} arrivals={} held_for={:.1f}s", key,
                 hold_->held.size(), burst_.total() - hold_->arrivals_before,
                 std::chrono::duration<double>(now - hold_->since).count());
    hold_.reset();
  }
  return std::nullopt;
}

bool StatusWriter::Owns(const std::string& part) const {
  return std::any_of(owners_.begin(), owners_.end(), [&](const PartOwnership& o) { return o.part == part; });
}

json StatusWriter::BaseLocked(KeyState& st, const json& cached) const {
  if (st.inflight) return *st.inflight;  // being applied: what a part is compared with is what it will be
  if (st.applied && st.applied->first > ResourceVersion(cached)) return st.applied->second;
  st.applied.reset();  // the cache has our last apply (or newer)
  return StatusOfObject(cached);
}

MonotonicTime StatusWriter::FirstPassDeadline(const KeyState& st) const {
  if (options_.first_pass_lead.empty()) return *st.first_report + options_.first_pass_wait;
  const MonotonicTime limit = *st.first_report + options_.first_pass_limit;
  if (!st.lead_report) return limit;
  // Held for a batch: the parts that follow the lead may have waited for the batch too (delegation's probes).
  const MonotonicTime lead = st.released ? std::max(*st.lead_report, *st.released) : *st.lead_report;
  return std::min(limit, lead + options_.first_pass_wait);
}

bool StatusWriter::AwaitsPartsLocked(const KeyState& st, MonotonicTime now) const {
  return st.first_report &&
         !std::all_of(options_.first_pass_parts.begin(), options_.first_pass_parts.end(),
                      [&](const std::string& p) { return st.reported.count(p) > 0; }) &&
         now < FirstPassDeadline(st);
}

std::map<std::string, StatusPart> StatusWriter::Parts(const KeyState& st) {
  std::map<std::string, StatusPart> parts;
  for (const auto& [name, p] : st.pending) parts.emplace(name, p.part);
  return parts;
}

Result<bool> StatusWriter::Write(const json& domain, const StatusPart& part) {
  const std::string key = kube::ObjectKey(domain);
  // The caller's Domain is the cache's at the version it read; parsed again only when the cache has a newer one
  // (a new Domain's five parts each cost a parse of its whole spec otherwise: issue #14, CPU while Domains arrive).
  std::shared_ptr<const json> cached;
  const std::optional<std::string> cached_version = domains_.ResourceVersionOf(key);
  if (!cached_version || *cached_version != kube::ResourceVersion(domain)) cached = domains_.GetShared(key);
  const json& obj = cached ? *cached : domain;
  const int64_t generation = kube::Generation(obj);
  const SystemTime now = clock_.Now();
  bool changed = false;
  bool flush = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeyState& st = states_[key];
    const json base = BaseLocked(st, obj);
    auto previous = st.pending.find(part.field_manager);
    changed = PartChangesStatus(base, owners_, previous != st.pending.end() ? &previous->second.part : nullptr, part,
                                now);
    st.pending[part.field_manager] = Pending{part, ++seq_};
    // A new Domain's status needs an apply whatever its parts say: merged only to find that out for others (the
    // merge was ~5 % of the controller's CPU while a batch of Domains arrived, issue #14).
    flush = !HasObservedGeneration(base) ||
            MergeStatus(base, owners_, Parts(st), generation, now) != ManagedStatus(base, owners_);
    const bool first_pass = IsFirstPass(base, owners_);
    if (first_pass) {
      if (!st.inflight && !st.applied) st.first_pass_version = kube::ResourceVersion(obj);
      st.reported.insert(part.field_manager);
      if (!st.first_report) st.first_report = clock_.Monotonic();
      if (part.field_manager == options_.first_pass_lead && !st.lead_report) st.lead_report = clock_.Monotonic();
    }
    if (!flush) {
      st.pending.clear();  // every part already holds
      // Kept while an apply is under way (its end records what it applied) or Events wait for the first pass.
      if (!first_pass && !st.applied && !st.inflight && st.held_events.empty()) states_.erase(key);
    }
  }
  if (flush && schedule_) schedule_(key, options_.debounce);
  if (changed && on_part_) on_part_(key, part.field_manager);
  return changed;
}

json StatusWriter::Status(const std::string& key) const {
  const std::shared_ptr<const json> cached = domains_.GetShared(key);
  if (!cached) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = states_.find(key);
  if (it == states_.end()) return StatusOfObject(*cached);
  KeyState st = it->second;  // BaseLocked may drop `applied`: on a copy, Status is a read
  json base = BaseLocked(st, *cached);
  if (st.pending.empty()) return base;
  return OverlayManaged(base, MergeStatus(base, owners_, Parts(st), kube::Generation(*cached), clock_.Now()),
                        owners_);
}

kube::ReconcileResult StatusWriter::Flush(const std::string& key) {
  // What needs no parse of the Domain is decided first (issue #14: each new Domain of a batch was parsed here about
  // four times for nothing): the cache's version says whether it holds our last apply yet.
  const std::optional<std::string> cached_version = domains_.ResourceVersionOf(key);
  {
    const MonotonicTime mono = clock_.Monotonic();
    std::vector<kube::EventSpec> events;
    bool merge = false;  // parts to merge (or the Domain is gone): below, with the Domain parsed
    // First passes parked for a batch now over: flushed at once, once mu_ is released.
    QueueOnExit wake([this](const std::string& k) {
      if (schedule_) schedule_(k, std::chrono::nanoseconds(0));
    });
    {
      std::lock_guard<std::mutex> lock(mu_);
      const std::optional<MonotonicTime> burst_end = burst_.EndsAt(mono);
      if (!burst_end && !waiters_.empty()) wake.keys = waiters_.Release(key);
      auto it = states_.find(key);
      // Nothing pending, applied or held for this Domain (a new Domain's add, another manager's write).
      if (it == states_.end()) return {};
      // A first pass held for a batch of new Domains is looked at again without reading the cache: a thousand wait.
      // Held to the batch's end, it is parked (batch_waiters.h): one of them follows that moving end, the first to
      // run after it wakes the others; held to its own limit (sooner), it comes back then.
      if (std::optional<MonotonicTime> until = HoldLocked(key, it->second, mono)) {
        if (schedule_ && burst_end && *until == *burst_end) {
          const MonotonicTime limit = *it->second.first_report + options_.first_pass_limit;
          return {OkStatus(), waiters_.Park(key, *until, mono, limit - mono)};
        }
        return {OkStatus(), *until - mono};
      }
      // Not held (any more): if it kept the batch's time, another parked first pass takes over.
      if (burst_end && !waiters_.empty()) {
        if (std::optional<std::string> next = waiters_.Forget(key)) wake.keys.push_back(*next);
      }
      KeyState& st = it->second;
      merge = !cached_version || !st.pending.empty();
      // A first pass waiting for parts, on the status a Write judged at the cache's current version.
      if (merge && cached_version && !st.inflight && !st.applied && !st.first_pass_version.empty() &&
          st.first_pass_version == *cached_version && AwaitsPartsLocked(st, mono)) {
        return {OkStatus(), FirstPassDeadline(st) - mono};
      }
      if (!merge) {
        // Woken by the cache: forget the last apply once the cache holds it (as BaseLocked would).
        if (!st.inflight && st.applied && st.applied->first <= ResourceVersionNumber(*cached_version)) {
          st.applied.reset();
        }
        events = std::exchange(st.held_events, {});
        if (!st.applied) states_.erase(it);
      }
    }
    if (!merge) {
      SendEvents(std::move(events));
      return {};
    }
  }
  const std::shared_ptr<const json> cached = domains_.GetShared(key);
  if (!cached) {
    std::lock_guard<std::mutex> lock(mu_);
    states_.erase(key);  // deleted: its held Events are about nothing
    return {};
  }
  const SystemTime now = clock_.Now();
  const MonotonicTime mono = clock_.Monotonic();
  json merged;
  std::map<std::string, uint64_t> taken;  // part -> seq applied
  std::string parts;
  std::vector<kube::EventSpec> events;  // held with a first pass that needs no apply: sent now
  std::optional<kube::ReconcileResult> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(key);
    if (it == states_.end()) return {};
    KeyState& st = it->second;
    const json base = BaseLocked(st, *cached);
    if (st.pending.empty()) {  // woken by the cache: forget the last apply once the cache holds it
      events = std::exchange(st.held_events, {});
      if (!st.applied) states_.erase(it);
      done = kube::ReconcileResult{};
    } else if (IsFirstPass(base, owners_) && AwaitsPartsLocked(st, mono)) {
      return {OkStatus(), FirstPassDeadline(st) - mono};
    } else {
      merged = MergeStatus(base, owners_, Parts(st), kube::Generation(*cached), now);
      if (merged == ManagedStatus(base, owners_)) {
        st.pending.clear();
        events = std::exchange(st.held_events, {});
        done = kube::ReconcileResult{};
      } else {
        for (const auto& [name, p] : st.pending) {
          taken[name] = p.seq;
          parts += (parts.empty() ? "" : ",") + name;
        }
        st.inflight = OverlayManaged(base, merged, owners_);
      }
    }
  }
  if (done) {
    SendEvents(std::move(events));
    return *done;
  }
  json body = ApplyBody(*cached);
  body["status"] = merged;
  // Read back: the resourceVersion, the status and who manages it (ReleaseOldManagers), not the spec.
  Result<json> applied =
      client_.Apply(api::kDomains, body, kStatusFieldManager, /*force=*/true, "status", kube::Answer::kStatus);
  if (!applied.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    if (applied.error().code == ErrorCode::kNotFound) {
      states_.erase(key);
      return {};
    }
    if (auto it = states_.find(key); it != states_.end()) it->second.inflight.reset();
    spdlog::warn("status domain={} decision=retry parts=[{}] error=\"{}\"", key, parts, applied.error().ToString());
    return {applied.error(), std::nullopt};
  }
  bool more = false;
  bool held = false;  // a first pass held for a batch of new Domains (the log says so: the e2e checks the hold)
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeyState& st = states_[key];
    for (const auto& [name, seq] : taken) {
      auto p = st.pending.find(name);
      if (p != st.pending.end() && p->second.seq == seq) st.pending.erase(p);
    }
    st.inflight.reset();
    st.applied = std::make_pair(ResourceVersion(*applied), StatusOfObject(*applied));
    st.reported.clear();
    st.first_report.reset();
    st.lead_report.reset();
    st.first_pass_version.clear();
    held = std::exchange(st.held, false);
    st.released.reset();
    events = std::exchange(st.held_events, {});  // the first pass they belong to is applied: the Events follow it
    more = !st.pending.empty();
  }
  spdlog::info("status domain={} decision=apply parts=[{}] held_for_batch={}", key, parts, held);
  SendEvents(std::move(events));
  ReleaseOldManagers(*applied);
  if (more) return {OkStatus(), options_.debounce};
  return {};
}

void StatusWriter::ReleaseOldManagers(const json& applied) {
  const json* managed = nullptr;
  if (applied.contains("metadata") && applied["metadata"].is_object() &&
      applied["metadata"].contains("managedFields") && applied["metadata"]["managedFields"].is_array()) {
    managed = &applied["metadata"]["managedFields"];
  }
  if (!managed) return;
  for (const json& entry : *managed) {
    if (!entry.is_object() || entry.value("subresource", "") != "status" || entry.value("operation", "") != "Apply") {
      continue;
    }
    const std::string manager = entry.value("manager", "");
    if (!Owns(manager)) continue;
    // An empty apply: the old manager owns nothing any more; what the shared one co-owns stays.
    Result<json> r =
        client_.Apply(api::kDomains, ApplyBody(applied), manager, /*force=*/true, "status", kube::Answer::kNone);
    spdlog::info("status domain={} decision=release-old-manager manager={} ok={}{}", kube::ObjectKey(applied), manager,
                 r.ok(), r.ok() ? "" : " error=\"" + r.error().ToString() + "\"");
  }
}

Result<bool> WriteStatus(const Context& ctx, const json& domain, const StatusPart& part) {
  if (ctx.status && ctx.status->Owns(part.field_manager)) return ctx.status->Write(domain, part);
  return WriteStatusPart(ctx.client, api::kDomains, domain, part, ctx.clock);
}

void RecordEvent(const Context& ctx, const json& domain, const kube::EventSpec& event) {
  if (ctx.status) {
    ctx.status->RecordEvent(domain, event);
  } else {
    ctx.events.Record(event);
  }
}

json WithPendingStatus(const Context& ctx, const json& domain) {
  if (!ctx.status) return domain;
  json status = ctx.status->Status(kube::ObjectKey(domain));
  if (status.is_null()) return domain;
  json out = domain;
  out["status"] = std::move(status);
  return out;
}

}  // namespace domainguard::domain
