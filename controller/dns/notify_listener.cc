// NotifyListener: one UDP socket, one thread, poll() with a self-pipe for shutdown.
#include "controller/dns/notify_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "controller/dns/dns_message.h"

namespace domainguard::dns {
namespace {

constexpr uint8_t kOpcodeNotify = 4;

std::vector<uint8_t> Reply(const DnsMessage& q, uint8_t rcode) {
  DnsMessage r;
  r.id = q.id;
  r.opcode = q.opcode;
  r.qr = true;
  r.aa = rcode == kRcodeNoError;
  r.rcode = rcode;
  r.qname = q.qname;
  r.qtype = q.qtype;
  auto wire = EncodeDnsMessage(r);
  return wire.ok() ? *wire : std::vector<uint8_t>{};
}

}  // namespace

NotifyDecision DecideNotify(std::span<const uint8_t> datagram, const std::string& from_address,
                            const std::vector<std::string>& allowed_sources) {
  NotifyDecision d;
  auto m = ParseDnsMessage(datagram);
  // Decision table:
  //   unparsable                      -> drop (nothing to echo an id to safely)
  //   a response (QR=1)               -> drop (never answer answers: no loops)
  //   opcode != NOTIFY                -> NOTIMP
  //   NOTIFY without SOA question     -> FORMERR
  //   NOTIFY from a source not allowed-> REFUSED, no event
  //   NOTIFY SOA                      -> NOERROR+AA, event(zone, from, serial?)
  if (!m.ok() || m->qr) return d;
  if (m->opcode != kOpcodeNotify) {
    d.response = Reply(*m, kRcodeNotImp);
    return d;
  }
  if (m->qname.empty() || m->qtype != kTypeSOA) {
    d.response = Reply(*m, kRcodeFormErr);
    return d;
  }
  if (!allowed_sources.empty() &&
      std::find(allowed_sources.begin(), allowed_sources.end(), from_address) == allowed_sources.end()) {
    d.response = Reply(*m, kRcodeRefused);
    return d;
  }
  d.response = Reply(*m, kRcodeNoError);
  NotifyEvent e;
  e.zone = m->qname;
  e.from_address = from_address;
  e.serial = m->SoaSerial();
  d.event = std::move(e);
  return d;
}

struct NotifyListener::State {
  int fd = -1;
  int stop_pipe[2] = {-1, -1};
  Callback callback;
  std::vector<std::string> allowed;
  std::thread thread;

  ~State() {
    if (thread.joinable()) {
      const char c = 'x';
      (void)!write(stop_pipe[1], &c, 1);
      thread.join();
    }
    if (fd >= 0) close(fd);
    for (int p : stop_pipe) {
      if (p >= 0) close(p);
    }
  }

  void Loop() {
    std::vector<uint8_t> buf(65535);
    while (true) {
      pollfd fds[2] = {{fd, POLLIN, 0}, {stop_pipe[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      sockaddr_storage from{};
      socklen_t len = sizeof from;
      const ssize_t n = recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) continue;
      char addr[INET6_ADDRSTRLEN] = {0};
      if (from.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&from)->sin_addr, addr, sizeof addr);
      } else {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&from)->sin6_addr, addr, sizeof addr);
      }
      NotifyDecision d = DecideNotify(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)), addr, allowed);
      if (!d.response.empty()) {
        sendto(fd, d.response.data(), d.response.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
      }
      if (d.event && callback) callback(*d.event);
    }
  }
};

NotifyListener::NotifyListener(std::unique_ptr<State> state, uint16_t port) : state_(std::move(state)), port_(port) {}

NotifyListener::~NotifyListener() = default;

Result<std::unique_ptr<NotifyListener>> NotifyListener::Start(const std::string& address, uint16_t port,
                                                              Callback callback,
                                                              std::vector<std::string> allowed_sources) {
  auto state = std::make_unique<State>();
  state->callback = std::move(callback);
  state->allowed = std::move(allowed_sources);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (address.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, address.c_str(), &a6->sin6_addr) != 1) {
      return Error::InvalidArgument("bad listen address \"" + address + "\"");
    }
    len = sizeof *a6;
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    if (inet_pton(AF_INET, address.c_str(), &a4->sin_addr) != 1) {
      return Error::InvalidArgument("bad listen address \"" + address + "\"");
    }
    len = sizeof *a4;
  }
  state->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (state->fd < 0) return Error::Unavailable(std::string("socket: ") + std::strerror(errno));
  if (bind(state->fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    return Error::Unavailable("cannot listen for NOTIFY on " + address + ":" + std::to_string(port) + ": " +
                              std::strerror(errno));
  }
  if (getsockname(state->fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    port = ntohs(ss.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&ss)->sin_port
                                         : reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  if (pipe2(state->stop_pipe, O_CLOEXEC) != 0) return Error::Internal(std::string("pipe: ") + std::strerror(errno));
  State* raw = state.get();
  state->thread = std::thread([raw] { raw->Loop(); });
  return std::unique_ptr<NotifyListener>(new NotifyListener(std::move(state), port));
}

}  // namespace domainguard::dns
