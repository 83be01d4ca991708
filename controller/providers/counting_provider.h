// CountingProvider: a Provider that tells an observer about every call it passes on — the operation ("read_zone",
// "serial", "serials" (one poll round of many zones), "create_zone", "apply", "raise_serial") and its outcome ("ok"
// or the error code's name, e.g. "Unavailable"). The provider registry wraps each provider it builds in one,
// feeding domainguard_provider_requests_total, so an operator (and the convergence benchmark) can see that a steady
// state writes nothing and reads no zone between full compares. An Apply of no changes writes nothing and is not
// counted.
//
// Thread-safety: as safe as the wrapped provider and the observer (the metrics registry locks).
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "controller/providers/provider.h"

namespace domainguard::providers {

using ProviderCallObserver = std::function<void(std::string_view operation, std::string_view outcome)>;

std::shared_ptr<Provider> WithCallCounting(std::shared_ptr<Provider> inner, ProviderCallObserver observer);

}  // namespace domainguard::providers
