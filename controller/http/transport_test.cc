// Exercises both real transports (libcurl's, which domainguard uses, and cpprestsdk's) and the server on loopback
// with one test body: whole exchanges, error mapping, deadlines, connection reuse, a chunked body read
// incrementally with a stall detected by the read timeout, cancel and close of a stream. libcurl's alone: TLS with
// in-memory PEMs, client certificates and a server name (cpprestsdk refuses server_name), malformed requests.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "controller/http/curl_exchange.h"
#include "controller/http/curl_transport.h"
#include "controller/http/server.h"
#include "controller/http/transport.h"
#include "controller/http/testing/loopback_port.h"

namespace domainguard::http {
namespace {

using namespace std::chrono_literals;

// Reads one request (head, then a Content-Length body) from `c`; false when the peer closed first.
bool ReadRequest(int c, std::string* out) {
  char buf[4096];
  std::string req;
  size_t head_end;
  while ((head_end = req.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = read(c, buf, sizeof buf);
    if (n <= 0) return false;
    req.append(buf, n);
  }
  size_t want = 0;
  if (size_t cl = req.find("Content-Length:"); cl != std::string::npos && cl < head_end) {
    want = std::strtoul(req.c_str() + cl + 15, nullptr, 10);
  }
  while (req.size() < head_end + 4 + want) {
    ssize_t n = read(c, buf, sizeof buf);
    if (n <= 0) return false;
    req.append(buf, n);
  }
  *out += req;
  return true;
}

// Server threads write to clients that may have gone: a SIGPIPE there would end the test binary. Blocked in that
// thread only, so a SIGPIPE raised by a transport on the test's own thread still would.
void BlockSigpipeInThisThread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// True once the peer has closed `c` (a read would return 0 or fail), without consuming data.
bool PeerClosed(int c) {
  pollfd p{c, POLLIN, 0};
  if (poll(&p, 1, 0) <= 0) return false;
  char b;
  return recv(c, &b, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

// A one-connection raw HTTP server whose script of writes (with pauses) the test controls. It reads the first
// request before the script; a step with await_request reads another one on the same connection first. It notes
// when the client closed the connection during a pause.
class RawServer {
 public:
  struct Step {
    std::string bytes;
    std::chrono::milliseconds pause_before{0};
    bool await_request = false;
  };
  explicit RawServer(std::vector<Step> script) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this, script = std::move(script)] {
      BlockSigpipeInThisThread();
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      if (ReadRequest(c, &req)) {
        for (const auto& s : script) {
          if (s.await_request && !ReadRequest(c, &req)) break;
          for (auto waited = 0ms; waited < s.pause_before && !stop_; waited += 10ms) {
            if (PeerClosed(c)) {
              peer_closed_ = true;
              break;
            }
            std::this_thread::sleep_for(10ms);
          }
          if (stop_ || peer_closed_) break;
          if (write(c, s.bytes.data(), s.bytes.size()) < 0) break;
        }
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_ = req;
      }
      close(c);
    });
  }
  ~RawServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  bool peer_closed() const { return peer_closed_; }
  // Every request read, once the script ended.
  std::string requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> peer_closed_{false};
  std::mutex mu_;
  std::string requests_;  // guarded by mu_
  std::thread thread_;
};

std::string Chunk(const std::string& s) {
  char hex[16];
  snprintf(hex, sizeof hex, "%zx", s.size());
  return std::string(hex) + "\r\n" + s + "\r\n";
}

using Factory = Result<std::unique_ptr<Transport>> (*)(const TlsConfig&);
struct Impl {
  const char* name;
  Factory make;
};

class TransportTest : public ::testing::TestWithParam<Impl> {
 protected:
  static Result<std::unique_ptr<Transport>> NewTransportUnderTest(const TlsConfig& tls) {
    return GetParam().make(tls);
  }
};

INSTANTIATE_TEST_SUITE_P(Both, TransportTest,
                         ::testing::Values(Impl{"curl", NewCurlTransport}, Impl{"cpprest", NewCppRestTransport}),
                         [](const ::testing::TestParamInfo<Impl>& i) { return std::string(i.param.name); });

TEST_P(TransportTest, SendsAndReceivesThroughServer) {
  int port = http::testing::UnusedLoopbackPort();
  auto server = Serve("127.0.0.1", port, [](const ServerRequest& r) {
    if (r.path == "/healthz") return ServerResponse{200, "text/plain", "ok " + r.method + " " + r.query};
    return ServerResponse{404, "text/plain", "nope"};
  });
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  auto r = (*t)->Send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/healthz?x=1", {}, ""});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok GET x=1");
  EXPECT_EQ(r->Header("content-type").value_or(""), "text/plain");
  auto missing = (*t)->Send({"GET", "http://127.0.0.1:" + std::to_string(port) + "/other", {}, ""});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);  // an HTTP status is not a transport error
  (*server)->Stop();
}

