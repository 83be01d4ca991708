// The registration corpus (tests/corpora/registration): real WHOIS and RDAP answers, each with the values a
// reader finds in its text. RunCorpusCase serves one answer to the very lookup + verdict path `domainguard check`
// and the controller use (CheckRegistration: RegistrationChecker over RdapClient/WhoisClient, then
// EvaluateRegistration), through a scripted transport and WHOIS connector and a fixed clock, and compares what
// comes out field by field. Used by registration_corpus_test (asserts) and registration_corpus_report (prints
// per-field accuracy).
//
// Thread-safety: pure functions over files; distinct cases may run on distinct threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/result.h"

namespace domainguard::registration {

// One field of one case: what the manifest expects and what domainguard said, both as JSON values
// (registered: true/false/null; expires: RFC 3339 or null; lists sorted).
struct FieldResult {
  std::string field;  // "registered" | "expires" | "statuses" | "registrar" | "nameservers" | "reasons"
  nlohmann::json expected;
  nlohmann::json actual;
  bool ok = false;
};

struct CaseResult {
  std::string file;   // relative to the corpus directory
  std::string kind;   // "whois" | "rdap"
  std::vector<FieldResult> fields;
  bool all_ok = false;
  // The answer carries pendingDelete, redemptionPeriod or a hold, and domainguard did not report it.
  bool missed_critical = false;
  // domainguard reported an expiry the answer does not publish, or one other than the published instant.
  bool wrong_expiry = false;
  bool invented_expiry = false;  // an expiry where the answer has none
};

struct CorpusSummary {
  size_t cases = 0;
  size_t all_ok = 0;
  size_t missed_critical = 0;
  size_t invented_expiry = 0;
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> per_field;  // field -> (right, compared)
};

// Reads <dir>/cases.json. Fails with kNotFound / kInvalidArgument naming the file.
Result<nlohmann::json> LoadCorpusManifest(const std::string& dir);

// Runs one manifest case (an element of "cases") whose answer lives under `dir`.
Result<CaseResult> RunCorpusCase(const std::string& dir, const nlohmann::json& entry);

CorpusSummary Summarise(const std::vector<CaseResult>& results);

}  // namespace domainguard::registration
