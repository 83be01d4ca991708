// Observation: what the probes saw for one zone, as plain values. It is the input of the pure verdict
// (verdict.h) and is filled by the prober (prober.h) from real DNS answers, or by hand in table tests.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace domainguard::delegation {

// A name server as the user wants it (Domain spec.nameservers) or as the parent lists it.
struct NameserverSpec {
  std::string name;                    // canonical
  std::vector<std::string> addresses;  // sorted; empty: not specified / no glue
  std::string provider;                // DNSProvider serving it, when known ("" otherwise)

  bool operator==(const NameserverSpec&) const = default;
};

// One record set the zone must serve (from Domain spec.records). Values are normalised presentation format.
struct DesiredRecord {
  std::string name;                 // canonical absolute owner name
  uint16_t type = 0;
  std::vector<std::string> values;  // sorted

  bool operator==(const DesiredRecord&) const = default;
};

// What domainguard's records controller knows of the zone at one of its providers (records/zone_ledger.h).
struct ProviderZone {
  std::string provider;
  std::optional<uint32_t> serial;         // the zone's serial there as last read
  std::vector<uint32_t> recent_serials;   // serials it had lately (a secondary may still serve them)
  std::vector<std::string> pending;       // desired rrsets ("www.example.test. A") not written there yet

  bool operator==(const ProviderZone&) const = default;
};

// What the user wants for one zone.
struct ZoneSpec {
  std::string zone;                          // canonical
  std::vector<NameserverSpec> nameservers;   // empty: no expectation (check the parent against the child)
  std::vector<DesiredRecord> records;
  // The zone at each provider as domainguard last saw it; empty when not known (`domainguard check`, or before the
  // first records pass). Known serials let servers of providers with different serial schemes be judged each
  // against its own provider; pending rrsets are not a serving failure.
  std::vector<ProviderZone> providers = {};
};

// How one parent server address answered "zone NS?" (RD=0).
enum class ParentOutcome {
  kDelegation,     // a referral (or authoritative NS answer) for the zone
  kNoDelegation,   // NXDOMAIN, or authoritative NODATA: the parent does not delegate the zone
  kRefused,
  kServFail,
  kTimeout,
  kUnreachable,
  kBadAnswer,      // another rcode, a referral elsewhere, an unparsable answer
};

struct ParentView {
  std::string server_name;   // the parent server's NS name ("a.nic.test.")
  std::string address;
  ParentOutcome outcome = ParentOutcome::kTimeout;
  std::vector<std::string> ns;                              // NS targets listed, sorted
  std::map<std::string, std::vector<std::string>> glue;     // NS name -> glue addresses from the additional section
  std::string detail;                                       // rcode or error text for messages
};

// How one name server address answered "zone SOA?" (RD=0), plus its NS set and the desired records.
enum class ServerOutcome {
  kAuthoritative,     // NOERROR, AA, the zone's SOA in the answer
  kNotAuthoritative,  // an answer without AA (a referral, a cached answer, a parking server for the parent)
  kRefused,           // the server does not have the zone
  kServFail,
  kTimeout,
  kUnreachable,
  kBadAnswer,
};

struct ServerView {
  std::string ns_name;
  std::string address;
  ServerOutcome outcome = ServerOutcome::kTimeout;
  std::string detail;
  std::optional<uint32_t> serial;
  std::vector<std::string> ns;               // apex NS served, sorted (empty when unknown)
  int records_checked = 0;
  std::vector<std::string> records_missing;  // "www.example.test. A" for each desired rrset not served as desired
};

// A zone hosting some of this zone's name servers, and whether it is in a failed state itself.
struct DependencyView {
  std::string zone;
  bool broken = false;    // in a failed state that keeps resolvers from reaching our name servers' names
  bool critical = false;  // that state is Critical (its delegation lost); else a Warning (e.g. its parent
                          // cannot be asked: ParentUnreachable)
  std::string detail;     // the cause, "<Reason>: <message>", when broken
};

struct Observation {
  std::string zone;
  std::string parent_zone;                   // "" when discovery failed
  std::vector<std::string> parent_servers;   // "name address", every parent server address asked
  std::string discovery_error;               // set when the parent could not be found
  std::vector<ParentView> parents;
  std::vector<ServerView> servers;
  std::vector<std::string> unresolvable_ns;  // NS names no address was found for
  std::vector<DependencyView> dependencies;
};

}  // namespace domainguard::delegation