TEST_P(TransportTest, ConnectionRefusedIsUnavailable) {
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  const int closed = http::testing::UnusedLoopbackPort();
  auto r = (*t)->Send({"GET", "http://127.0.0.1:" + std::to_string(closed) + "/", {}, "", 5s});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().ToString();
}

TEST_P(TransportTest, MalformedUrlIsInvalidArgument) {
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  auto r = (*t)->Send({"GET", "ftp://127.0.0.1/x", {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(TransportTest, MissingTlsFileIsNamed) {
  TlsConfig tls;
  tls.ca_file = "/nonexistent/ca.crt";
  auto t = NewTransportUnderTest(tls);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(t.error().message.find("/nonexistent/ca.crt"), std::string::npos);
}

TEST_P(TransportTest, SlowServerHitsDeadline) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 3000ms}});
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*t)->Send({"GET", "http://127.0.0.1:" + std::to_string(srv.port()) + "/", {}, "", 300ms});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded) << r.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
}

TEST_P(TransportTest, StreamReadsChunksAsTheyArriveAndDetectsStall) {
  RawServer srv({
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"},
      {Chunk("{\"type\":\"ADDED\"}\n{\"type\":"), 50ms},
      {Chunk("\"MODIFIED\"}\n"), 200ms},
      // then silence for longer than the reader waits: a stalled stream
      {Chunk("{\"type\":\"DELETED\"}\n"), 1500ms},
      {"0\r\n\r\n", 0ms},
  });
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  auto s = (*t)->OpenStream({"GET", "http://127.0.0.1:" + std::to_string(srv.port()) + "/w?watch=1", {}, "", 2s});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ((*s)->status(), 200);
  auto first = (*s)->ReadLine(2s);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(*first, "{\"type\":\"ADDED\"}");
  auto second = (*s)->ReadLine(2s);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(*second, "{\"type\":\"MODIFIED\"}");
  auto stalled = (*s)->ReadLine(300ms);
  ASSERT_FALSE(stalled.ok());
  EXPECT_EQ(stalled.error().code, ErrorCode::kDeadlineExceeded);
  auto third = (*s)->ReadLine(3s);  // the stream stays usable after a read timeout
  ASSERT_TRUE(third.ok()) << third.error().ToString();
  EXPECT_EQ(*third, "{\"type\":\"DELETED\"}");
  auto end = (*s)->ReadLine(3s);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, ErrorCode::kNotFound) << end.error().ToString();
}

TEST_P(TransportTest, CancelUnblocksReader) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}, {Chunk("x\n"), 5000ms}});
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  auto s = (*t)->OpenStream({"GET", "http://127.0.0.1:" + std::to_string(srv.port()) + "/w", {}, "", 2s});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  LineStream* stream = s->get();
  std::thread canceller([stream] {
    std::this_thread::sleep_for(100ms);
    stream->Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = stream->ReadLine(10s);
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_P(TransportTest, StreamOpenHitsDeadlineWhenHeadersNeverCome) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 3000ms}});
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  auto start = std::chrono::steady_clock::now();
  auto s = (*t)->OpenStream({"GET", "http://127.0.0.1:" + std::to_string(srv.port()) + "/w", {}, "", 300ms});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kDeadlineExceeded) << s.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
}

