// The watcher state machine and its loop (watcher.h).
#include "controller/kube/watcher.h"

#include <spdlog/spdlog.h>

namespace domainguard::kube {
namespace {

using Kind = WatcherInput::Kind;
using Action = StepResult::Action;
using EvType = WatcherEvent::Type;

bool IsGone(const Error& e) {
  return e.code == ErrorCode::kGone || e.message.find("too old resource version") != std::string::npos;
}

// A watch ERROR event carries a Status: code 410 (reason Expired / Gone) means our resourceVersion was compacted.
bool IsGoneStatus(const json& status) {
  if (status.is_object()) {
    if (status.contains("code") && status["code"].is_number_integer() && status["code"].get<int>() == 410) return true;
    const std::string reason = status.value("reason", "");
    if (reason == "Expired" || reason == "Gone") return true;
    if (status.value("message", "").find("too old resource version") != std::string::npos) return true;
  }
  return false;
}

StepResult Relist(std::string why, bool backoff, int failures) {
  StepResult r;
  r.events.push_back({EvType::kInit, {}});
  r.next.kind = WatcherStateKind::kInitPage;
  r.next.failures = backoff ? failures + 1 : failures;
  r.action = Action::kListPage;
  r.backoff = backoff;
  r.why = std::move(why);
  return r;
}

StepResult Rewatch(const WatcherState& s, std::string why, bool backoff) {
  StepResult r;
  r.next.kind = WatcherStateKind::kInitListed;
  r.next.resource_version = s.resource_version;
  r.next.failures = backoff ? s.failures + 1 : s.failures;
  r.action = Action::kOpenWatch;
  r.backoff = backoff;
  r.why = std::move(why);
  return r;
}

}  // namespace

StepResult Step(const WatcherState& s, WatcherInput in) {
  switch (s.kind) {
    case WatcherStateKind::kEmpty:
      if (in.kind == Kind::kStart) return Relist("start", false, s.failures);
      break;

    case WatcherStateKind::kInitPage:
      if (in.kind == Kind::kListPage) {
        StepResult r;
        for (auto& item : in.page.items) r.events.push_back({EvType::kInitApply, std::move(item)});
        r.next.failures = 0;
        if (!in.page.continue_token.empty()) {
          r.next.kind = WatcherStateKind::kInitPage;
          r.next.continue_token = in.page.continue_token;
          r.action = Action::kListPage;
          r.why = "next page";
        } else {
          r.events.push_back({EvType::kInitDone, {}});
          r.next.kind = WatcherStateKind::kInitListed;
          r.next.resource_version = in.page.resource_version;
          r.action = Action::kOpenWatch;
          r.why = "listed";
        }
        return r;
      }
      if (in.kind == Kind::kListFailed) {
        const Error e = in.error.value_or(Error::Internal("list failed"));
        // An expired continue token is a 410 too: start the list over.
        if (IsGone(e)) return Relist("list continue token expired", false, s.failures);
        StepResult r;
        r.next = s;
        r.next.failures = s.failures + 1;
        r.action = Action::kListPage;
        r.backoff = true;
        r.why = "list failed: " + e.message;
        return r;
      }
      break;

    case WatcherStateKind::kInitListed:
      if (in.kind == Kind::kWatchOpened) {
        StepResult r;
        r.next.kind = WatcherStateKind::kWatching;
        r.next.resource_version = s.resource_version;
        r.next.failures = s.failures;  // reset only once events flow: a stream that dies at once keeps backing off
        r.action = Action::kReadEvent;
        r.why = "watching";
        return r;
      }
      if (in.kind == Kind::kWatchOpenFailed) {
        const Error e = in.error.value_or(Error::Internal("watch failed"));
        if (IsGone(e)) return Relist("watch resourceVersion gone", false, s.failures);
        return Rewatch(s, "watch failed: " + e.message, true);
      }
      break;

    case WatcherStateKind::kWatching:
      switch (in.kind) {
        case Kind::kWatchEvent: {
          StepResult r;
          r.next = s;
          r.action = Action::kReadEvent;
          std::string rv = ResourceVersion(in.event.object);
          switch (in.event.type) {
            case WatchEvent::Type::kAdded:
            case WatchEvent::Type::kModified:
              r.events.push_back({EvType::kApply, std::move(in.event.object)});
              break;
            case WatchEvent::Type::kDeleted:
              r.events.push_back({EvType::kDelete, std::move(in.event.object)});
              break;
            case WatchEvent::Type::kBookmark:
              break;
            case WatchEvent::Type::kError:
              if (IsGoneStatus(in.event.object)) return Relist("watch event 410 Gone", false, s.failures);
              return Rewatch(s,
                             "watch error event: " +
                                 (in.event.object.is_object() ? in.event.object.value("message", "") : std::string()),
                             true);
          }
          if (!rv.empty()) r.next.resource_version = rv;
          r.next.failures = 0;
          r.next.got_event = true;
          return r;
        }
        case Kind::kStreamEnded:
          // A server timeout ends a watch that delivered events or bookmarks; one that ends at once, empty,
          // is a server going away: back off so we do not spin.
          return Rewatch(s, s.got_event ? "watch ended by the server" : "watch ended before any event",
                         !s.got_event);
        case Kind::kStreamBroken:
          return Rewatch(s, "watch broke: " + (in.error ? in.error->message : std::string("?")), true);
        case Kind::kStreamIdle:
          return Rewatch(s, "watch stalled: no event or bookmark within the idle timeout", true);
        case Kind::kBadLine:
          return Rewatch(s, "watch sent a malformed line", true);
        default:
          break;
      }
      break;
  }
  return Relist("unexpected input in this state", true, s.failures);
}

std::chrono::milliseconds BackoffDelay(int failures, double jitter, std::chrono::milliseconds base,
                                       std::chrono::milliseconds cap) {
  if (failures <= 0) return std::chrono::milliseconds(0);
  std::chrono::milliseconds d = base;
  for (int i = 1; i < failures && d < cap; ++i) d *= 2;
  if (d > cap) d = cap;
  if (jitter < 0) jitter = 0;
  if (jitter >= 1) jitter = 0.999;
  return std::chrono::milliseconds(static_cast<int64_t>(d.count() * (0.5 + 0.5 * jitter)));
}

Watcher::Watcher(Client& client, Resource resource, std::string ns, WatcherOptions options, Sink sink)
    : client_(client),
      resource_(resource),
      ns_(std::move(ns)),
      options_(std::move(options)),
      sink_(std::move(sink)),
      rng_(std::random_device{}()) {}

void Watcher::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  stopped_ = true;
  if (stream_ != nullptr) stream_->Cancel();
  cv_.notify_all();
}

