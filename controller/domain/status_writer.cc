#include "controller/domain/status_writer.h"

#include <algorithm>
#include <charconv>

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

// metadata.resourceVersion as a number (etcd's revision); 0 when absent or not a number.
uint64_t ResourceVersion(const json& obj) {
  if (!obj.is_object() || !obj.contains("metadata") || !obj["metadata"].is_object()) return 0;
  const json& m = obj["metadata"];
  if (!m.contains("resourceVersion") || !m["resourceVersion"].is_string()) return 0;
  const std::string rv = m["resourceVersion"].get<std::string>();
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), v);
  return ec == std::errc() && p == rv.data() + rv.size() ? v : 0;
}

json ApplyBody(const json& domain) {
  return {{"apiVersion", api::kDomains.ApiVersion()},
          {"kind", std::string(api::kDomains.kind)},
          {"metadata", {{"name", kube::Name(domain)}, {"namespace", kube::Namespace(domain)}}}};
}

}  // namespace

StatusWriter::StatusWriter(kube::Client& client, kube::Store& domains, const Clock& clock,
                           std::vector<PartOwnership> owners, StatusWriterOptions options)
    : client_(client), domains_(domains), clock_(clock), owners_(std::move(owners)), options_(std::move(options)) {}

void StatusWriter::SetScheduler(std::function<void(const std::string&, std::chrono::nanoseconds)> schedule) {
  schedule_ = std::move(schedule);
}

void StatusWriter::SetPartHandler(std::function<void(const std::string&, const std::string&)> on_part) {
  on_part_ = std::move(on_part);
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
  return std::min(limit, *st.lead_report + options_.first_pass_wait);
}

std::map<std::string, StatusPart> StatusWriter::Parts(const KeyState& st) {
  std::map<std::string, StatusPart> parts;
  for (const auto& [name, p] : st.pending) parts.emplace(name, p.part);
  return parts;
}

Result<bool> StatusWriter::Write(const json& domain, const StatusPart& part) {
  const std::string key = kube::ObjectKey(domain);
  const std::optional<json> cached = domains_.Get(key);
  const json& obj = cached ? *cached : domain;
  const int64_t generation = kube::Generation(obj);
  const SystemTime now = clock_.Now();
  bool changed = false;
  bool flush = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    KeyState& st = states_[key];
    const json base = BaseLocked(st, obj);
    const json before = MergeStatus(base, owners_, Parts(st), generation, now);
    st.pending[part.field_manager] = Pending{part, ++seq_};
    const json after = MergeStatus(base, owners_, Parts(st), generation, now);
    changed = before != after;
    flush = after != ManagedStatus(base, owners_);
    const bool first_pass = IsFirstPass(base, owners_);
    if (first_pass) {
      st.reported.insert(part.field_manager);
      if (!st.first_report) st.first_report = clock_.Monotonic();
      if (part.field_manager == options_.first_pass_lead && !st.lead_report) st.lead_report = clock_.Monotonic();
    }
    if (!flush) {
      st.pending.clear();  // every part already holds
      if (!first_pass && !st.applied) states_.erase(key);
    }
  }
  if (flush && schedule_) schedule_(key, options_.debounce);
  if (changed && on_part_) on_part_(key, part.field_manager);
  return changed;
}

json StatusWriter::Status(const std::string& key) const {
  const std::optional<json> cached = domains_.Get(key);
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
  const std::optional<json> cached = domains_.Get(key);
  if (!cached) {
    std::lock_guard<std::mutex> lock(mu_);
    states_.erase(key);
    return {};
  }
  const SystemTime now = clock_.Now();
  const MonotonicTime mono = clock_.Monotonic();
  json merged;
  std::map<std::string, uint64_t> taken;  // part -> seq applied
  std::string parts;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = states_.find(key);
    if (it == states_.end()) return {};
    KeyState& st = it->second;
    const json base = BaseLocked(st, *cached);
    if (st.pending.empty()) {  // woken by the cache: forget the last apply once the cache holds it
      if (!st.applied) states_.erase(it);
      return {};
    }
    if (IsFirstPass(base, owners_) && st.first_report) {
      const bool all = std::all_of(options_.first_pass_parts.begin(), options_.first_pass_parts.end(),
                                   [&](const std::string& p) { return st.reported.count(p) > 0; });
      const MonotonicTime until = FirstPassDeadline(st);
      if (!all && mono < until) return {OkStatus(), until - mono};
    }
    merged = MergeStatus(base, owners_, Parts(st), kube::Generation(*cached), now);
    if (merged == ManagedStatus(base, owners_)) {
      st.pending.clear();
      return {};
    }
    for (const auto& [name, p] : st.pending) {
      taken[name] = p.seq;
      parts += (parts.empty() ? "" : ",") + name;
    }
    st.inflight = OverlayManaged(base, merged, owners_);
  }
  json body = ApplyBody(*cached);
  body["status"] = merged;
  Result<json> applied = client_.Apply(api::kDomains, body, kStatusFieldManager, /*force=*/true, "status");
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
    more = !st.pending.empty();
  }
  spdlog::info("status domain={} decision=apply parts=[{}]", key, parts);
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
    Result<json> r = client_.Apply(api::kDomains, ApplyBody(applied), manager, /*force=*/true, "status");
    spdlog::info("status domain={} decision=release-old-manager manager={} ok={}{}", kube::ObjectKey(applied), manager,
                 r.ok(), r.ok() ? "" : " error=\"" + r.error().ToString() + "\"");
  }
}

Result<bool> WriteStatus(const Context& ctx, const json& domain, const StatusPart& part) {
  if (ctx.status && ctx.status->Owns(part.field_manager)) return ctx.status->Write(domain, part);
  return WriteStatusPart(ctx.client, api::kDomains, domain, part, ctx.clock);
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
