#include "controller/registration/whois_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>

#include "controller/registration/contacts.h"
#include "controller/registration/whois_parse.h"

namespace domainguard::registration {
namespace {

constexpr size_t kMaxAnswer = 1 << 20;

// Owns a socket descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

struct AddrInfo {
  addrinfo* p = nullptr;
  ~AddrInfo() {
    if (p != nullptr) freeaddrinfo(p);
  }
};

int MsLeft(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

class TcpWhoisConnector final : public WhoisConnector {
 public:
  Result<std::string> Query(const std::string& address, const std::string& query,
                            std::chrono::milliseconds timeout) override {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string host = address, port = "43";
    if (!address.empty() && address[0] == '[') {
      size_t close = address.find(']');
      if (close == std::string::npos) return Error::InvalidArgument("WHOIS address " + address + " is malformed");
      host = address.substr(1, close - 1);
      if (close + 1 < address.size() && address[close + 1] == ':') port = address.substr(close + 2);
    } else if (size_t colon = address.rfind(':'); colon != std::string::npos && address.find(':') == colon) {
      host = address.substr(0, colon);
      port = address.substr(colon + 1);
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    AddrInfo res;
    if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res.p); rc != 0) {
      return Error::Unavailable("WHOIS server " + address + ": cannot resolve: " + gai_strerror(rc));
    }
    std::string last = "no address";
    for (addrinfo* ai = res.p; ai != nullptr; ai = ai->ai_next) {
      Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
      if (fd.get() < 0) {
        last = std::strerror(errno);
        continue;
      }
      if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
        last = std::strerror(errno);
        continue;
      }
      pollfd p{fd.get(), POLLOUT, 0};
      if (::poll(&p, 1, MsLeft(deadline)) <= 0) {
        return Error::DeadlineExceeded("WHOIS server " + address + ": connect timed out");
      }
      int err = 0;
      socklen_t len = sizeof(err);
      getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        last = std::strerror(err);
        continue;
      }
      std::string out = query + "\r\n";
      size_t sent = 0;
      while (sent < out.size()) {
        ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
          sent += static_cast<size_t>(n);
          continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
          pollfd w{fd.get(), POLLOUT, 0};
          if (::poll(&w, 1, MsLeft(deadline)) <= 0) return Error::DeadlineExceeded("WHOIS " + address + ": send timed out");
          continue;
        }
        return Error::Unavailable("WHOIS " + address + ": send: " + std::strerror(errno));
      }
      std::string answer;
      char buf[8192];
      while (answer.size() < kMaxAnswer) {
        pollfd r{fd.get(), POLLIN, 0};
        int pr = ::poll(&r, 1, MsLeft(deadline));
        if (pr == 0) return Error::DeadlineExceeded("WHOIS " + address + ": answer timed out");
        if (pr < 0 && errno == EINTR) continue;
        ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
        if (n == 0) break;
        if (n < 0) {
          if (errno == EAGAIN || errno == EINTR) continue;
          return Error::Unavailable("WHOIS " + address + ": read: " + std::strerror(errno));
        }
        answer.append(buf, static_cast<size_t>(n));
      }
      return answer;
    }
    return Error::Unavailable("WHOIS server " + address + ": " + last);
  }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::unique_ptr<WhoisConnector> NewTcpWhoisConnector() { return std::make_unique<TcpWhoisConnector>(); }

std::string WhoisClient::AddressOf(const std::string& server) const {
  auto it = options_.host_addresses.find(Lower(server));
  return it != options_.host_addresses.end() ? it->second : server;
}

Result<std::string> WhoisClient::Ask(const std::string& server, const std::string& query) {
  std::string address = AddressOf(server);
  if (!limiter_.Acquire(address, std::chrono::seconds(30))) {
    return Error::Unavailable("WHOIS rate limit for " + address + ": no request slot within 30s",
                              std::chrono::seconds(30));
  }
  auto r = connector_.Query(address, query, options_.timeout);
  if (!r.ok()) return r.error();
  return r;
}

Result<std::string> WhoisClient::ServerFor(const std::string& raw_tld) {
  const std::string tld = Lower(raw_tld);
  if (auto it = options_.tld_servers.find(tld); it != options_.tld_servers.end()) return it->second;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = referrals_.find(tld); it != referrals_.end()) return it->second;
  }
  if (options_.iana_server.empty()) return Error::FailedPrecondition("no WHOIS server configured for ." + tld);
  Result<std::string> text = Ask(options_.iana_server, tld);
  if (!text.ok()) return text.error().Wrap("asking " + options_.iana_server + " for ." + tld);
  WhoisAnswer a = ParseWhoisAnswer(*text);
  if (a.referral.empty()) return Error::FailedPrecondition("IANA names no WHOIS server for ." + tld);
  std::lock_guard<std::mutex> lock(mu_);
  referrals_[tld] = a.referral;
  return a.referral;
}

Result<RegistrationRecord> WhoisClient::Lookup(const std::string& raw_domain) {
  const std::string domain = Lower(raw_domain);
  size_t dot = domain.rfind('.');
  if (dot == std::string::npos) return Error::InvalidArgument("WHOIS lookup needs a domain, got " + domain);
  Result<std::string> server = ServerFor(domain.substr(dot + 1));
  if (!server.ok()) return server.error();

  Result<std::string> text = Ask(*server, domain);
  if (!text.ok()) return text.error().Wrap("WHOIS " + *server);
  WhoisAnswer a = ParseWhoisAnswer(*text);
  a.record.contact_emails = WhoisContactEmails(*text);
  switch (a.kind) {
    case WhoisAnswer::Kind::kThrottled:
      limiter_.Pause(AddressOf(*server), options_.throttled_retry_after);
      return Error::Unavailable("WHOIS " + *server + ": throttled (query limit)", options_.throttled_retry_after);
    case WhoisAnswer::Kind::kNotFound:
      return Error::NotFound("WHOIS " + *server + ": the registry has no such domain");
    case WhoisAnswer::Kind::kEmpty:
      return Error::Unavailable("WHOIS " + *server + ": no recognisable registration data in the answer");
    case WhoisAnswer::Kind::kData:
      break;
  }
  // Thin registry: the registrar holds what the registry lacks.
  bool thin = !a.record.expires_at || a.record.registrar.empty();
  if (options_.follow_referral && thin && !a.referral.empty() && Lower(a.referral) != Lower(*server)) {
    Result<std::string> more = Ask(a.referral, domain);
    if (more.ok()) {
      WhoisAnswer b = ParseWhoisAnswer(*more);
      if (b.kind == WhoisAnswer::Kind::kData) {
        RegistrationRecord& r = a.record;
        if (!r.expires_at) r.expires_at = b.record.expires_at ? b.record.expires_at : b.registrar_expires_at;
        if (r.registrar.empty()) r.registrar = b.record.registrar;
        if (r.registrar_iana_id.empty()) r.registrar_iana_id = b.record.registrar_iana_id;
        if (!r.registered_at) r.registered_at = b.record.registered_at;
        if (r.nameservers.empty()) r.nameservers = b.record.nameservers;
        if (r.statuses.empty()) r.statuses = b.record.statuses;
        if (r.contact_emails.empty()) r.contact_emails = WhoisContactEmails(*more);
      }
    }
  }
  if (!a.record.expires_at && a.registrar_expires_at) a.record.expires_at = a.registrar_expires_at;
  a.record.domain = domain;
  a.record.server = AddressOf(*server);
  a.record.checked_at = clock_.Now();
  return a.record;
}

}  // namespace domainguard::registration
