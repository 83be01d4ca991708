// StatusWriter: one writer of Domain status for all of a Domain's controllers, so that the parts one moment
// produces reach the apiserver as one apply (issue #14: at most 3 writes per new Domain, status and Events).
//
// A controller hands its StatusPart to Write (through domain::WriteStatus) exactly as it used to apply it: Write
// says whether the part changes what the Domain's status will be, keeps it pending and asks for a flush. Flush
// applies everything the writer manages in one server-side apply under kStatusFieldManager (status_merge.h): the
// pending parts planned on the current status, the other parts as they are, Ready and observedGeneration
// computed from the result. So:
//   - a new Domain's first pass (no condition of a part yet) is held until every part of `first_pass_parts` has
//     reported (written, or found its part already there), and is one apply. It waits at most `first_pass_wait`
//     after `first_pass_lead` reported (the part the others follow: the delegation controller probes once the
//     records controller has reported), and at most `first_pass_limit` after the first report of any part.
//     Under load a part that reports at once (alerting) would otherwise start a short clock that runs out while
//     the lead is still queued: an apply saying only "checks pending", then one more for the lead (issue #14);
//   - while the user creates Domains in a batch (arrival_burst.h: NoteAdded of each new Domain), new Domains' first
//     passes and the Events their records pass recorded through RecordEvent are held until the batch ends (at most
//     `first_pass_limit` after the first report): the apiserver serves the user's creates first (issue #14: a
//     20-record status apply costs the apiserver about what the user's create does). Zones are written at once
//     all the same; Domains already written are never held;
//   - later changes wait `debounce`, so the parts of one pass (a probe and the Ready it moves) are one apply;
//   - a change that nobody else's part needs costs one apply, as before, and a steady state none.
// Status(key) is the status as it will be (cache or the writer's last apply, whichever is newer, with the pending
// parts): a controller that waits for another's condition (delegation for RecordsSynced) reads it here, and the
// part handler wakes it when a part becomes pending.
//
// Upgrades: Domains written by the per-controller field managers of earlier versions (PartOwnership::part) list
// them in managedFields. After the writer's first apply of such a Domain (which co-owns everything still wanted)
// each of them is released by an empty apply under its name, so what the writer leaves out is removed.
//
// Thread-safety: every method may be called from any thread; Flush is called by one worker per key at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/domain/arrival_burst.h"
#include "controller/domain/batch_waiters.h"
#include "controller/domain/context.h"
#include "controller/domain/status_merge.h"
#include "controller/domain/status_part.h"
#include "controller/kube/client.h"
#include "controller/kube/event_recorder.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"

namespace domainguard::domain {

struct StatusWriterOptions {
  std::chrono::milliseconds debounce{500};
  std::vector<std::string> first_pass_parts;  // PartOwnership::part names a new Domain's first apply waits for
  // The part of first_pass_parts the others follow; "": none (first_pass_wait counts from the first report).
  std::string first_pass_lead;
  std::chrono::milliseconds first_pass_wait{std::chrono::seconds(10)};   // after the lead's report
  std::chrono::milliseconds first_pass_limit{std::chrono::minutes(2)};   // after the first report
  BurstOptions burst;  // when new Domains arrive in a batch (first passes held meanwhile)
};

class StatusWriter {
 public:
  // REQUIRES: client, domains (the Domain cache) and clock outlive the writer.
  StatusWriter(kube::Client& client, kube::Store& domains, const Clock& clock, std::vector<PartOwnership> owners,
               StatusWriterOptions options);
  StatusWriter(const StatusWriter&) = delete;
  StatusWriter& operator=(const StatusWriter&) = delete;

  // How a flush of `key` is asked for, `delay` from now (the status controller's queue). Set before use.
  void SetScheduler(std::function<void(const std::string& key, std::chrono::nanoseconds delay)> schedule);
  // Called when `part` of `key` became pending with a change. Set before use; may be null.
  void SetPartHandler(std::function<void(const std::string& key, const std::string& part)> on_part);

  // Where RecordEvent's Events go (the Domain controllers' recorder). Set before use; null: RecordEvent drops.
  void SetEventRecorder(kube::EventRecorder* events);

  // A Domain reached the cache (the Domain informer's add): an arrival of a new Domain when no part's condition is
  // in its status yet (a restart's list of written Domains is none).
  void NoteAdded(const nlohmann::json& domain);

  // When the batch of new Domains arriving now ends if no more arrive; null when none is arriving. A controller
  // whose first check of a new Domain is costly (delegation's probe) may wait for it: the first pass is applied
  // after the batch anyway, and waits first_pass_wait from its end for the parts that follow the lead.
  std::optional<MonotonicTime> BatchEndsAt() const;

