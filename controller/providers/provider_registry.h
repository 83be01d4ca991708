// ProviderRegistry: every DNSProvider built once, shared by the records and DNSProvider controllers. A provider is
// built from its spec and Secret (provider_factory.h) on first use and again only when its spec's generation
// changes or it is older than `rebuild_after` (a rotated Secret is picked up then): one Secret read per change,
// not one per controller or per Domain. Each built provider is wrapped so every call it makes is counted in
// domainguard_provider_requests_total, and has one SerialPoller (serial_poller.h) that the records controller
// arms with its Domains' zones: drift detection is one request per provider per poll interval.
//
// A provider that cannot be built (bad spec, missing Secret) is not cached: the next Get tries again, so the
// Secret created a moment later is found.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "controller/domain/context.h"
#include "controller/http/transport.h"
#include "controller/providers/provider.h"
#include "controller/providers/serial_poller.h"

namespace domainguard::providers {

struct ProviderRegistryOptions {
  std::chrono::milliseconds poll_interval{std::chrono::seconds(30)};  // one serial round per provider
  std::chrono::milliseconds rebuild_after{std::chrono::minutes(5)};   // Secrets re-read after this
  bool start_pollers = true;  // false: nothing polls on its own (tests call SerialPoller::PollOnce)
};

class ProviderRegistry {
 public:
  // A watched zone of DNSProvider `provider_key` ("ns/name") moved, or could not be read (SerialPoller).
  using MovedHandler =
      std::function<void(const std::string& provider_key, const std::string& zone, const std::string& why)>;

  struct Entry {
    std::shared_ptr<Provider> provider;  // counted; null when it cannot be built
    std::shared_ptr<Provider> uncounted; // the same provider, for callers that count under their own name
    std::string error;  // why it cannot be built: names the field, or the Secret and key (never its value)
    std::shared_ptr<SerialPoller> poller;  // null when not built
  };

  // `transport` for PowerDNS; `ctx.client` reads Secrets. Borrowed; they outlive the registry.
  ProviderRegistry(domain::Context ctx, http::Transport& transport, ProviderRegistryOptions options = {});
  ~ProviderRegistry();
  ProviderRegistry(const ProviderRegistry&) = delete;
  ProviderRegistry& operator=(const ProviderRegistry&) = delete;

  // The provider of a DNSProvider object, built or taken from the cache.
  Entry Get(const nlohmann::json& dns_provider);
  // The poller of DNSProvider `key`, if it was ever built; null otherwise.
  std::shared_ptr<SerialPoller> PollerOf(const std::string& key) const;
  // The DNSProvider is gone: drops its provider and stops its poller.
  void Forget(const std::string& key);
  // Where the pollers report moved zones. Set before the first Get.
  void SetMovedHandler(MovedHandler handler);
  // Stops every poller (before the controllers their handler reaches are destroyed).
  void StopPolling();

 private:
  struct Built {
    int64_t generation = 0;
    MonotonicTime at{};
    Entry entry;
  };

  domain::Context ctx_;
  http::Transport& transport_;
  const ProviderRegistryOptions options_;
  mutable std::mutex mu_;
  MovedHandler on_moved_;                                  // guarded by mu_
  std::map<std::string, Built> built_;                     // guarded by mu_; "ns/name"
  std::map<std::string, std::shared_ptr<SerialPoller>> pollers_;  // guarded by mu_; outlive rebuilds
  bool stopped_ = false;                                   // guarded by mu_
};

}  // namespace domainguard::providers
