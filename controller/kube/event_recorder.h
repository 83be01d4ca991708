// Kubernetes Events (events.k8s.io/v1) about any object, aggregated the way client-go's events library does it: the
// same occurrence repeated (same regarding object, type, reason and note) within 6 minutes does not create a new
// Event but updates series.count / series.lastObservedTime of the first one; and each regarded object has a token
// bucket (burst 25, one token per 5 minutes, client-go's spam filter) so a flapping object cannot flood etcd.
//
// EventAggregator is the pure part: occurrences in, writes out (create this Event / patch that series), no I/O.
// EventRecorder (below) sends those writes with the Kubernetes client from a background thread, so recording an
// Event never blocks a reconcile on the apiserver.
//
// Notes are user-facing: callers must not put secrets in them (the same rule as Error messages).
//
// Thread-safety: EventAggregator is not thread-safe; its owner serialises calls. EventRecorder may be used from
// any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/kube/client.h"

namespace domainguard::kube {

inline constexpr std::string_view kEventNormal = "Normal";
inline constexpr std::string_view kEventWarning = "Warning";
inline constexpr std::string_view kReportingController = "domainguard.io/domainguard";

// The object an Event is about.
struct ObjectRef {
  std::string api_version;  // "apps/v1"
  std::string kind;         // "Deployment"
  std::string ns;
  std::string name;
  std::string uid;

  nlohmann::json ToJson() const;
  // From an object's apiVersion/kind/metadata.
  static ObjectRef FromObject(const nlohmann::json& obj);
};

struct EventSpec {
  ObjectRef regarding;
  std::string type;    // "Normal" or "Warning"
  std::string reason;  // CamelCase (e.g. "FailedScheduling")
  std::string note;    // human text; truncated to 1024 bytes (the API's limit)
  std::string action = "Reconcile";  // what domainguard was doing ("Reconcile", "Failover", ...)
};

struct EventAggregatorConfig {
  std::string reporting_instance;  // this replica, e.g. the pod name
  std::chrono::seconds series_window{6 * 60};    // repeats within this of the last one join its series
  int burst = 25;                                // per regarded object
  std::chrono::seconds refill{5 * 60};           // one token back per this
  std::chrono::seconds min_series_update{30};    // at most one series write per Event per this; the rest wait
};

// One write for the Kubernetes API.
struct EventWrite {
  enum class Kind { kCreate, kPatchSeries } kind = Kind::kCreate;
  std::string ns;
  std::string name;      // the Event's name
  nlohmann::json body;   // kCreate: the whole Event; kPatchSeries: a merge patch {"series": {...}}
};

class EventAggregator {
 public:
  explicit EventAggregator(EventAggregatorConfig config);

  // Records one occurrence at `now` and returns what to write now, if anything:
  //   new occurrence (or its series ended > window ago), token available -> kCreate (token spent)
  //   new occurrence, no token                                         -> nothing (counted in dropped())
  //   repeat within the window, last series write >= min_series_update ago -> kPatchSeries with the full count
  //   repeat within the window, written recently                       -> nothing now; Flush will carry it
  std::optional<EventWrite> Observe(const EventSpec& spec, SystemTime now);

  // Series updates held back by min_series_update that may be written now. Call periodically (e.g. every 30 s).
  // Also forgets series that ended more than `series_window` ago.
  std::vector<EventWrite> Flush(SystemTime now);

  // Forget the Event `name` (its create failed, or it was deleted): the next occurrence creates a new one.
  void ForgetEvent(const std::string& ns, const std::string& name);

  // Occurrences dropped by the rate limit since construction.
  int dropped() const { return dropped_; }
  size_t tracked() const { return series_.size(); }

 private:
  struct Key {
    std::string regarding;  // uid, or kind/ns/name when there is no uid
    std::string type, reason, note;
    bool operator<(const Key& o) const {
      return std::tie(regarding, type, reason, note) < std::tie(o.regarding, o.type, o.reason, o.note);
    }
  };
  struct Series {
    std::string ns, name;
    int count = 1;
    SystemTime last_observed;
    SystemTime last_written;
    bool dirty = false;  // count/last_observed not yet written
  };
  struct Bucket {
    double tokens;
    SystemTime updated;
  };
  bool TakeToken(const std::string& regarding, SystemTime now);
  EventWrite SeriesPatch(Series& s, SystemTime now);

  const EventAggregatorConfig config_;
  std::map<Key, Series> series_;
  std::map<std::string, Bucket> buckets_;
  int dropped_ = 0;
};

// The Event body for a first occurrence (name "<regarding name>.<hex nanoseconds>", as client-go names them).
nlohmann::json NewEventBody(const EventSpec& spec, const std::string& reporting_instance, SystemTime now);

// Records Events through an EventAggregator and writes them with a Client on its own thread. A failed create
// forgets the series (the next occurrence tries again); a series patch on a vanished Event likewise. At most
// `max_pending` writes wait; beyond that the oldest are dropped with a log line (the apiserver is down; Events
// are best effort, conditions and metrics carry the state).
class EventRecorder {
 public:
  // REQUIRES: client and clock outlive the recorder.
  EventRecorder(Client& client, EventAggregatorConfig config, const Clock& clock, size_t max_pending = 1000);
  // Stops the thread after sending what is queued.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Records one occurrence about `regarding`; returns at once.
  void Record(const ObjectRef& regarding, std::string_view type, std::string_view reason, std::string note,
              std::string_view action = "Reconcile");
  void Record(const EventSpec& spec);

  // Blocks until every queued write has been attempted (tests, shutdown), or `timeout` passes; true if idle.
  bool WaitIdle(std::chrono::milliseconds timeout);
  // Runs the aggregator's Flush now (held series updates), instead of waiting for the 30 s tick.
  void FlushSeries();

  int dropped() const;

 private:
  void Loop();
  void Send(const EventWrite& w);

  Client& client_;
  const Clock& clock_;
  const size_t max_pending_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  EventAggregator aggregator_;     // guarded by mu_
  std::deque<EventWrite> queue_;   // guarded by mu_
  bool busy_ = false;              // guarded by mu_; a write is being sent
  bool stop_ = false;              // guarded by mu_
  int overflow_ = 0;               // guarded by mu_
  std::thread thread_;
};

}  // namespace domainguard::kube
