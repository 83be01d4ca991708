// A counting pass-through in front of one PowerDNS API, for the benchmarks (tests/bench/scale.py,
// provider_requests.sh). Built by tests/bench/count_proxy.sh; replaces a Python proxy that parsed every request
// and answer and so took ~1 CPU-s of the 2 shared cores inside the timed apply (tests/bench/README.md "Scale").
//
// Each client connection gets one upstream connection; bytes go through unchanged both ways. Only the requests'
// framing is read (request line, Content-Length or chunked body), to count each request by method and kind of path:
//   zones        .../zones                   (GET: every zone with its serial in one request; POST: create a zone)
//   zones?zone   GET .../zones?zone=NAME     (one zone's entry: a serial check of one zone)
//   zone         .../zones/NAME              (one zone: read, PATCH, DELETE)
//   zone/...     .../zones/NAME/...          (notify, rectify, export, ...)
//   other        anything else
// A connection whose first request is GET /_counts is answered by the proxy itself with the counts so far as JSON
// {"GET zone": 12, ...} (not counted, not forwarded) and closed.
//
//   count_proxy --listen 127.0.0.1:PORT --upstream http://127.0.0.1:18081
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

std::mutex g_mu;
std::map<std::string, long> g_counts;  // "METHOD kind" -> requests