TEST_P(TransportTest, PostSendsBodyAndContentTypeWithoutWaitingForContinue) {
  RawServer srv({{"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"}});
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  const std::string body(5000, 'z');  // over libcurl's 1 KB threshold for "Expect: 100-continue"
  auto start = std::chrono::steady_clock::now();
  auto r = (*t)->Send({"POST", "http://127.0.0.1:" + std::to_string(srv.port()) + "/zones",
                       {{"Content-Type", "application/json"}, {"X-API-Key", "k"}}, body, 5s});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);  // no 1 s wait for a 100 Continue
  for (int i = 0; i < 100 && srv.requests().empty(); ++i) std::this_thread::sleep_for(10ms);
  const std::string req = srv.requests();
  // cpprestsdk writes "Name:value", libcurl "Name: value".
  EXPECT_TRUE(req.find("\r\nContent-Type: application/json\r\n") != std::string::npos ||
              req.find("\r\nContent-Type:application/json\r\n") != std::string::npos)
      << req.substr(0, 300);
  EXPECT_EQ(req.substr(req.size() - body.size()), body);
}

// libcurl's alone: cpprestsdk opened a second connection here (its pool takes a connection back only after the
// response's continuation ran, so a quick next request misses it).
TEST(CurlTransport, KeptAliveConnectionIsReused) {
  // One connection only: a second connection would never be answered.
  const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n";
  RawServer srv({{answer + "a"}, {answer + "b", 0ms, true}});
  auto t = NewCurlTransport({});
  ASSERT_TRUE(t.ok());
  const std::string url = "http://127.0.0.1:" + std::to_string(srv.port()) + "/x";
  auto first = (*t)->Send({"GET", url, {}, "", 2s});
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->body, "a");
  auto second = (*t)->Send({"GET", url, {}, "", 2s});
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->body, "b");
}

