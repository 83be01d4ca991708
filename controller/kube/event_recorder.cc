#include "controller/kube/event_recorder.h"

#include <algorithm>
#include <cstdio>

#include "controller/base/log.h"
#include "controller/kube/leader_election.h"  // FormatMicroTime

namespace domainguard::kube {

namespace {

constexpr size_t kMaxNoteBytes = 1024;  // events.k8s.io/v1 validation: note at most 1 kB

std::string Truncate(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  // Do not cut a UTF-8 sequence in half: back up over continuation bytes.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string RegardingKey(const ObjectRef& r) { return r.uid.empty() ? r.kind + "/" + r.ns + "/" + r.name : r.uid; }

std::string StringAt(const nlohmann::json& obj, const char* a, const char* b = nullptr) {
  const nlohmann::json* j = &obj;
  for (const char* k : {a, b}) {
    if (k == nullptr) break;
    if (!j->is_object()) return "";
    auto it = j->find(k);
    if (it == j->end()) return "";
    j = &*it;
  }
  return j->is_string() ? j->get<std::string>() : "";
}

}  // namespace

nlohmann::json ObjectRef::ToJson() const {
  nlohmann::json j = {{"apiVersion", api_version}, {"kind", kind}, {"name", name}};
  if (!ns.empty()) j["namespace"] = ns;
  if (!uid.empty()) j["uid"] = uid;
  return j;
}

ObjectRef ObjectRef::FromObject(const nlohmann::json& obj) {
  return ObjectRef{StringAt(obj, "apiVersion"), StringAt(obj, "kind"), StringAt(obj, "metadata", "namespace"),
                   StringAt(obj, "metadata", "name"), StringAt(obj, "metadata", "uid")};
}

nlohmann::json NewEventBody(const EventSpec& spec, const std::string& reporting_instance, SystemTime now) {
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos));
  return nlohmann::json{
      {"apiVersion", "events.k8s.io/v1"},
      {"kind", "Event"},
      {"metadata", {{"name", spec.regarding.name + suffix}, {"namespace", spec.regarding.ns}}},
      {"eventTime", FormatMicroTime(now)},
      {"reportingController", std::string(kReportingController)},
      {"reportingInstance", Truncate(reporting_instance, 128)},
      {"action", Truncate(spec.action, 128)},
      {"reason", Truncate(spec.reason, 128)},
      {"note", Truncate(spec.note, kMaxNoteBytes)},
      {"type", spec.type},
      {"regarding", spec.regarding.ToJson()},
  };
}

EventAggregator::EventAggregator(EventAggregatorConfig config) : config_(std::move(config)) {}

