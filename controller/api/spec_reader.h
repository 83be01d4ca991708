// SpecReader: how a controller reads a Domain's spec for a pass. `domainguard run` hands every controller the real
// one (DefaultSpecReader: ReadFullDomainSpec, ReadDomainSpec); a unit test hands a counting double
// (api/testing/counting_spec_reader.h) to check that a pass reads a Domain's spec once instead of once per step
// (issue #14 item 1: records and registration passes read it 8 and 4 times). Injected through domain::Context, so
// nothing is counted process-wide.
//
// Thread-safety: the default reader is pure; a reader must be safe to call from several threads.
#pragma once

#include <nlohmann/json.hpp>

#include "controller/api/domain_spec.h"
#include "controller/api/full_domain_spec.h"

namespace domainguard::api {

class SpecReader {
 public:
  virtual ~SpecReader() = default;

  // ReadFullDomainSpec: every section, for a pass that needs more than spec.zone / providers / nameservers.
  virtual FullDomainSpec Full(const nlohmann::json& domain) const { return ReadFullDomainSpec(domain); }
  // ReadDomainSpec: the common sections alone (the lenient reading).
  virtual DomainSpec Common(const nlohmann::json& domain) const { return ReadDomainSpec(domain); }
};

// The reader of `domainguard run`.
const SpecReader& DefaultSpecReader();

}  // namespace domainguard::api
