#include "controller/api/domain_spec.h"

#include <algorithm>
#include <cctype>

#include "controller/api/zone_spec.h"
#include "controller/base/json_member.h"
#include "controller/base/time_format.h"

namespace domainguard::api {

namespace {

using nlohmann::json;

const json& EmptyObject() {
  static const json kEmpty = json::object();
  return kEmpty;
}

const json& SpecOf(const json& domain) {
  const json* spec = NonNullMember(domain, "spec");
  return spec != nullptr && spec->is_object() ? *spec : EmptyObject();
}

std::string StringMember(const json& obj, const char* name) {
  const json* m = NonNullMember(obj, name);
  return m != nullptr && m->is_string() ? m->get<std::string>() : std::string();
}

std::string CanonicalZone(const json& domain) {
  std::string z = StringMember(SpecOf(domain), "zone");
  std::transform(z.begin(), z.end(), z.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!z.empty() && z.back() == '.') z.pop_back();
  if (z.empty()) return "";
  return z + ".";
}

// How a reading treats an entry that is not as the schema says.
enum class Mode { kStrict, kLenient };

// One reading of the fields for both modes, so the strict and the lenient reading cannot drift apart. In
// kLenient mode every problem skips the entry and the result is always ok.
Result<std::vector<std::string>> Providers(const json& spec, Mode mode) {
  std::vector<std::string> out;
  const json* list = NonNullMember(spec, "providers");
  if (list == nullptr) return out;
  if (!list->is_array()) {
    if (mode == Mode::kLenient) return out;
    return Error::InvalidArgument("spec.providers: must be a list");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const json* name = NonNullMember((*list)[i], "name");
    if (name == nullptr || !name->is_string()) {
      if (mode == Mode::kLenient) continue;
      return Error::InvalidArgument("spec.providers[" + std::to_string(i) + "].name: required");
    }
    out.push_back(name->get<std::string>());
  }
  return out;
}

Result<std::vector<NameserverSpec>> Nameservers(const json& spec, Mode mode) {
  std::vector<NameserverSpec> out;
  const json* list = NonNullMember(spec, "nameservers");
  if (list == nullptr) return out;
  if (!list->is_array()) {
    if (mode == Mode::kLenient) return out;
    return Error::InvalidArgument("spec.nameservers: must be a list");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const json* name = NonNullMember(item, "name");
    // The lenient reading keeps an empty name as the controllers always have; the schema requires one.
    if (name == nullptr || !name->is_string() || (mode == Mode::kStrict && name->get<std::string>().empty())) {
      if (mode == Mode::kLenient) continue;
      return Error::InvalidArgument("spec.nameservers[" + std::to_string(i) + "].name: required");
    }
    NameserverSpec ns;
    ns.name = name->get<std::string>();
    if (const json* addresses = NonNullMember(item, "addresses"); addresses != nullptr && addresses->is_array()) {
      for (const json& a : *addresses) {
        if (a.is_string()) ns.addresses.push_back(a.get<std::string>());
      }
    }
    out.push_back(std::move(ns));
  }
  return out;
}

std::optional<ConfigMapKeyRef> RecordsFrom(const json& spec) {
  const json* from = NonNullMember(spec, "recordsFrom");
  if (from == nullptr || !from->is_object()) return std::nullopt;
  const json* ref = NonNullMember(*from, "configMapRef");
  ConfigMapKeyRef out;
  if (ref != nullptr) {
    out.name = StringMember(*ref, "name");
    out.key = StringMember(*ref, "key");
  }
  return out;
}

Result<std::optional<std::chrono::nanoseconds>> DelegationInterval(const json& spec, Mode mode) {
  const std::string path = "spec.checks.delegation.interval";
  const json* checks = NonNullMember(spec, "checks");
  const json* delegation = checks != nullptr ? NonNullMember(*checks, "delegation") : nullptr;
  const json* interval = delegation != nullptr ? NonNullMember(*delegation, "interval") : nullptr;
  if (interval == nullptr) return std::optional<std::chrono::nanoseconds>();
  Error problem = Error::InvalidArgument(path + ": must be a duration string such as \"1m\"");
  if (interval->is_string()) {
    Result<std::chrono::nanoseconds> d = ParseDuration(interval->get<std::string>());
    if (!d.ok()) {
      problem = Error::InvalidArgument(path + ": " + d.error().message);
    } else if (d->count() <= 0) {
      problem = Error::InvalidArgument(path + ": must be positive");
    } else {
      return std::optional<std::chrono::nanoseconds>(*d);
    }
  }
  // The lenient reading leaves the interval unset: the controller's default applies, as it always has.
  if (mode == Mode::kLenient) return std::optional<std::chrono::nanoseconds>();
  return problem;
}

Result<DomainSpec> Read(const json& domain, Mode mode) {
  const json& spec = SpecOf(domain);
  DomainSpec out;
  out.zone = CanonicalZone(domain);
  Result<std::vector<std::string>> providers = Providers(spec, mode);
  if (!providers.ok()) return providers.error();
  out.providers = std::move(*providers);
  Result<std::vector<NameserverSpec>> nameservers = Nameservers(spec, mode);
  if (!nameservers.ok()) return nameservers.error();
  out.nameservers = std::move(*nameservers);
  out.records_from = RecordsFrom(spec);
  Result<std::optional<std::chrono::nanoseconds>> interval = DelegationInterval(spec, mode);
  if (!interval.ok()) return interval.error();
  out.delegation_interval = *interval;
  return out;
}

// Reads an optional Go duration at `obj[key]`; `path` names the field in errors.
Result<std::optional<std::chrono::seconds>> OptionalDuration(const json& obj, const char* key,
                                                             const std::string& path) {
  const json* v = NonNullMember(obj, key);
  if (v == nullptr) return std::optional<std::chrono::seconds>();
  if (!v->is_string()) return Error::InvalidArgument(path + ": must be a duration string such as \"12h\"");
  Result<std::chrono::nanoseconds> d = ParseDuration(v->get<std::string>());
  if (!d.ok()) return Error::InvalidArgument(path + ": " + d.error().message);
  return std::optional<std::chrono::seconds>(std::chrono::duration_cast<std::chrono::seconds>(*d));
}

std::string FormatSeconds(std::chrono::seconds s) { return FormatDuration(std::chrono::nanoseconds(s)); }

}  // namespace

Result<RegistrationChecksSpec> ParseRegistrationChecks(const json& spec) {
  RegistrationChecksSpec out;
  const json* checks = NonNullMember(spec, "checks");
  if (checks == nullptr) return out;
  if (!checks->is_object()) return Error::InvalidArgument("spec.checks: must be an object");
  const json* reg = NonNullMember(*checks, "registration");
  if (reg == nullptr) return out;
  const std::string path = "spec.checks.registration";
  if (!reg->is_object()) return Error::InvalidArgument(path + ": must be an object");

  auto interval = OptionalDuration(*reg, "interval", path + ".interval");
  if (!interval.ok()) return interval.error();
  if (*interval && **interval < kMinRegistrationInterval) {
    return Error::InvalidArgument(path + ".interval: must be at least 1m (registries rate-limit), got " +
                                  (*reg)["interval"].get<std::string>());
  }
  out.interval = *interval;
  auto warn = OptionalDuration(*reg, "warnBefore", path + ".warnBefore");
  if (!warn.ok()) return warn.error();
  out.warn_before = *warn;
  auto critical = OptionalDuration(*reg, "criticalBefore", path + ".criticalBefore");
  if (!critical.ok()) return critical.error();
  out.critical_before = *critical;
  // The CRD's rule, applied only when both are given (a lone criticalBefore is compared with nothing).
  if (out.warn_before && out.critical_before && *out.critical_before >= *out.warn_before) {
    return Error::InvalidArgument(path + ".criticalBefore: must be shorter than warnBefore (" +
                                  FormatSeconds(*out.critical_before) + " >= " + FormatSeconds(*out.warn_before) +
                                  ")");
  }
  if (const json* lock = NonNullMember(*reg, "expectTransferLock")) {
    if (!lock->is_boolean()) return Error::InvalidArgument(path + ".expectTransferLock: must be true or false");
    out.expect_transfer_lock = lock->get<bool>();
  }
  return out;
}

std::string CanonicalZoneOf(const json& domain) { return CanonicalZone(domain); }

Result<DomainSpec> ParseDomainSpec(const json& domain) { return Read(domain, Mode::kStrict); }

Result<std::vector<NameserverSpec>> ParseNameservers(const json& spec) { return Nameservers(spec, Mode::kStrict); }

DomainSpec ReadDomainSpec(const json& domain) { return Read(domain, Mode::kLenient).value(); }

std::vector<Checked<std::string>> ParseProviderEntries(const json& domain) {
  std::vector<Checked<std::string>> out;
  const json* list = NonNullMember(SpecOf(domain), "providers");
  if (list == nullptr || !list->is_array()) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    Checked<std::string> entry;
    const json* name = NonNullMember((*list)[i], "name");
    if (name != nullptr && name->is_string()) {
      entry.value = name->get<std::string>();
    } else {
      entry.problem = "spec.providers[" + std::to_string(i) + "].name: required";
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<std::string> AlertChannelNames(const json& domain) {
  std::vector<std::string> out;
  const json* list = NonNullMember(SpecOf(domain), "alertChannels");
  if (list == nullptr || !list->is_array()) return out;
  for (const json& c : *list) {
    const json* name = NonNullMember(c, "name");
    if (name != nullptr && name->is_string()) out.push_back(name->get<std::string>());
  }
  return out;
}

}  // namespace domainguard::api
