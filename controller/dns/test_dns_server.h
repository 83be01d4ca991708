// TestDnsServer: a tiny scripted DNS server on 127.0.0.1 (UDP and TCP on one ephemeral port) for tests of the
// real engine. The handler sees each query and returns the response to send, or nothing to stay silent.
// Thread-safety: the handler runs on the server's own thread; Start/Stop from the owning thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include "controller/dns/dns_message.h"

namespace domainguard::dns {

class TestDnsServer {
 public:
  using Handler = std::function<std::optional<DnsMessage>(const DnsMessage& query, bool tcp)>;

  explicit TestDnsServer(Handler handler) : handler_(std::move(handler)) {
    udp_ = socket(AF_INET, SOCK_DGRAM, 0);
    tcp_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(tcp_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int big = 4 << 20;
    setsockopt(udp_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // Find a port free for both UDP and TCP.
    for (int attempt = 0; attempt < 50; ++attempt) {
      a.sin_port = 0;
      if (bind(udp_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) continue;
      socklen_t len = sizeof a;
      getsockname(udp_, reinterpret_cast<sockaddr*>(&a), &len);
      if (bind(tcp_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        port_ = ntohs(a.sin_port);
        break;
      }
      close(udp_);
      udp_ = socket(AF_INET, SOCK_DGRAM, 0);
      setsockopt(udp_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    }
    listen(tcp_, 64);
    thread_ = std::thread([this] { Loop(); });
  }
  ~TestDnsServer() {
    stop_ = true;
    thread_.join();
    close(udp_);
    close(tcp_);
  }
  TestDnsServer(const TestDnsServer&) = delete;
  TestDnsServer& operator=(const TestDnsServer&) = delete;

  uint16_t port() const { return port_; }
  int queries() const { return queries_; }

 private:
  std::optional<std::vector<uint8_t>> Respond(const uint8_t* buf, size_t n, bool tcp) {
    auto q = ParseDnsMessage(std::span<const uint8_t>(buf, n));
    if (!q.ok()) return std::nullopt;
    ++queries_;
    std::optional<DnsMessage> r = handler_(*q, tcp);
    if (!r) return std::nullopt;
    r->id = q->id;
    r->qr = true;
    if (r->qname.empty()) {
      r->qname = q->qname;
      r->qtype = q->qtype;
    }
    auto wire = EncodeDnsMessage(*r);
    if (!wire.ok()) return std::nullopt;
    return *wire;
  }

  void Loop() {
    std::vector<uint8_t> buf(65536);
    while (!stop_) {
      pollfd fds[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
      if (poll(fds, 2, 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        sockaddr_in from{};
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(udp_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (n > 0) {
          if (auto out = Respond(buf.data(), static_cast<size_t>(n), false)) {
            sendto(udp_, out->data(), out->size(), 0, reinterpret_cast<sockaddr*>(&from), fl);
          }
        }
      }
      if (fds[1].revents & POLLIN) {
        int c = accept(tcp_, nullptr, nullptr);
        if (c < 0) continue;
        timeval tv{1, 0};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (true) {
          uint8_t lenbuf[2];
          if (recv(c, lenbuf, 2, MSG_WAITALL) != 2) break;
          const size_t len = (size_t{lenbuf[0]} << 8) | lenbuf[1];
          if (recv(c, buf.data(), len, MSG_WAITALL) != static_cast<ssize_t>(len)) break;
          auto out = Respond(buf.data(), len, true);
          if (!out) continue;
          uint8_t hdr[2] = {static_cast<uint8_t>(out->size() >> 8), static_cast<uint8_t>(out->size() & 0xff)};
          send(c, hdr, 2, MSG_NOSIGNAL);
          send(c, out->data(), out->size(), MSG_NOSIGNAL);
        }
        close(c);
      }
    }
  }

  Handler handler_;
  int udp_ = -1;
  int tcp_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> queries_{0};
  std::thread thread_;
};

}  // namespace domainguard::dns