bool EventAggregator::TakeToken(const std::string& regarding, SystemTime now) {
  auto [it, inserted] = buckets_.try_emplace(regarding, Bucket{static_cast<double>(config_.burst), now});
  Bucket& b = it->second;
  if (!inserted && now > b.updated) {
    double refilled = std::chrono::duration<double>(now - b.updated) / config_.refill;
    b.tokens = std::min<double>(config_.burst, b.tokens + refilled);
    b.updated = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

EventWrite EventAggregator::SeriesPatch(Series& s, SystemTime now) {
  s.dirty = false;
  s.last_written = now;
  return EventWrite{EventWrite::Kind::kPatchSeries, s.ns, s.name,
                    nlohmann::json{{"series", {{"count", s.count}, {"lastObservedTime", FormatMicroTime(s.last_observed)}}}}};
}

std::optional<EventWrite> EventAggregator::Observe(const EventSpec& spec, SystemTime now) {
  Key key{RegardingKey(spec.regarding), spec.type, spec.reason, Truncate(spec.note, kMaxNoteBytes)};
  auto it = series_.find(key);
  if (it != series_.end() && now - it->second.last_observed <= config_.series_window) {
    Series& s = it->second;
    ++s.count;
    s.last_observed = now;
    s.dirty = true;
    if (now - s.last_written >= config_.min_series_update) return SeriesPatch(s, now);
    return std::nullopt;
  }
  if (!TakeToken(key.regarding, now)) {
    ++dropped_;
    return std::nullopt;
  }
  nlohmann::json body = NewEventBody(spec, config_.reporting_instance, now);
  Series s;
  s.ns = spec.regarding.ns;
  s.name = body["metadata"]["name"].get<std::string>();
  s.last_observed = now;
  s.last_written = now;
  series_[key] = s;
  return EventWrite{EventWrite::Kind::kCreate, s.ns, s.name, std::move(body)};
}

std::vector<EventWrite> EventAggregator::Flush(SystemTime now) {
  std::vector<EventWrite> out;
  for (auto it = series_.begin(); it != series_.end();) {
    Series& s = it->second;
    if (s.dirty && now - s.last_written >= config_.min_series_update) out.push_back(SeriesPatch(s, now));
    if (!s.dirty && now - s.last_observed > config_.series_window) {
      it = series_.erase(it);
    } else {
      ++it;
    }
  }
  // Buckets that have refilled completely carry no information: drop them so deleted objects do not pile up.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    double refilled = std::chrono::duration<double>(now - it->second.updated) / config_.refill;
    if (it->second.tokens + refilled >= config_.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void EventAggregator::ForgetEvent(const std::string& ns, const std::string& name) {
  for (auto it = series_.begin(); it != series_.end(); ++it) {
    if (it->second.ns == ns && it->second.name == name) {
      series_.erase(it);
      return;
    }
  }
}

EventRecorder::EventRecorder(Client& client, EventAggregatorConfig config, const Clock& clock, size_t max_pending)
    : client_(client), clock_(clock), max_pending_(max_pending), aggregator_(std::move(config)) {
  thread_ = std::thread([this] { Loop(); });
}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EventRecorder::Record(const ObjectRef& regarding, std::string_view type, std::string_view reason,
                           std::string note, std::string_view action) {
  Record(EventSpec{regarding, std::string(type), std::string(reason), std::move(note), std::string(action)});
}

void EventRecorder::Record(const EventSpec& spec) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<EventWrite> w = aggregator_.Observe(spec, clock_.Now());
  if (!w) return;
  if (queue_.size() >= max_pending_) {
    queue_.pop_front();
    ++overflow_;
    spdlog::warn("events decision=drop-oldest reason=queue-full pending={}", queue_.size());
  }
  queue_.push_back(std::move(*w));
  cv_.notify_all();
}

void EventRecorder::FlushSeries() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& w : aggregator_.Flush(clock_.Now())) queue_.push_back(std::move(w));
  cv_.notify_all();
}

bool EventRecorder::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return queue_.empty() && !busy_; });
}

int EventRecorder::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return aggregator_.dropped() + overflow_;
}

void EventRecorder::Send(const EventWrite& w) {
  if (w.kind == EventWrite::Kind::kCreate) {
    auto r = client_.Create(kEvents, w.ns, w.body, Answer::kNone);
    if (r.ok() || r.error().code == ErrorCode::kAlreadyExists) return;
    spdlog::warn("events decision=create-failed event={}/{} error=\"{}\"", w.ns, w.name, r.error().ToString());
  } else {
    auto r = client_.MergePatch(kEvents, w.ns, w.name, w.body, "", Answer::kNone);
    if (r.ok()) return;
    spdlog::warn("events decision=series-update-failed event={}/{} error=\"{}\"", w.ns, w.name,
                 r.error().ToString());
  }
  // The Event does not exist as we think it does: the next occurrence starts a new one.
  std::lock_guard<std::mutex> lock(mu_);
  aggregator_.ForgetEvent(w.ns, w.name);
}

void EventRecorder::Loop() {
  // Held series updates go out on this tick (EventAggregatorConfig::min_series_update is 30 s by default).
  constexpr std::chrono::seconds kFlushEvery{30};
  auto next_flush = std::chrono::steady_clock::now() + kFlushEvery;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait_until(lock, next_flush, [this] { return stop_ || !queue_.empty(); });
    if (std::chrono::steady_clock::now() >= next_flush) {
      for (auto& w : aggregator_.Flush(clock_.Now())) queue_.push_back(std::move(w));
      next_flush = std::chrono::steady_clock::now() + kFlushEvery;
    }
    while (!queue_.empty()) {
      EventWrite w = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      lock.unlock();
      Send(w);
      lock.lock();
      busy_ = false;
    }
    cv_.notify_all();  // WaitIdle
    if (stop_) return;
  }
}

}  // namespace domainguard::kube