bool Watcher::SleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, d, [&] { return stopped_.load(); });
}

void Watcher::Run() {
  WatcherState state;
  WatcherInput input;
  std::unique_ptr<http::LineStream> stream;
  const std::string what = std::string(resource_.plural) + (ns_.empty() ? "" : " ns=" + ns_);
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  while (!stopped_) {
    StepResult r = Step(state, std::move(input));
    input = WatcherInput{};
    for (auto& ev : r.events) sink_(std::move(ev));
    if (r.next.kind != state.kind || r.backoff) {
      spdlog::debug("kube watcher={} state={} decision=\"{}\" rv={}", what, static_cast<int>(r.next.kind), r.why,
                    r.next.resource_version);
    }
    if (r.backoff) {
      spdlog::info("kube watcher={} decision=backoff failures={} why=\"{}\"", what, r.next.failures, r.why);
    }
    state = std::move(r.next);
    if (r.action != StepResult::Action::kReadEvent && stream) {
      std::lock_guard<std::mutex> lock(mu_);
      stream_ = nullptr;
      stream.reset();
    }
    if (r.backoff &&
        !SleepUnlessStopped(BackoffDelay(state.failures, jitter(rng_), options_.backoff_base, options_.backoff_cap))) {
      break;
    }
    switch (r.action) {
      case StepResult::Action::kListPage: {
        ListOptions o;
        o.label_selector = options_.label_selector;
        o.field_selector = options_.field_selector;
        o.limit = options_.page_size;
        o.continue_token = state.continue_token;
        o.without_managed_fields = options_.without_managed_fields;
        auto page = client_.List(resource_, ns_, o);
        if (page.ok()) {
          input.kind = WatcherInput::Kind::kListPage;
          input.page = std::move(*page);
        } else {
          input.kind = WatcherInput::Kind::kListFailed;
          input.error = page.error();
        }
        break;
      }
      case StepResult::Action::kOpenWatch: {
        WatchOptions o;
        o.resource_version = state.resource_version;
        o.timeout_seconds = options_.watch_timeout_seconds;
        o.allow_bookmarks = true;
        o.label_selector = options_.label_selector;
        o.field_selector = options_.field_selector;
        auto s = client_.OpenWatch(resource_, ns_, o);
        if (s.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          stream = std::move(*s);
          stream_ = stream.get();
          if (stopped_) stream_->Cancel();
          input.kind = WatcherInput::Kind::kWatchOpened;
        } else {
          input.kind = WatcherInput::Kind::kWatchOpenFailed;
          input.error = s.error();
        }
        break;
      }
      case StepResult::Action::kReadEvent: {
        auto line = stream->ReadLine(options_.idle_timeout);
        if (line.ok()) {
          if (line->empty()) {
            // Blank keep-alive lines are not events; read on, still within the state.
            input.kind = WatcherInput::Kind::kWatchEvent;
            input.event.type = WatchEvent::Type::kBookmark;
            input.event.object = json::object();
            break;
          }
          auto ev = ParseWatchEvent(*line, options_.without_managed_fields);
          if (ev.ok()) {
            input.kind = WatcherInput::Kind::kWatchEvent;
            input.event = std::move(*ev);
          } else {
            input.kind = WatcherInput::Kind::kBadLine;
            input.error = ev.error();
          }
        } else if (line.error().code == ErrorCode::kDeadlineExceeded) {
          input.kind = WatcherInput::Kind::kStreamIdle;
        } else if (line.error().code == ErrorCode::kNotFound) {
          input.kind = WatcherInput::Kind::kStreamEnded;
        } else {
          input.kind = WatcherInput::Kind::kStreamBroken;
          input.error = line.error();
        }
        break;
      }
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stream_ = nullptr;
}

}  // namespace domainguard::kube
