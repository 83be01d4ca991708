// AresResolver: the real Resolver. c-ares 1.18.1 sends the queries (one channel per target server and transport,
// RD=0, EDNS, automatic TCP retry on truncation), epoll waits on all their sockets at once, ldns parses replies.
//
// Why this shape (field notes, c-ares 1.18.1): ares_set_servers_ports_csv keeps the port (the plain _csv drops
// it); ARES_FLAG_NOCHECKRESP makes REFUSED/SERVFAIL arrive as packets instead of ARES_ECONNREFUSED; a referral
// arrives as ARES_ENODATA with the whole packet; select() is capped by FD_SETSIZE, so sockets are tracked with
// ARES_OPT_SOCK_STATE_CB + epoll; c-ares has no concurrency limit, so queries wait in a per-server queue.
//
// Thread-safety: QueryAll may be called from several threads; calls are serialised on an internal mutex (one
// event loop). Channels are kept between calls and closed by the destructor.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

#include "controller/dns/resolver.h"

namespace domainguard::dns {

struct AresOptions {
  std::chrono::milliseconds timeout{1500};  // first try; c-ares doubles it for each retry
  int tries = 2;                            // attempts per query (UDP); TCP retry on TC is extra
  int max_in_flight_per_server = 100;       // queries outstanding at one server address at once
  bool edns = true;                         // send OPT with a 1232-byte UDP size (DNS flag day 2020)
};

class AresResolver final : public Resolver {
 public:
  // Fails with kInternal when c-ares or epoll cannot be initialised.
  static Result<std::unique_ptr<AresResolver>> Create(AresOptions options = {});
  ~AresResolver() override;
  AresResolver(const AresResolver&) = delete;
  AresResolver& operator=(const AresResolver&) = delete;

  std::vector<Result<DnsMessage>> QueryAll(std::span<const Probe> probes, Deadline deadline) override;

  struct Impl;  // public only so the .cc's C callbacks can name it

 private:
  explicit AresResolver(std::unique_ptr<Impl> impl);
  std::mutex mu_;
  std::unique_ptr<Impl> impl_;  // guarded by mu_
};

}  // namespace domainguard::dns
