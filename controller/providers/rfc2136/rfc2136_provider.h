// RFC 2136 dynamic update + TSIG (BIND 9.18, Knot) as a domainguard Provider, with ldns.
//
//   ReadZone    AXFR over TCP, TSIG-signed request (ldns does not verify TSIG on AXFR replies: field notes)
//   Serial      one SOA query
//   CreateZone  kFailedPrecondition (after an SOA query): RFC 2136 cannot create zones (rndc addzone or the
//               server's configuration must); kAlreadyExists when the zone is there after all
//   Apply       UPDATE messages over TCP, TSIG-signed (hmac-sha256; ldns's hmac-sha384 is broken), each with the
//               prerequisite "SOA RRset exists, value-dependent" (RFC 2136 §2.4.2) carrying the SOA read at plan
//               time: a concurrent change gives NXRRSET -> kAborted and the caller re-reads and re-plans. All
//               changes go in one message (atomic, one serial bump) unless it would exceed max_message_bytes; then
//               whole names per message, each conditioned on the SOA the previous one left (read back by query).
// Ownership: the _dg-owner TXT registry (rfc2136_update.h), written in the same message as the data.
// RRsets over 100 records are refused before sending (BIND 9.18.28+ max-records-per-type).
// The TSIG secret stays in memory; it is in no log line or Error.
//
// Thread-safety: safe from several threads (each call builds its own ldns resolver).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "controller/providers/provider.h"

namespace domainguard::providers::rfc2136 {

struct Config {
  std::string name;                        // the DNSProvider's name
  std::string server;                      // "127.53.1.3:53" or "[::1]:53"; port 53 when absent
  std::string tsig_name;                   // key name, e.g. "dg-key"
  std::string tsig_algorithm = "hmac-sha256";
  std::string tsig_secret;                 // base64; secret
  std::chrono::milliseconds timeout{10000};
  size_t max_message_bytes = 60000;        // TCP allows 65535; keep room for TSIG
};

// Fails with kInvalidArgument for a bad server address or an unsupported algorithm (hmac-sha384 and hmac-md5 are
// refused: ldns's hmac-sha384 is broken; md5 is obsolete).
Result<std::unique_ptr<Provider>> NewRfc2136Provider(Config config);

}  // namespace domainguard::providers::rfc2136
