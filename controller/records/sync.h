// The records reconcile core: per provider, read -> plan -> safety -> apply -> re-read, and the status it leaves.
//
// DecideProvider is the pure part (desired, observed, policy, previous state -> action + status + events); SyncZone
// is the thin executor that calls providers. Each provider is handled on its own thread (the first on the caller's)
// so one provider being down or slow never holds back the others. Nothing is remembered between passes except what
// the caller keeps in status: pending changes are recomputed from the desired state on the next pass, so an outage
// loses nothing.
//
// Thread-safety: DecideProvider is pure. SyncZone may be called from several threads for different zones; for one
// zone the caller (the Domain controller's work queue) never runs two at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/providers/provider.h"
#include "controller/records/plan.h"
#include "controller/records/safety.h"
#include "controller/zone/desired_zone.h"

namespace domainguard::records {

// The Domain's status.providers[] entry, as api.md shows it.
struct ProviderStatus {
  std::string name;
  bool synced = false;
  uint32_t serial = 0;
  size_t pending_changes = 0;
  // When this provider last came into sync: domainguard's last write there, or the pass that first found it in
  // sync. Not when it was last looked at: a pass that finds it in sync again keeps it, so a restart or a full
  // compare of a healthy zone changes no status (issue #14); freshness is a metric.
  std::optional<SystemTime> last_sync_time;
  std::string message;
  std::string reason;  // one of reasons.h: why synced is what it is
  // Keys ("www.example.com. A") of rrsets this Domain adopted at the provider without a write (they already
  // served the desired data) and that carry no mark there yet; sorted. Passed back on the next pass (the only
  // memory of the adoption until the next write marks them). Lost, they read as foreign: safe, never a deletion.
  std::vector<std::string> adopted;
};

struct SyncEvent {
  std::string reason;  // reasons.h
  std::string message;
  bool warning = false;
};

struct SyncPolicy {
  PlanPolicy plan;
  SafetyPolicy safety;
};

enum class Action {
  kNone,   // in sync, or nothing can be done now (invalid spec, provider unreadable)
  kApply,  // write `changes`
  kHold,   // ChangeBlocked: wait for approval
};

struct Decision {
  Action action = Action::kNone;
  Changes changes;
  ProviderStatus status;  // as it stands if `action` is not carried out (for kApply: pending)
  std::vector<SyncEvent> events;
};

// Decides for one provider. `previous` is the provider's status from the last pass (for DriftRepaired: a provider
// that was synced at this generation and now differs has drifted; `previous_generation` is the generation that
// status was computed for). REQUIRES: when both ok, desired->origin == observed->zone.
Decision DecideProvider(const std::string& provider, const Result<zone::DesiredZone>& desired,
                        const Result<ObservedZone>& observed, const SyncPolicy& policy,
                        const std::optional<ProviderStatus>& previous, int64_t previous_generation);

// Whether a pass creates the zone at a provider before reading it: when the provider CreatesZones and no status
// of it from an earlier pass says the zone might be there (`previous` absent: a new Domain, a provider just added
// to spec.providers). A new zone then costs one request (PowerDNS: one POST with every rrset) instead of a read
// that finds it absent and the create; a zone that exists after all (409: adopted, foreign, another Domain's) is
// read and planned as any other, at the cost of that one refused create.
bool CreateBeforeRead(bool provider_creates_zones, const std::optional<ProviderStatus>& previous);

struct ProviderOutcome {
  ProviderStatus status;
  std::vector<SyncEvent> events;
  std::vector<std::string> applied;  // DescribeChanges of what was written this pass
  // The zone as last read this pass (after any write), when it could be read: the caller keeps it to count what
  // is pending while the provider is unreachable.
  std::optional<ObservedZone> observed;
  // Set when the zone's serial had gone backwards at the provider this pass: what was seen and done (the
  // SerialDrift Event's message).
  std::string serial_repair;
};

// One reconcile pass over every provider of a zone (each: created at once when CreateBeforeRead, else read -> plan
// -> apply -> re-read). `previous` holds last pass's statuses (matched by name) and `previous_generation` the
// generation they belong to. An invalid `desired` touches no provider at all. Returns one outcome per provider, in
// the order of `providers`.
std::vector<ProviderOutcome> SyncZone(const Result<zone::DesiredZone>& desired,
                                      const std::vector<providers::Provider*>& providers, const SyncPolicy& policy,
                                      const std::vector<ProviderStatus>& previous, int64_t previous_generation,
                                      const Clock& clock);

// The RecordsSynced condition from the providers' statuses (ProviderOutcome::status; the outcomes' observed zones
// are not needed, nor copied): status "True" when every provider is synced; the reason of the
// first unsynced provider in severity order InvalidRecord > ChangeBlocked > ZoneConflict > ForeignRecordKept >
// ProviderUnavailable, else Synced (or DriftRepaired when a repair happened this pass).
struct RecordsCondition {
  bool synced = false;
  std::string reason;
  std::string message;
};
RecordsCondition SummarizeRecords(const std::vector<ProviderStatus>& statuses);

// Whether a pass's outcome at one provider is news against what status said before (`before`, absent for a new
// provider): something was written, or the reason, message or pending count moved. The records controller logs
// news at info and the rest at debug, and records an Event of the state's own reason only when it is news, so a
// Domain stuck on the same InvalidRecord or outage does not log a line and patch an Event series per poll
// (tests/chaos finding), while every decision that changes anything still gets its line and its Event.
bool IsNews(const std::optional<ProviderStatus>& before, const ProviderOutcome& outcome);

}  // namespace domainguard::records