TEST_P(TransportTest, DestroyingAStreamClosesTheConnection) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}, {Chunk("x\n"), 5000ms}});
  auto t = NewTransportUnderTest({});
  ASSERT_TRUE(t.ok());
  auto s = (*t)->OpenStream({"GET", "http://127.0.0.1:" + std::to_string(srv.port()) + "/w", {}, "", 2s});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  s->reset();
  for (int i = 0; i < 100 && !srv.peer_closed(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(srv.peer_closed());
}

// Cancel with no reader blocked: the connection closes at once, and a later read says cancelled.
TEST(CurlTransport, CancelClosesTheConnectionWithoutAReader) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}, {Chunk("x\n"), 5000ms}});
  auto t = NewCurlTransport({});
  ASSERT_TRUE(t.ok());
  auto s = (*t)->OpenStream({"GET", "http://127.0.0.1:" + std::to_string(srv.port()) + "/w", {}, "", 2s});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  (*s)->Cancel();
  for (int i = 0; i < 100 && !srv.peer_closed(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(srv.peer_closed());
  auto r = (*s)->ReadLine(1s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
}

TEST(CurlTransport, RequestHeadIsWhatWasAsked) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}});
  {
    auto t = NewCurlTransport({});
    ASSERT_TRUE(t.ok());
    auto r = (*t)->Send({"PATCH", "http://127.0.0.1:" + std::to_string(srv.port()) + "/z?q=1",
                         {{"Content-Type", "application/json"}, {"X-Empty", ""}}, "{}", 2s});
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  for (int i = 0; i < 100 && srv.requests().empty(); ++i) std::this_thread::sleep_for(10ms);
  const std::string req = srv.requests();
  EXPECT_EQ(req.rfind("PATCH /z?q=1 HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("\r\nX-Empty:\r\n"), std::string::npos) << req;
  EXPECT_EQ(req.find("Expect:"), std::string::npos) << req;
  EXPECT_EQ(req.substr(req.size() - 2), "{}");
}

TEST(CurlTransport, MalformedRequestIsInvalidArgument) {
  auto t = NewCurlTransport({});
  ASSERT_TRUE(t.ok());
  for (const HttpRequest& bad : {HttpRequest{"GET", "http://", {}, ""}, HttpRequest{"GET", "not a url", {}, ""},
                                 HttpRequest{"G ET", "http://127.0.0.1:1/", {}, ""},
                                 HttpRequest{"GET", "http://127.0.0.1:1/", {{"X-Bad", "a\r\nInjected: 1"}}, ""},
                                 HttpRequest{"GET", "http://127.0.0.1:1/", {{"Bad Name", "v"}}, ""}}) {
    auto r = (*t)->Send(bad);
    ASSERT_FALSE(r.ok()) << bad.method << " " << bad.url;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
    auto s = (*t)->OpenStream(bad);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << s.error().ToString();
  }
}

// --- TLS (libcurl only: cpprestsdk has no server_name) ---

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A CA, a server certificate for api.example.test only (no IP), a client certificate, and an unrelated CA; made
// once with the openssl command (which the bed needs too).
class TlsFiles {
 public:
  static const TlsFiles& Get() {
    static TlsFiles files;
    return files;
  }
  std::string dir;
  bool ok = false;
  std::string Path(const std::string& name) const { return dir + "/" + name; }
  std::string Pem(const std::string& name) const { return ReadAll(Path(name)); }

 private:
  TlsFiles() {
    char tmpl[] = "/tmp/dg-http-tls-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return;
    dir = tmpl;
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string cmd =
        "cd " + dir + " && exec >openssl.log 2>&1 && " +
        "openssl req -x509 " + key + " -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca && " +
        "openssl req -x509 " + key + " -keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=other-ca && " +
        "openssl req " + key + " -keyout server.key -out server.csr -subj /CN=api.example.test && " +
        "printf 'subjectAltName=DNS:api.example.test\\n' >server.ext && " +
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext "
        "-out server.crt && " +
        "openssl req " + key + " -keyout client.key -out client.csr -subj /CN=test-client && " +
        "printf 'extendedKeyUsage=clientAuth\\n' >client.ext && " +
        "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext "
        "-out client.crt";
    ok = std::system(cmd.c_str()) == 0;
  }
};

// A TLS server on loopback that requires a client certificate from the test CA and answers every request with
// "<client CN> <Host header>".
class TlsServer {
 public:
  explicit TlsServer(const TlsFiles& f) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx_, f.Path("server.crt").c_str());
    SSL_CTX_use_PrivateKey_file(ctx_, f.Path("server.key").c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_load_verify_locations(ctx_, f.Path("ca.crt").c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] {
      BlockSigpipeInThisThread();
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        Serve(c);
        close(c);
      }
    });
  }
  ~TlsServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    SSL_CTX_free(ctx_);
  }
  int port() const { return port_; }

 private:
  void Serve(int c) {
    SSL* ssl = SSL_new(ctx_);
    SSL_set_fd(ssl, c);
    if (SSL_accept(ssl) == 1) {
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, n);
      }
      std::string cn = "none";
      if (X509* peer = SSL_get_peer_certificate(ssl)) {
        char name[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof name);
        cn = name;
        X509_free(peer);
      }
      std::string host;
      if (size_t h = req.find("\r\nHost: "); h != std::string::npos) host = req.substr(h + 8, req.find("\r\n", h + 2) - h - 8);
      const std::string body = cn + " " + host;
      const std::string resp = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
                               "\r\n\r\n" + body;
      SSL_write(ssl, resp.data(), static_cast<int>(resp.size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ERR_clear_error();
  }

  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

class CurlTls : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(files().ok) << "openssl failed; see " << files().dir << "/openssl.log"; }
  static const TlsFiles& files() { return TlsFiles::Get(); }
  static TlsConfig InMemory() {
    TlsConfig tls;
    tls.ca_pem = files().Pem("ca.crt");
    tls.client_cert_pem = files().Pem("client.crt");
    tls.client_key_pem = files().Pem("client.key");
    tls.server_name = "api.example.test";
    return tls;
  }
  std::string Url() const { return "https://127.0.0.1:" + std::to_string(server_.port()) + "/version"; }
  TlsServer server_{files()};
};