// The kind of a request target, as the Python proxy it replaces classified it.
std::string KindOf(const std::string& target) {
  std::string path = target, query;
  if (auto q = target.find('?'); q != std::string::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  std::vector<std::string> parts;
  for (size_t i = 0; i <= path.size();) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  size_t z = 0;
  while (z < parts.size() && parts[z] != "zones") ++z;
  if (z == parts.size()) return "other";
  size_t rest = parts.size() - z - 1;
  if (rest == 0) return query.find("zone=") != std::string::npos ? "zones?zone" : "zones";
  return rest == 1 ? "zone" : "zone/...";
}

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// Buffered reads of one client connection's request stream.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}

  // Appends to *out everything up to and including `delim`; false at EOF or error before it.
  bool Until(const char* delim, std::string* out) {
    size_t from = 0;
    for (;;) {
      size_t at = buf_.find(delim, from);
      if (at != std::string::npos) {
        size_t end = at + std::strlen(delim);
        out->append(buf_, 0, end);
        buf_.erase(0, end);
        return true;
      }
      from = buf_.size() >= std::strlen(delim) ? buf_.size() - std::strlen(delim) + 1 : 0;
      if (!Fill()) return false;
    }
  }

  // Moves the next n bytes of the stream to the end of *out (n small enough to hold).
  bool Take(size_t n, std::string* out) {
    while (buf_.size() < n) {
      if (!Fill()) return false;
    }
    out->append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }

  // Sends the next n bytes of the stream to `to`.
  bool Forward(size_t n, int to) {
    while (n > 0) {
      if (buf_.empty() && !Fill()) return false;
      size_t k = std::min(n, buf_.size());
      if (!WriteAll(to, buf_.data(), k)) return false;
      buf_.erase(0, k);
      n -= k;
    }
    return true;
  }

 private:
  bool Fill() {
    char tmp[65536];
    for (;;) {
      ssize_t r = recv(fd_, tmp, sizeof tmp, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      buf_.append(tmp, static_cast<size_t>(r));
      return true;
    }
  }

  int fd_;
  std::string buf_;
};

bool HeaderIs(const std::string& line, const char* name) {
  size_t n = std::strlen(name);
  return line.size() > n && line[n] == ':' && strncasecmp(line.c_str(), name, n) == 0;
}

struct RequestHead {
  std::string method, target;
  long content_length = 0;
  bool chunked = false;
};

bool ParseHead(const std::string& head, RequestHead* h) {
  size_t eol = head.find("\r\n");
  std::string line = head.substr(0, eol);
  size_t a = line.find(' '), b = line.find(' ', a + 1);
  if (a == std::string::npos || b == std::string::npos) return false;
  h->method = line.substr(0, a);
  h->target = line.substr(a + 1, b - a - 1);
  for (size_t i = eol + 2; i < head.size();) {
    size_t e = head.find("\r\n", i);
    if (e == std::string::npos || e == i) break;
    std::string f = head.substr(i, e - i);
    if (HeaderIs(f, "Content-Length")) h->content_length = std::strtol(f.c_str() + 15, nullptr, 10);
    if (HeaderIs(f, "Transfer-Encoding")) h->chunked = strcasestr(f.c_str(), "chunked") != nullptr;
    i = e + 2;
  }
  return true;
}

// A chunked body: each chunk's size line, the chunk and its CRLF, then the trailers up to the empty line.
bool ForwardChunked(Reader* in, int to) {
  for (;;) {
    std::string line;
    if (!in->Until("\r\n", &line) || !WriteAll(to, line.data(), line.size())) return false;
    unsigned long size = std::strtoul(line.c_str(), nullptr, 16);
    if (size == 0) break;
    if (!in->Forward(size + 2, to)) return false;
  }
  for (;;) {
    std::string line;
    if (!in->Until("\r\n", &line) || !WriteAll(to, line.data(), line.size())) return false;
    if (line == "\r\n") return true;
  }
}

void AnswerCounts(int client) {
  std::string body = "{";
  {
    std::lock_guard<std::mutex> l(g_mu);
    for (const auto& [k, v] : g_counts) {
      if (body.size() > 1) body += ", ";
      body += "\"" + k + "\": " + std::to_string(v);
    }
  }
  body += "}";
  std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body;
  WriteAll(client, reply.data(), reply.size());
}

int Dial(const sockaddr_in& to) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;  // a streamed body follows its head as a second write: no Nagle wait between them
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void Serve(int client, sockaddr_in upstream) {
  Reader in(client);
  int up = -1;
  std::thread answers;
  for (bool first = true;; first = false) {
    std::string head;
    RequestHead h;
    if (!in.Until("\r\n\r\n", &head) || !ParseHead(head, &h)) break;
    if (first && h.method == "GET" && h.target == "/_counts") {
      AnswerCounts(client);
      break;
    }
    if (up < 0) {
      up = Dial(upstream);
      if (up < 0) {
        const std::string body = "count_proxy: upstream unreachable";
        const std::string reply = "HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body;
        WriteAll(client, reply.data(), reply.size());
        break;
      }
      // Answers go back byte for byte; when upstream closes, so does the client's side.
      answers = std::thread([client, up] {
        char buf[65536];
        for (;;) {
          ssize_t r = recv(up, buf, sizeof buf, 0);
          if (r < 0 && errno == EINTR) continue;
          if (r <= 0 || !WriteAll(client, buf, static_cast<size_t>(r))) break;
        }
        shutdown(client, SHUT_RDWR);
      });
    }
    {
      std::lock_guard<std::mutex> l(g_mu);
      ++g_counts[h.method + " " + KindOf(h.target)];
    }
    // A request of up to 1 MB goes out in one write (one wake-up of PowerDNS, not one for the head and one for the
    // body); larger or chunked bodies are streamed after the head.
    constexpr long kWhole = 1 << 20;
    const size_t length = static_cast<size_t>(std::max(0L, h.content_length));
    bool ok;
    if (!h.chunked && h.content_length <= kWhole) {
      ok = in.Take(length, &head) && WriteAll(up, head.data(), head.size());
    } else {
      ok = WriteAll(up, head.data(), head.size()) && (h.chunked ? ForwardChunked(&in, up) : in.Forward(length, up));
    }
    if (!ok) break;
  }
  if (up >= 0) {
    shutdown(up, SHUT_WR);  // upstream finishes its last answer, then closes: the answers thread ends
    answers.join();
    close(up);
  }
  close(client);
}

bool ParseHostPort(std::string s, sockaddr_in* out) {
  if (s.rfind("http://", 0) == 0) s = s.substr(7);
  if (auto slash = s.find('/'); slash != std::string::npos) s = s.substr(0, slash);
  size_t colon = s.rfind(':');
  std::string host = colon == std::string::npos ? s : s.substr(0, colon);
  int port = colon == std::string::npos ? 80 : std::atoi(s.c_str() + colon + 1);
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_INET;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0 || res == nullptr) return false;
  *out = *reinterpret_cast<sockaddr_in*>(res->ai_addr);
  out->sin_port = htons(static_cast<uint16_t>(port));
  freeaddrinfo(res);
  return port > 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen_at, upstream_url;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--listen") == 0) listen_at = argv[i + 1];
    if (std::strcmp(argv[i], "--upstream") == 0) upstream_url = argv[i + 1];
  }
  sockaddr_in listen_addr{}, upstream{};
  if (!ParseHostPort(listen_at, &listen_addr) || !ParseHostPort(upstream_url, &upstream)) {
    std::fprintf(stderr, "usage: count_proxy --listen HOST:PORT --upstream http://HOST:PORT\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(ls, reinterpret_cast<sockaddr*>(&listen_addr), sizeof listen_addr) != 0 || listen(ls, 128) != 0) {
    std::perror("count_proxy: listen");
    return 1;
  }
  for (;;) {
    int c = accept(ls, nullptr, nullptr);
    if (c < 0) continue;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread(Serve, c, upstream).detach();
  }
}
