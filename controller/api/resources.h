// domainguard's own resources (the domainguard.io API group, crds/), described for the Kubernetes client.
//
// Thread-safety: constants.
#pragma once

#include <string_view>

#include "controller/kube/object.h"

namespace domainguard::api {

inline constexpr std::string_view kGroup = "domainguard.io";
inline constexpr std::string_view kVersion = "v1alpha1";

inline constexpr kube::Resource kDomains{kGroup, kVersion, "domains", "Domain", true};
inline constexpr kube::Resource kDnsProviders{kGroup, kVersion, "dnsproviders", "DNSProvider", true};
inline constexpr kube::Resource kAlertChannels{kGroup, kVersion, "alertchannels", "AlertChannel", true};

}  // namespace domainguard::api
