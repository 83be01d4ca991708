// `domainguard check`: a one-shot audit of zones with no cluster. For zones named on the command line, or the
// Domains of a manifest (-f, with their desired name servers and records), it runs the delegation engine
// (parent discovery from root hints, parent and name server probes, the pure verdict) and, through a plug-in,
// the registration checks; prints a table or JSON; exits 0 healthy, 1 warnings, 2 critical, 3 unknown
// (precedence: critical, then unknown, then warnings — "could not check" outranks a warning).
//
//   domainguard check [ZONE...] [-f domains.yaml]... [-o table|json] [--root-hints FILE] [--timeout 2s]
//                     [--deadline 30s] [--tries 2] [--port 53] [--ipv6] [--records-sample N]
//                     [--no-dependencies] [--concurrency 100] [--now RFC3339] [plug-in flags]
//
// Every upstream is a flag; defaults are the real Internet's (/usr/share/dns/root.hints, port 53).
// Thread-safety: RunCheck is meant for main(); it is not re-entrant with itself.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/delegation/verdict.h"

namespace domainguard::delegation {

// What a plug-in adds to one zone's result (e.g. the registration part: RDAP/WHOIS).
struct CheckPart {
  nlohmann::json value;            // printed under the plug-in's key, e.g. "registration": {...}
  std::vector<Finding> findings;   // merged into the zone's findings (reason, severity, message)
  bool unknown = false;            // the part could not be determined (counts towards exit code 3)
  std::vector<std::string> cells;  // -o table: one cell per CheckPlugin::columns entry
};

// What RunCheck knows besides a plug-in's own flags, handed to CheckPlugin::setup once before the zones.
struct CheckSetup {
  // The instant the check is evaluated at: --now RFC3339, else $DOMAINGUARD_NOW, else the clock.
  std::optional<std::chrono::system_clock::time_point> now;
  // The Domain objects of the -f manifests (kind Domain), as JSON, so a part honours their spec.
  std::vector<nlohmann::json> domains;
};

// A seam for parts of `check` owned elsewhere. The registration engineer provides one; the lead wires it in
// main.cc: `return RunCheck(argc, argv, {.parts = {MakeRegistrationCheckPart()}})`.
struct CheckPlugin {
  std::string key;                         // JSON key and table label: "registration"
  std::vector<std::string> value_flags;    // flags it takes with a value, e.g. {"--rdap-bootstrap", "--whois"}
  std::vector<std::string> switch_flags;   // flags it takes without a value, e.g. {"--no-registration"}
  // Called once after flag parsing with the plug-in's flags (name -> value; "" for switches). Returns an error
  // message to stop with exit 3, or "" when fine.
  std::function<std::string(const std::map<std::string, std::string>& flags)> configure;
  // Called per zone (canonical name, trailing dot). nullopt: nothing to add for this zone.
  std::function<std::optional<CheckPart>(const std::string& zone)> check;
  // Lines for `check --help` describing the plug-in's flags.
  std::string usage;
  // -o table: the headers of the columns the plug-in fills (CheckPart::cells), printed after the delegation's.
  std::vector<std::string> columns;
  // Called once after configure with what RunCheck read (--now, the manifests' Domains). Returns an error
  // message (naming the Domain and field) to stop with exit 3, or "".
  std::function<std::string(const CheckSetup& setup)> setup;
  // Zones the plug-in adds to those of the command line and manifests (e.g. discovered in a cluster), after
  // setup; checked like command-line zones. Null: none. A plug-in with this may make ZONE and -f optional.
  std::function<std::vector<std::string>()> extra_zones;
};

struct CheckPlugins {
  std::vector<CheckPlugin> parts;
};

// Runs `check` with argv as main() got it, starting at the word after "check" (argv[0] is "check" or the
// program; it is skipped). Output goes to stdout, diagnostics to stderr. Returns the exit code.
int RunCheck(int argc, char** argv);
int RunCheck(int argc, char** argv, const CheckPlugins& plugins);
// The same with explicit streams (for tests).
int RunCheck(const std::vector<std::string>& args, const CheckPlugins& plugins, std::ostream& out, std::ostream& err);

}  // namespace domainguard::delegation