  // Records an Event about `domain` from a pass whose part goes through Write: held with the first pass while it is
  // held for a batch of new Domains (sent after its apply), else sent at once.
  void RecordEvent(const nlohmann::json& domain, const kube::EventSpec& event);

  // Whether parts named `part` (a StatusPart's field_manager) are written here.
  bool Owns(const std::string& part) const;

  // Takes `part` of `domain` (REQUIRES: Owns(part.field_manager); `domain` as the cache holds or held it, not
  // edited); true when it changes the status to be written.
  Result<bool> Write(const nlohmann::json& domain, const StatusPart& part);

  // The status of `key` as it will be written; null when the Domain is not cached.
  nlohmann::json Status(const std::string& key) const;

  // Applies what is pending for `key` (the status controller's reconcile).
  kube::ReconcileResult Flush(const std::string& key);

 private:
  struct Pending {
    StatusPart part;
    uint64_t seq = 0;
  };
  struct KeyState {
    std::map<std::string, Pending> pending;  // by part
    std::set<std::string> reported;          // parts that reported during the first pass
    std::optional<MonotonicTime> first_report;
    std::optional<MonotonicTime> lead_report;  // when first_pass_lead reported during the first pass
    // The cache's resourceVersion whose status a Write found to be a first pass (no inflight or applied status
    // over it): while the cache is still at it, a flush that waits for parts needs no parse to know so.
    std::string first_pass_version;
    bool held = false;                          // the first pass was held for a batch of new Domains
    std::optional<MonotonicTime> released;      // when that hold ended (the followers' wait counts from here)
    std::optional<std::pair<uint64_t, nlohmann::json>> applied;  // resourceVersion and status of the last apply,
                                                                 // until the cache is as new
    std::optional<nlohmann::json> inflight;  // the status an apply under way will leave (a part reverted meanwhile
                                             // is a change again, not "already there")
    std::vector<kube::EventSpec> held_events;  // recorded during a held first pass: sent after it is applied
  };

  nlohmann::json BaseLocked(KeyState& st, const nlohmann::json& cached) const;
  // When a first pass that has not heard from every part is applied anyway. REQUIRES: st.first_report.
  MonotonicTime FirstPassDeadline(const KeyState& st) const;
  // Whether a first pass still waits for parts of first_pass_parts at `now` (given that the status is a first pass).
  bool AwaitsPartsLocked(const KeyState& st, MonotonicTime now) const;
  static std::map<std::string, StatusPart> Parts(const KeyState& st);
  // Whether the first pass of `key` waits for a batch of new Domains to end; the time to look again if so.
  std::optional<MonotonicTime> HoldLocked(const std::string& key, KeyState& st, MonotonicTime now);
  // Sends `events` (taken from a KeyState, outside mu_).
  void SendEvents(std::vector<kube::EventSpec> events);
  void ReleaseOldManagers(const nlohmann::json& applied);

  kube::Client& client_;
  kube::Store& domains_;
  const Clock& clock_;
  const std::vector<PartOwnership> owners_;
  const StatusWriterOptions options_;
  std::function<void(const std::string&, std::chrono::nanoseconds)> schedule_;
  std::function<void(const std::string&, const std::string&)> on_part_;
  kube::EventRecorder* events_ = nullptr;

  mutable std::mutex mu_;
  std::map<std::string, KeyState> states_;  // guarded by mu_
  uint64_t seq_ = 0;                        // guarded by mu_
  ArrivalBurst burst_;                      // guarded by mu_
  // The current hold of first passes (one log line when it starts, one when it ends); guarded by mu_.
  struct Hold {
    MonotonicTime since;
    uint64_t arrivals_before = 0;  // burst_.total() when it started
    std::set<std::string> held;    // Domains whose first pass it held
  };
  std::optional<Hold> hold_;
  // First passes held until the batch ends, woken together then (not each requeued to its moving end); guarded
  // by mu_.
  BatchWaiters waiters_;
};

// Writes `part` of `domain`: through ctx.status when set and it owns the part, else applied at once under the
// part's own field manager (WriteStatusPart). True when the status changes.
Result<bool> WriteStatus(const Context& ctx, const nlohmann::json& domain, const StatusPart& part);

// Records `event` about `domain` from a Domain controller's pass: through ctx.status when set (held with a first
// pass held for a batch of new Domains), else at once.
void RecordEvent(const Context& ctx, const nlohmann::json& domain, const kube::EventSpec& event);

// `domain` with the status the writer will give it (ctx.status unset: as it is).
nlohmann::json WithPendingStatus(const Context& ctx, const nlohmann::json& domain);

}  // namespace domainguard::domain
