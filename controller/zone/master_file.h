// Reads an RFC 1035 master file (the Domain's recordsFrom ConfigMap) into canonical single-value records.
//
// Supports what ldns supports: $ORIGIN, $TTL, relative names, "@", parentheses, comments. $INCLUDE is refused:
// the text comes from a ConfigMap and must not read the controller's files. Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"
#include "controller/zone/rrset.h"

namespace domainguard::zone {

struct MasterRecord {
  RRset rrset;   // exactly one value, canonical
  int line = 0;  // 1-based line in the file where the record ends
};

// Parses `text` with `origin` (canonical, e.g. "example.com.") as the initial $ORIGIN and `default_ttl` for records
// without a TTL before any $TTL. Records outside `origin` are errors. Fails with kInvalidArgument, message
// "line N: ..." (the caller prefixes the field path).
Result<std::vector<MasterRecord>> ParseMasterFile(std::string_view text, std::string_view origin,
                                                  uint32_t default_ttl);

}  // namespace domainguard::zone
