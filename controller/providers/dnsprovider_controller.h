// The DNSProvider controller: is the provider usable? It takes the provider from the registry the records
// controller uses too (built once from its spec and Secret), and asks it one cheap question (the SOA serial of a
// zone that cannot exist: any answer, "not found" included, proves the endpoint and the credentials work) unless
// its serial poller finished a round within the interval (that round's answer is the probe: no extra request at
// rest). It writes status.type,
// status.zones (Domains of the namespace that use it) and the Ready condition:
//   spec or Secret unusable  -> Ready False InvalidSpec   (the message names the field or the Secret and key)
//   no answer / refused key  -> Ready False Unreachable   (the provider's error, verbatim; never the secret)
//   answered                 -> Ready True  Reachable
// An Event on every change of Ready. Requeued every interval (sooner while not Ready). A reconcile woken by
// Domains coming and going (status.zones) reuses a probe of the same generation younger than probe_reuse: a
// thousand new Domains do not become a thousand probes and Secret reads.
//
// Thread-safety: Reconcile runs on several worker threads for different keys.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "controller/base/clock.h"
#include "controller/domain/context.h"
#include "controller/kube/conditions.h"
#include "controller/http/transport.h"
#include "controller/kube/store.h"
#include "controller/kube/workqueue.h"
#include "controller/providers/provider_registry.h"

namespace domainguard::providers {

inline constexpr const char* kDnsProviderFieldManager = "domainguard-dnsprovider";
inline constexpr std::string_view kReasonReachable = "Reachable";
inline constexpr std::string_view kReasonUnreachable = "Unreachable";
inline constexpr std::string_view kReasonInvalidSpec = "InvalidSpec";

// The zone whose serial is asked to probe a provider: under .invalid (RFC 6761), so no provider can serve it.
inline constexpr std::string_view kProbeZone = "domainguard-probe.invalid.";

struct DnsProviderControllerOptions {
  std::chrono::milliseconds interval{std::chrono::minutes(1)};
  std::chrono::milliseconds retry{std::chrono::seconds(10)};
  std::chrono::milliseconds probe_reuse{std::chrono::seconds(5)};
};

class DnsProviderController {
 public:
  // `registry` is shared with the records controller; borrowed, it outlives the controller.
  DnsProviderController(domain::Context ctx, kube::Store& providers, ProviderRegistry& registry,
                        DnsProviderControllerOptions options = {});

  kube::ReconcileResult Reconcile(const std::string& key);

 private:
  struct Probe {
    int64_t generation = 0;
    MonotonicTime at{};
    kube::Condition ready;
  };
  kube::Condition ProbeReady(const nlohmann::json& obj);

  domain::Context ctx_;
  kube::Store& providers_;
  ProviderRegistry& registry_;
  const DnsProviderControllerOptions options_;
  std::mutex mu_;
  std::map<std::string, Probe> probes_;  // guarded by mu_; by DNSProvider key
};

}  // namespace domainguard::providers
