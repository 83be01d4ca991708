// The provider interface's values (providers/changes.h) under the records plan's names, and how a change set reads
// in logs, status and Events. Thread-safety: plain values and a pure function.
#pragma once

#include <string>
#include <vector>

#include "controller/providers/changes.h"

namespace domainguard::records {

using providers::Changes;
using providers::ObservedRRset;
using providers::ObservedZone;
using providers::Update;
using providers::ZoneVersion;

// One line per change, in order: "delete www.example.com. A", "update www.example.com. A ttl 300->60",
// "update www.example.com. A values 192.0.2.1->192.0.2.2", "claim www.example.com. A",
// "create www.example.com. CNAME web.example.net.". For logs, status messages and test tables.
std::vector<std::string> DescribeChanges(const Changes& c);

}  // namespace domainguard::records
