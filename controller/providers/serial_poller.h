// SerialPoller: one per DNSProvider. Every interval it asks the provider for the SOA serials of every zone it
// watches in ONE round (Provider::Serials: one PowerDNS zone-list GET, or one batch of concurrent SOA queries over
// DNS), so drift detection costs one request per provider per interval whatever the number of zones, and the
// provider's rate limiter never stretches a poll cycle with the zone count.
//
// The records controller arms a zone with the serial its last pass left there (Watch). A round that reads another
// serial, finds the zone gone, or cannot ask the provider reports the zone once (the handler enqueues the Domain
// for a full pass) and disarms it; the next records pass re-arms it with what it then saw. A zone the records
// pass itself just wrote is re-armed with the new serial by that pass, so its own writes do not come back as drift.
//
// Thread-safety: every method may be called from any thread. The handler is called from the polling thread (or
// PollOnce's caller) with no lock held.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controller/base/clock.h"
#include "controller/providers/provider.h"

namespace domainguard::providers {

class SerialPoller {
 public:
  // Called with each zone whose serial moved (or that could not be read) since it was armed.
  using MovedHandler = std::function<void(const std::string& zone, const std::string& why)>;

  // The outcome of the last round: when, and why it failed (empty: the provider answered).
  struct Round {
    MonotonicTime at{};
    std::string error;
  };

  SerialPoller(std::shared_ptr<Provider> provider, const Clock& clock, MovedHandler on_moved);
  ~SerialPoller();  // stops the thread
  SerialPoller(const SerialPoller&) = delete;
  SerialPoller& operator=(const SerialPoller&) = delete;

  // Starts the thread that runs PollOnce every `interval` (real time). Once.
  void Start(std::chrono::milliseconds interval);
  // Stops and joins the thread; later rounds run only through PollOnce. Idempotent.
  void Stop();

  // The DNSProvider was rebuilt (new spec or Secret): later rounds ask the new one. Armed zones stay armed; the
  // last round is forgotten (it asked the provider as it was).
  void SetProvider(std::shared_ptr<Provider> provider);

  // Arms `zone` (canonical) with the serial the records pass left there.
  void Watch(const std::string& zone, uint32_t serial);
  // Stops watching `zone` (its Domain is gone, uses another provider, or is not in sync there).
  void Unwatch(const std::string& zone);
  size_t watched() const;

  // The last round, if any ran.
  std::optional<Round> LastRound() const;

  // One round now over the armed zones; returns the zones reported. No request when none is armed.
  std::vector<std::string> PollOnce();

 private:
  void Run(std::chrono::milliseconds interval);

  const Clock& clock_;
  const MovedHandler on_moved_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::shared_ptr<Provider> provider_;                // guarded by mu_
  std::map<std::string, uint32_t> armed_;             // guarded by mu_; zone -> serial the records pass left
  std::optional<Round> last_round_;                   // guarded by mu_
  bool stop_ = false;                                 // guarded by mu_
  std::thread thread_;
};

}  // namespace domainguard::providers
