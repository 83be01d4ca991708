// The registration part of `domainguard check`: a delegation::CheckPlugin that looks each zone's registration
// up over RDAP (WHOIS as fallback) with the real HTTP transport and TCP WHOIS, and merges its verdict into the
// zone's result. Lives in app/ because it is wiring: the two parts stay independent of each other.
//
// Flags it adds to `check`:
//   --rdap-bootstrap FILE      IANA RDAP bootstrap file (default /usr/share/domainguard/iana-rdap-dns.json,
//                              else the copy in the source tree)
//   --whois-servers MAP        per-TLD WHOIS servers, "sm=127.0.0.1:18043,de=whois.denic.de"
//   --whois-iana HOST[:PORT]   where TLDs without an entry are referred from (default whois.iana.org)
//   --no-registration          skip the registration part
// It also honours `check --now` / $DOMAINGUARD_NOW (expiry judged as of that instant), each -f Domain's
// spec.checks.registration, and adds EXPIRES, REGISTRAR and STATUSES to `-o table`.
// Thread-safety: the plug-in is used from RunCheck's thread only.
#pragma once

#include "controller/delegation/check_command.h"

namespace domainguard::app {

delegation::CheckPlugin MakeRegistrationCheckPlugin();

}  // namespace domainguard::app