TEST_F(CurlTls, InMemoryPemsClientCertAndServerName) {
  auto t = NewCurlTransport(InMemory());
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  auto r = (*t)->Send({"GET", Url(), {}, "", 5s});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->status, 200);
  // The client certificate was presented; the Host header is still the URL's, as kubectl sends it.
  EXPECT_EQ(r->body, "test-client 127.0.0.1:" + std::to_string(server_.port()));
  auto s = (*t)->OpenStream({"GET", Url(), {}, "", 5s});
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ((*s)->status(), 200);
  auto line = (*s)->ReadLine(2s);
  ASSERT_TRUE(line.ok()) << line.error().ToString();
  EXPECT_EQ(*line, "test-client 127.0.0.1:" + std::to_string(server_.port()));
}

TEST_F(CurlTls, FilesWork) {
  TlsConfig tls;
  tls.ca_file = files().Path("ca.crt");
  tls.client_cert_file = files().Path("client.crt");
  tls.client_key_file = files().Path("client.key");
  tls.server_name = "api.example.test";
  auto t = NewCurlTransport(tls);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  auto r = (*t)->Send({"GET", Url(), {}, "", 5s});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(r->body.substr(0, 12), "test-client ");
}

// OpenSSL keeps a connection's read buffer between reads (libcurl would have it freed and allocated again on every
// read of a watch stream: curl_exchange.cc, KeepTlsBuffers). Looked at on the live connection, from the body sink.
TEST_F(CurlTls, ConnectionKeepsItsReadBuffer) {
  CurlEasy easy(curl_easy_init());
  ASSERT_NE(easy, nullptr);
  auto target = PlanTarget(Url(), "api.example.test");
  ASSERT_TRUE(target.ok()) << target.error().ToString();
  CurlRequest request;
  ASSERT_TRUE(request.Apply(easy.get(), InMemory(), {"GET", Url(), {}, "", 5s}, *target).ok());
  struct Seen {
    CURL* easy;
    long mode = -1;
  } seen{easy.get()};
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void* userp) -> size_t {
    auto* seen = static_cast<Seen*>(userp);
    const curl_tlssessioninfo* info = nullptr;
    if (curl_easy_getinfo(seen->easy, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info != nullptr &&
        info->backend == CURLSSLBACKEND_OPENSSL && info->internals != nullptr) {
      seen->mode = static_cast<long>(SSL_get_mode(static_cast<SSL*>(info->internals)));
    }
    return size * n;
  });
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &seen);
  ASSERT_EQ(curl_easy_perform(easy.get()), CURLE_OK) << request.error_detail();
  ASSERT_NE(seen.mode, -1) << "no OpenSSL connection seen";
  EXPECT_EQ(seen.mode & static_cast<long>(SSL_MODE_RELEASE_BUFFERS), 0);
}

TEST_F(CurlTls, VerificationFailuresAreUnavailable) {
  TlsConfig no_name = InMemory();
  no_name.server_name.clear();  // the certificate names api.example.test, not 127.0.0.1
  TlsConfig other_ca = InMemory();
  other_ca.ca_pem = files().Pem("other-ca.crt");
  TlsConfig system_store = InMemory();
  system_store.ca_pem.clear();  // the test CA is in no system store
  TlsConfig no_client_cert = InMemory();
  no_client_cert.client_cert_pem.clear();
  no_client_cert.client_key_pem.clear();
  for (const TlsConfig& tls : {no_name, other_ca, system_store, no_client_cert}) {
    auto t = NewCurlTransport(tls);
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    auto r = (*t)->Send({"GET", Url(), {}, "", 5s});
    ASSERT_FALSE(r.ok()) << r->body;
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().ToString();
  }
}

TEST_F(CurlTls, CertificateWithoutKeyIsRefused) {
  TlsConfig tls = InMemory();
  tls.client_key_pem.clear();
  auto t = NewCurlTransport(tls);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace domainguard::http
