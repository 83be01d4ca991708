// FakeProvider: an in-memory DNS provider for unit tests of the records core. It behaves like a careful real one
// (atomic Apply, a zone created with its records in one call, serial bumped once per non-empty Apply, SOA precondition -> kAborted) and scripts the failures real
// ones have: down (kUnavailable), silently ignoring updates (BIND's NOERROR-yet-ignored), a concurrent change
// before the next Apply, and a one-shot error.
//
// Thread-safety: all methods lock; safe from several threads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "controller/providers/provider.h"

namespace domainguard::providers {

class FakeProvider final : public Provider {
 public:
  explicit FakeProvider(std::string name) : name_(std::move(name)) {}

  std::string Name() const override { return name_; }
  bool CreatesZones() const override;
  Result<ObservedZone> ReadZone(std::string_view zone) override;
  Result<uint32_t> Serial(std::string_view zone) override;
  Result<std::map<std::string, Result<uint32_t>>> Serials(const std::vector<std::string>& zones) override;
  Result<ObservedZone> CreateZone(std::string_view zone, const Changes& changes) override;
  Result<uint32_t> Apply(std::string_view zone, const Changes& changes,
                         const ZoneVersion& expected) override;
  Result<uint32_t> RaiseSerial(std::string_view zone, uint32_t serial, const ZoneVersion& expected) override;

  // Scripting.
  void SetDown(bool down);                 // every call fails with kUnavailable
  void SetIgnoreUpdates(bool ignore);      // Apply answers success but changes nothing
  void FailNextApply(Error error);         // the next Apply fails with `error`, once
  void ConcurrentChangeBeforeNextApply();  // bumps the serial just before the next Apply checks it, once
  void FailNextCreate(Error error);        // the next CreateZone fails with `error`, once
  void SetCreatesZones(bool creates);      // false: like RFC 2136, CreateZone cannot create (kFailedPrecondition)
  // Someone else creates the zone, holding `foreign`, just before the next CreateZone, which then fails with
  // kAlreadyExists (the race between reading "absent" and creating), once.
  void ZoneAppearsBeforeNextCreate(const zone::RRset& foreign);

  // Direct access, as if someone edited the zone behind domainguard's back. `owner` "" = unmarked.
  void Put(std::string_view zone, const zone::RRset& r, const std::string& owner = "");
  void Remove(std::string_view zone, std::string_view name, std::string_view type);
  void SetSerial(std::string_view zone, uint32_t serial);  // as a restore of old data would
  std::vector<ObservedRRset> Rrsets(std::string_view zone) const;
  bool HasZone(std::string_view zone) const;
  int apply_calls() const;  // Apply and CreateZone calls that wrote something
  int read_calls() const;   // ReadZone calls
  int create_calls() const;  // CreateZone calls, whatever they answered
  int raise_calls() const;  // RaiseSerial calls that changed the serial
  int serials_calls() const;  // Serials rounds

 private:
  struct Zone {
    uint32_t serial = 1;
    std::map<std::pair<std::string, std::string>, ObservedRRset> rrsets;
  };
  std::string Soa(const Zone& z) const;
  Result<ObservedZone> ReadLocked(std::string_view zone) const;  // REQUIRES: mu_ held

  const std::string name_;
  mutable std::mutex mu_;
  std::map<std::string, Zone, std::less<>> zones_;  // guarded by mu_
  bool down_ = false;                               // guarded by mu_
  bool ignore_ = false;                             // guarded by mu_
  bool concurrent_ = false;                         // guarded by mu_
  bool creates_zones_ = true;                       // guarded by mu_
  std::optional<Error> fail_next_;                  // guarded by mu_
  std::optional<Error> fail_next_create_;           // guarded by mu_
  std::optional<zone::RRset> appears_;              // guarded by mu_
  int apply_calls_ = 0;                             // guarded by mu_
  int read_calls_ = 0;                              // guarded by mu_
  int create_calls_ = 0;                            // guarded by mu_
  int raise_calls_ = 0;                             // guarded by mu_
  int serials_calls_ = 0;                           // guarded by mu_
};

}  // namespace domainguard::providers
