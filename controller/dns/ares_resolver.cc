// AresResolver: c-ares channels driven by one epoll loop. See the header for why.
#include "controller/dns/ares_resolver.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include <ares.h>

namespace domainguard::dns {
namespace {

// EDNS UDP payload size recommended by DNS flag day 2020: avoids IP fragmentation.
constexpr int kEdnsPayload = 1232;

struct Channel;

// State of one QueryAll call.
struct Batch {
  std::span<const Probe> probes;
  std::vector<Result<DnsMessage>> results;  // pre-filled with "no answer"; replaced as answers arrive
  std::vector<bool> filled;
  size_t done = 0;
};

struct Pending {
  Channel* channel;
  size_t index;
};

}  // namespace

struct AresResolver::Impl {
  AresOptions options;
  int epfd = -1;
  std::map<std::tuple<std::string, uint16_t, bool>, std::unique_ptr<Channel>> channels;
  std::unordered_map<int, Channel*> fd_owner;  // socket -> channel that opened it
  Batch* batch = nullptr;                      // the running QueryAll, if any

  ~Impl();
  Result<Channel*> ChannelFor(const Probe& p);
  void Dispatch(Channel* c);
  void Finish(size_t index, Result<DnsMessage> r);
};

namespace {

struct Channel {
  AresResolver::Impl* impl = nullptr;
  ares_channel ch = nullptr;
  std::string label;              // "127.0.0.1:53" for messages
  std::deque<size_t> queue;       // probe indexes waiting for a slot
  int in_flight = 0;

  Channel() = default;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ~Channel() {
    if (ch != nullptr) ares_destroy(ch);
  }
};

void OnSocketState(void* data, ares_socket_t fd, int readable, int writable) {
  auto* c = static_cast<Channel*>(data);
  AresResolver::Impl* impl = c->impl;
  if (!readable && !writable) {
    epoll_ctl(impl->epfd, EPOLL_CTL_DEL, fd, nullptr);
    impl->fd_owner.erase(fd);
    return;
  }
  epoll_event ev{};
  ev.events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  ev.data.fd = fd;
  if (impl->fd_owner.count(fd)) {
    epoll_ctl(impl->epfd, EPOLL_CTL_MOD, fd, &ev);
  } else {
    impl->fd_owner[fd] = c;
    epoll_ctl(impl->epfd, EPOLL_CTL_ADD, fd, &ev);
  }
}

Error StatusToError(int status, const std::string& what) {
  switch (status) {
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
      return Error::DeadlineExceeded("no answer from " + what);
    case ARES_ECONNREFUSED:
      return Error::Unavailable("connection refused by " + what);
    case ARES_EBADRESP:
      return Error::InvalidArgument("malformed response from " + what);
    case ARES_EBADNAME:
      return Error::InvalidArgument("bad query name for " + what);
    default:
      return Error::Unavailable(std::string(ares_strerror(status)) + " from " + what);
  }
}

void OnAnswer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
  std::unique_ptr<Pending> p(static_cast<Pending*>(arg));
  Channel* c = p->channel;
  AresResolver::Impl* impl = c->impl;
  Result<DnsMessage> r = Error::Internal("unset");
  if (abuf != nullptr && alen > 0 && status != ARES_EBADRESP) {
    // With NOCHECKRESP any response (REFUSED, SERVFAIL, NXDOMAIN, a referral) reaches here as a packet.
    r = ParseDnsMessage(std::span<const uint8_t>(abuf, static_cast<size_t>(alen)));
  } else {
    const std::string what = impl->batch != nullptr ? DescribeProbe(impl->batch->probes[p->index]) : c->label;
    r = StatusToError(status, what);
  }
  --c->in_flight;
  impl->Finish(p->index, std::move(r));
  // Refill the slot. c-ares allows new queries from inside a callback, but not after ares_destroy started.
  if (status != ARES_EDESTRUCTION && status != ARES_ECANCELLED) impl->Dispatch(c);
}

}  // namespace

AresResolver::Impl::~Impl() {
  channels.clear();  // ares_destroy first: it may call OnSocketState, which needs epfd
  if (epfd >= 0) close(epfd);
}

void AresResolver::Impl::Finish(size_t index, Result<DnsMessage> r) {
  if (batch == nullptr || index >= batch->results.size() || batch->filled[index]) return;
  batch->results[index] = std::move(r);
  batch->filled[index] = true;
  ++batch->done;
}

void AresResolver::Impl::Dispatch(Channel* c) {
  while (batch != nullptr && !c->queue.empty() && c->in_flight < options.max_in_flight_per_server) {
    const size_t index = c->queue.front();
    c->queue.pop_front();
    const Probe& probe = batch->probes[index];
    ++c->in_flight;
    const std::string qname = CanonicalName(probe.qname);
    ares_query(c->ch, qname.c_str(), 1 /* class IN */, probe.qtype, OnAnswer, new Pending{c, index});
  }
}

