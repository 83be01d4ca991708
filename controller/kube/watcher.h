// Watcher: lists then watches one resource and turns it into a stream of events that never misses a change,
// across disconnects, server timeouts, stalled streams, apiserver restarts and 410 Gone.
//
// The logic is a pure state machine (kube-rs style): Step(state, input) -> (events, next state, what to do
// next). Watcher::Run is the thin loop doing the I/O Step asks for. Transitions (table-tested in
// watcher_test.cc):
//
//   state        input                     events               next                       then        backoff
//   kEmpty       kStart                    Init                 kInitPage("")              list page   -
//   kInitPage    kListPage (more pages)    InitApply*           kInitPage(continue)        list page   -
//   kInitPage    kListPage (last page)     InitApply*, InitDone kInitListed(list rv)       open watch  -
//   kInitPage    kListFailed 410           Init                 kInitPage("")              list page   -
//   kInitPage    kListFailed other         -                    kInitPage(same)            list page   yes
//   kInitListed  kWatchOpened              -                    kWatching(rv)              read        -
//   kInitListed  kWatchOpenFailed 410      Init                 kInitPage("")              list page   -
//   kInitListed  kWatchOpenFailed other    -                    kInitListed(rv)            open watch  yes
//   kWatching    ADDED / MODIFIED          Apply                kWatching(object rv)       read        -
//   kWatching    DELETED                   Delete               kWatching(object rv)       read        -
//   kWatching    BOOKMARK                  -                    kWatching(bookmark rv)     read        -
//   kWatching    ERROR 410 (too old rv)    Init                 kInitPage("")              list page   -
//   kWatching    ERROR other               -                    kInitListed(rv)            open watch  yes
//   kWatching    kStreamEnded (timeout)    -                    kInitListed(rv)            open watch  -
//                  ... but with no event at all on that stream                                      yes
//   kWatching    kStreamBroken / kBadLine  -                    kInitListed(rv)            open watch  yes
//   kWatching    kStreamIdle (stalled)     -                    kInitListed(rv)            open watch  yes
//   any other combination                  Init                 kInitPage("")              list page   yes
//
// Init ... InitDone brackets a full relist: a store buffers InitApply objects and swaps them in at InitDone,
// synthesizing deletes for objects that vanished meanwhile (see store.h), so no delete is missed across a 410.
//
// Thread-safety: Step is pure. A Watcher runs on the thread calling Run; Stop may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "controller/kube/client.h"

namespace domainguard::kube {

enum class WatcherStateKind {
  kEmpty,       // nothing known; the next step starts a full list
  kInitPage,    // listing page by page; continue_token says where
  kInitListed,  // the list (or the last watch) is done; watch from resource_version
  kWatching,    // a watch stream is open; resource_version is the last seen
};

struct WatcherState {
  WatcherStateKind kind = WatcherStateKind::kEmpty;
  std::string continue_token;
  std::string resource_version;
  int failures = 0;  // consecutive failures, for backoff; reset by progress
  bool got_event = false;  // kWatching: a line arrived on this stream (a stream ending empty is suspect)
};

struct WatcherInput {
  enum class Kind {
    kStart,
    kListPage,
    kListFailed,
    kWatchOpened,
    kWatchOpenFailed,
    kWatchEvent,
    kStreamEnded,   // the server closed the stream cleanly (its timeoutSeconds passed)
    kStreamBroken,  // the connection broke
    kStreamIdle,    // nothing, not even a bookmark, for the idle timeout: treat as dead
    kBadLine,       // a line that is not a watch event
  };
  Kind kind = Kind::kStart;
  ListPage page;
  WatchEvent event;
  std::optional<Error> error;
};

struct WatcherEvent {
  enum class Type { kInit, kInitApply, kInitDone, kApply, kDelete };
  Type type = Type::kInit;
  json object;  // kInitApply, kApply, kDelete
};

struct StepResult {
  enum class Action { kListPage, kOpenWatch, kReadEvent };
  std::vector<WatcherEvent> events;
  WatcherState next;
  Action action = Action::kListPage;
  bool backoff = false;
  std::string why;  // for the log
};

// One transition (see the table above). Pure.
StepResult Step(const WatcherState& state, WatcherInput input);

// Backoff before retry number `failures` (1-based): base * 2^(failures-1), capped, then scaled into
// [50%, 100%] by `jitter` in [0,1) so many watchers restarting together spread out. Pure.
std::chrono::milliseconds BackoffDelay(int failures, double jitter, std::chrono::milliseconds base,
                                       std::chrono::milliseconds cap);

struct WatcherOptions {
  std::string label_selector;
  std::string field_selector;
  int page_size = 500;
  int watch_timeout_seconds = 300;                        // server-side end of each watch
  std::chrono::milliseconds idle_timeout{150000};         // stalled stream: apiserver bookmarks about every minute
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_cap{30000};
  bool without_managed_fields = false;  // objects parsed without metadata.managedFields (Informer's strip option)
};

class Watcher {
 public:
  // Each event is handed over (the sink may move its object out: no copy of every watched object).
  using Sink = std::function<void(WatcherEvent&&)>;
  // REQUIRES: client outlives the Watcher. `ns` empty watches all namespaces.
  Watcher(Client& client, Resource resource, std::string ns, WatcherOptions options, Sink sink);
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // Runs until Stop. Calls the sink on this thread, in order.
  void Run();
  // Makes Run return soon; safe from any thread and before Run.
  void Stop();

 private:
  bool SleepUnlessStopped(std::chrono::milliseconds d);

  Client& client_;
  const Resource resource_;
  const std::string ns_;
  const WatcherOptions options_;
  const Sink sink_;
  std::mt19937_64 rng_;
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  http::LineStream* stream_ = nullptr;  // guarded by mu_; the open stream, for Stop to cancel
};

}  // namespace domainguard::kube
