// Reads Domain (and DNSProvider) objects from a YAML manifest into ZoneSpecs for `domainguard check -f`.
// Multi-document YAML; other kinds are ignored. A Domain without spec.nameservers gets the union of its
// providers' spec.nameservers (api.md), each labelled with its provider so SinglePointOfFailure can tell.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"
#include "controller/delegation/observation.h"

namespace domainguard::delegation {

// Parses manifest text. Fails with kInvalidArgument naming the document and field on malformed YAML, a Domain
// without spec.zone, or a record whose type or value does not parse.
Result<std::vector<ZoneSpec>> ParseDomainManifest(std::string_view yaml_text);

// Reads and parses a manifest file; kNotFound when it cannot be opened.
Result<std::vector<ZoneSpec>> LoadDomainManifest(const std::string& path);

// A record owner as the API writes it ("@", "www", "www.example.com.") made absolute under `zone`.
std::string AbsoluteOwner(std::string_view name, std::string_view zone);

}  // namespace domainguard::delegation
