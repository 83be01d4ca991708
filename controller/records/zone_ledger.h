// ZoneLedger: what the records controller last knew of each Domain's zone at each of its providers — the zone's
// serial there (and the serials it had lately), and the desired rrsets not written there yet — shared in-process
// with the serving check (the delegation controller); and the serving check's request back: "desired records are
// missing at a provider's name server: re-read and repair this zone now" (issue #15: repaired within one delegation
// interval, not at the next hourly full compare).
//
// The serving check uses it to tell a name server that is behind (its serial is no provider's current or recent
// one) from one of a provider with another serial scheme, and a record pending at an unavailable provider (part of
// its pendingChanges) from one that was applied and is no longer served (RecordsNotServed).
//
// Thread-safety: every method may be called from any thread. The repair handler is called on the caller's thread,
// without the ledger's lock held.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "controller/base/clock.h"

namespace domainguard::records {

struct ProviderZoneFacts {
  std::string provider;                   // the DNSProvider's name
  std::optional<uint32_t> serial;         // the zone's serial there as last read; nullopt: never read
  std::vector<uint32_t> recent_serials;   // other serials it had within the ledger's recent window, oldest first
  // Desired rrsets ("www.example.com. A") not written there yet, sorted: the provider is unavailable (its
  // pendingChanges), the change is held (ChangeBlocked) or a foreign rrset is in the way (ForeignRecordKept).
  std::vector<std::string> pending;

  bool operator==(const ProviderZoneFacts&) const = default;
};

class ZoneLedger {
 public:
  // `recent`: how long a serial a provider no longer has still counts as one a name server may serve (a secondary
  // transferring, a NOTIFY in flight). REQUIRES: `clock` outlives the ledger.
  explicit ZoneLedger(const Clock& clock, std::chrono::seconds recent = std::chrono::seconds(120));
  ZoneLedger(const ZoneLedger&) = delete;
  ZoneLedger& operator=(const ZoneLedger&) = delete;

  // The records controller's facts about Domain `key` at `provider` after a pass. A nullopt serial keeps the one
  // known (the provider could not be read).
  void Record(const std::string& key, const std::string& provider, std::optional<uint32_t> serial,
              std::vector<std::string> pending);
  // Keeps only the providers named in `providers` for `key` (the Domain's spec changed).
  void Retain(const std::string& key, const std::vector<std::string>& providers);
  // The Domain is gone.
  void Forget(const std::string& key);
  // The facts about Domain `key`, one per provider recorded, sorted by provider; empty when none.
  std::vector<ProviderZoneFacts> Facts(const std::string& key) const;

  // Set once, by app/, before the controllers start: what to do on RequestRepair (mark the Domain for a full
  // records pass and enqueue it).
  using RepairHandler = std::function<void(const std::string& key, const std::string& why)>;
  void SetRepairHandler(RepairHandler handler);
  // The serving check saw desired records missing at a name server: asks for an immediate full records pass of
  // Domain `key`. Returns false when no handler is set (nothing happens).
  bool RequestRepair(const std::string& key, const std::string& why);

 private:
  struct Seen {
    uint32_t serial;
    MonotonicTime until;  // counts as recent until then (set when the serial was replaced)
  };
  struct Provider {
    std::optional<uint32_t> serial;
    std::vector<Seen> previous;
    std::vector<std::string> pending;
  };

  const Clock& clock_;
  const std::chrono::seconds recent_;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, Provider>> zones_;  // guarded by mu_; key -> provider -> facts
  RepairHandler repair_;                                           // guarded by mu_
};

}  // namespace domainguard::records
