#include "controller/providers/provider_registry.h"

#include <spdlog/spdlog.h>

#include "controller/domain/inputs.h"
#include "controller/kube/object.h"
#include "controller/providers/counting_provider.h"
#include "controller/providers/provider_factory.h"

namespace domainguard::providers {

using nlohmann::json;

ProviderRegistry::ProviderRegistry(domain::Context ctx, http::Transport& transport, ProviderRegistryOptions options)
    : ctx_(ctx), transport_(transport), options_(options) {}

ProviderRegistry::~ProviderRegistry() { StopPolling(); }

ProviderRegistry::Entry ProviderRegistry::Get(const json& dns_provider) {
  const std::string key = kube::ObjectKey(dns_provider);
  // The spec's generation, not the resourceVersion: the DNSProvider's own status writes change nothing here.
  const int64_t generation = kube::Generation(dns_provider);
  const MonotonicTime now = ctx_.clock.Monotonic();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = built_.find(key);
    if (it != built_.end() && it->second.generation == generation && now - it->second.at < options_.rebuild_after) {
      return it->second.entry;
    }
  }
  const std::string ns = kube::Namespace(dns_provider);
  const std::string name = kube::Name(dns_provider);
  Entry e;
  Result<BuiltProvider> made = NewProviderFromSpec(name, dns_provider.value("spec", json::object()),
                                                   domain::SecretLookupIn(ctx_.client, ns), &transport_, &ctx_.clock);
  if (!made.ok()) {
    e.error = made.error().message;
    return e;
  }
  e.uncounted = std::shared_ptr<Provider>(std::move(made->provider));
  e.provider = WithCallCounting(e.uncounted, [metrics = &ctx_.metrics, ns, name](std::string_view operation,
                                                                                std::string_view outcome) {
    metrics->CountProviderRequest(ns, name, operation, outcome);
  });
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<SerialPoller>& poller = pollers_[key];
  if (poller) {
    poller->SetProvider(e.provider);
  } else {
    poller = std::make_shared<SerialPoller>(e.provider, ctx_.clock, [this, key](const std::string& zone,
                                                                                const std::string& why) {
      MovedHandler handler;
      {
        std::lock_guard<std::mutex> lock(mu_);
        handler = on_moved_;
      }
      if (handler) handler(key, zone, why);
    });
    if (options_.start_pollers && !stopped_) poller->Start(options_.poll_interval);
  }
  e.poller = poller;
  built_[key] = Built{generation, now, e};
  spdlog::info("dnsprovider provider={} decision=built generation={}", key, generation);
  return e;
}

std::shared_ptr<SerialPoller> ProviderRegistry::PollerOf(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pollers_.find(key);
  return it == pollers_.end() ? nullptr : it->second;
}

void ProviderRegistry::Forget(const std::string& key) {
  std::shared_ptr<SerialPoller> poller;
  {
    std::lock_guard<std::mutex> lock(mu_);
    built_.erase(key);
    auto it = pollers_.find(key);
    if (it == pollers_.end()) return;
    poller = std::move(it->second);
    pollers_.erase(it);
  }
  // Joined here, outside the lock its handler takes (unless a records pass still holds it: then when that ends).
  poller.reset();
}

void ProviderRegistry::SetMovedHandler(MovedHandler handler) {
  std::lock_guard<std::mutex> lock(mu_);
  on_moved_ = std::move(handler);
}

void ProviderRegistry::StopPolling() {
  std::map<std::string, std::shared_ptr<SerialPoller>> pollers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;
    on_moved_ = nullptr;
    pollers.swap(pollers_);
    built_.clear();
  }
  for (auto& [key, poller] : pollers) poller->Stop();  // a records pass may still hold one
}

}  // namespace domainguard::providers
