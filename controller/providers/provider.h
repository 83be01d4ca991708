// Provider: the tiny interface every DNS hosting backend implements (PowerDNS API, RFC 2136 + TSIG). Everything
// clever lives in records/plan; a provider only reads a zone, creates it, and applies Changes.
//
// Error codes say what the caller does next (base/result.h):
//   kUnavailable / kDeadlineExceeded  provider down or throttled: keep changes pending, retry with backoff
//   kAborted                          the zone changed since it was read: re-read, re-plan, retry
//   kInvalidArgument                  the provider refused the data (message verbatim from the provider)
//   kUnauthenticated / kPermissionDenied  credentials missing or refused
//   kNotFound                         ReadZone: the zone does not exist at the provider
// Messages never contain API keys or TSIG secrets.
//
// Thread-safety: one Provider object may be used from several threads at once (implementations lock what they
// share, e.g. the rate limiter). Providers do not own the zone's desired state; they are stateless between calls
// except for connections and rate limits.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"
#include "controller/providers/changes.h"

namespace domainguard::providers {

class Provider {
 public:
  virtual ~Provider() = default;

  // The DNSProvider's name ("pdns-a"), for status and logs.
  virtual std::string Name() const = 0;

  // Reads the whole zone: every rrset with its ownership mark, canonical (zone::NormalizeValue), sorted; the SOA
  // goes into `version` only; the provider's own bookkeeping (the RFC 2136 registry) is folded into owners.
  virtual Result<ObservedZone> ReadZone(std::string_view zone) = 0;

  // One zone's SOA serial, cheaply: one API call or one SOA query, no zone transfer (the DNSProvider controller's
  // reachability probe, RaiseSerial's check; polls of many zones use Serials). kNotFound when the zone is absent.
  virtual Result<uint32_t> Serial(std::string_view zone) = 0;

  // The SOA serials of many zones in one round, for the per-provider serial poller (providers/serial_poller.h):
  // PowerDNS one GET of the zone list whatever the number of zones, RFC 2136 one batch of concurrent SOA queries.
  // One entry per asked zone: its serial, kNotFound when the provider does not hold it, or why it could not be
  // asked (one query timed out). Fails as a whole only when the provider could not be asked at all.
  virtual Result<std::map<std::string, Result<uint32_t>>> Serials(const std::vector<std::string>& zones) = 0;

  // Creates the absent `zone` holding `changes` — the plan against an empty zone: creates only, the apex NS set
  // among them, each with its ownership mark — in one request where the provider can, and returns the zone as the
  // provider now holds it. A new zone thus costs this one call where the provider CreatesZones (else a read that
  // finds it absent, then this call), not create + read + write + re-read. kAlreadyExists when the zone exists
  // (read it, plan again); kFailedPrecondition when the provider cannot create zones (RFC 2136: the server's
  // configuration or rndc addzone must).
  virtual Result<ObservedZone> CreateZone(std::string_view zone, const Changes& changes) = 0;

  // Whether CreateZone can create a zone. Such a provider gets a zone nothing says is there (no status of it from
  // an earlier pass: a new Domain) created before any read, and a new zone costs that one request; a zone that
  // exists after all answers kAlreadyExists and is read as any other (records/sync.h, CreateBeforeRead).
  virtual bool CreatesZones() const = 0;

  // Applies all `changes` to `zone`, atomically where the provider can (one PowerDNS PATCH, one UPDATE message);
  // huge change sets may be split (documented per provider). `expected` is the version ReadZone returned; a
  // provider that can make it a precondition fails with kAborted when the zone moved on. Returns the new serial,
  // or 0 when the provider does not report it (callers re-read anyway). Empty `changes`: returns at once, writes
  // nothing (a no-op write would still bump the serial at PowerDNS).
  virtual Result<uint32_t> Apply(std::string_view zone, const Changes& changes,
                                 const ZoneVersion& expected) = 0;

  // Sets the zone's SOA serial to `serial` (or past it, where the provider edits serials itself) and changes no
  // other record: the repair of a serial that moved backwards behind domainguard's back (records/serial.h says when).
  // `expected` is the version ReadZone returned: its SOA is rewritten with the new serial, and a provider that can
  // make it a precondition fails with kAborted when the zone moved on. Returns the new serial, or 0 when the
  // provider does not report it (callers re-read).
  virtual Result<uint32_t> RaiseSerial(std::string_view zone, uint32_t serial,
                                       const ZoneVersion& expected) = 0;
};

}  // namespace domainguard::providers
