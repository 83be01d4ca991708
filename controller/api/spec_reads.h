// How often a Domain's spec is read from its JSON in this process: every public reader of api/ counts one read
// (ReadFullDomainSpec, which reads every section, counts one), so a test can check that a controller's pass reads
// a Domain's spec once instead of once per step (issue #14 item 1). The readers' uncounted forms are for api/'s
// own files only.
//
// Thread-safety: the count is atomic; the readers are pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/base/result.h"

namespace domainguard::api {

// Reads counted so far, process-wide.
uint64_t SpecReadCount();

// For api/'s readers: counts one read.
void CountSpecRead();

// Uncounted forms of the public readers, for ReadFullDomainSpec.
struct DomainSpec;
struct ZoneSpec;
struct RecordsPolicySpec;
struct RegistrationChecksSpec;
struct NameserverSpec;
template <typename T>
struct Checked;
DomainSpec ReadDomainSpecUncounted(const nlohmann::json& domain);
Result<ZoneSpec> ParseZoneSpecUncounted(const nlohmann::json& spec);
Result<RecordsPolicySpec> ParseRecordsPolicyUncounted(const nlohmann::json& spec);
Result<RegistrationChecksSpec> ParseRegistrationChecksUncounted(const nlohmann::json& spec);
Result<std::vector<NameserverSpec>> ParseNameserversUncounted(const nlohmann::json& spec);
std::vector<Checked<std::string>> ParseProviderEntriesUncounted(const nlohmann::json& domain);

}  // namespace domainguard::api