Result<Channel*> AresResolver::Impl::ChannelFor(const Probe& p) {
  auto key = std::make_tuple(p.address, p.port, p.tcp);
  auto it = channels.find(key);
  if (it != channels.end()) return it->second.get();

  auto c = std::make_unique<Channel>();
  c->impl = this;
  const bool v6 = p.address.find(':') != std::string::npos;
  c->label = (v6 ? "[" + p.address + "]" : p.address) + ":" + std::to_string(p.port);
  ares_options opts{};
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB;
  opts.flags = ARES_FLAG_NORECURSE | ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
  if (p.tcp) opts.flags |= ARES_FLAG_USEVC;
  if (options.edns) {
    opts.flags |= ARES_FLAG_EDNS;
    opts.ednspsz = kEdnsPayload;
    mask |= ARES_OPT_EDNSPSZ;
  }
  opts.timeout = static_cast<int>(options.timeout.count());
  opts.tries = std::max(1, options.tries);
  opts.sock_state_cb = OnSocketState;
  opts.sock_state_cb_data = c.get();
  int rc = ares_init_options(&c->ch, &opts, mask);
  if (rc != ARES_SUCCESS) {
    c->ch = nullptr;
    return Error::Internal(std::string("ares_init_options: ") + ares_strerror(rc));
  }
  rc = ares_set_servers_ports_csv(c->ch, c->label.c_str());
  if (rc != ARES_SUCCESS) return Error::InvalidArgument("bad server address \"" + p.address + "\"");
  Channel* raw = c.get();
  channels.emplace(key, std::move(c));
  return raw;
}

AresResolver::AresResolver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AresResolver::~AresResolver() = default;

Result<std::unique_ptr<AresResolver>> AresResolver::Create(AresOptions options) {
  const int rc = ares_library_init(ARES_LIB_INIT_ALL);
  if (rc != ARES_SUCCESS) return Error::Internal(std::string("ares_library_init: ") + ares_strerror(rc));
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (impl->epfd < 0) return Error::Internal(std::string("epoll_create1: ") + std::strerror(errno));
  return std::unique_ptr<AresResolver>(new AresResolver(std::move(impl)));
}

std::vector<Result<DnsMessage>> AresResolver::QueryAll(std::span<const Probe> probes, Deadline deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  Impl& impl = *impl_;
  Batch batch;
  batch.probes = probes;
  batch.results.reserve(probes.size());
  for (const Probe& p : probes) batch.results.emplace_back(Error::DeadlineExceeded("no answer from " + DescribeProbe(p)));
  batch.filled.assign(probes.size(), false);
  impl.batch = &batch;

  std::vector<Channel*> used;
  for (size_t i = 0; i < probes.size(); ++i) {
    Result<Channel*> c = impl.ChannelFor(probes[i]);
    if (!c.ok()) {
      impl.Finish(i, c.error());
      continue;
    }
    if ((*c)->queue.empty() && (*c)->in_flight == 0) used.push_back(*c);
    (*c)->queue.push_back(i);
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  for (Channel* c : used) impl.Dispatch(c);

  std::vector<epoll_event> events(256);
  while (batch.done < probes.size()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    // Wait no longer than the earliest c-ares retry timer or the deadline.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    timeval max_tv{static_cast<time_t>(left.count() / 1000), static_cast<suseconds_t>((left.count() % 1000) * 1000)};
    long wait_ms = left.count();
    for (Channel* c : used) {
      if (c->in_flight == 0) continue;
      timeval tv{};
      timeval* t = ares_timeout(c->ch, &max_tv, &tv);
      wait_ms = std::min<long>(wait_ms, t->tv_sec * 1000 + t->tv_usec / 1000);
    }
    const int n = epoll_wait(impl.epfd, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(std::max<long>(wait_ms, 1)));
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      auto it = impl.fd_owner.find(fd);
      if (it == impl.fd_owner.end()) continue;
      const uint32_t ev = events[i].events;
      const bool rd = (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
      const bool wr = (ev & EPOLLOUT) != 0;
      ares_process_fd(it->second->ch, rd ? fd : ARES_SOCKET_BAD, wr ? fd : ARES_SOCKET_BAD);
    }
    // Let c-ares run its retry timers on every channel with work.
    for (Channel* c : used) {
      if (c->in_flight > 0) ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    }
  }
  // Deadline: cancel what is still out (callbacks run with ARES_ECANCELLED) and fail what never left the queue.
  for (Channel* c : used) {
    for (size_t index : c->queue) {
      impl.Finish(index, Error::DeadlineExceeded("deadline passed before " + DescribeProbe(probes[index]) + " was sent"));
    }
    c->queue.clear();
    if (c->in_flight > 0) ares_cancel(c->ch);
  }
  impl.batch = nullptr;

  return std::move(batch.results);
}

}  // namespace domainguard::dns
