// Exercises the real cpprestsdk transport and server on loopback: whole exchanges, error mapping, deadlines,
// and a chunked body read incrementally with a stall detected by the read timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "controller/http/server.h"
#include "controller/http/transport.h"

namespace domainguard::http {
namespace {

using namespace std::chrono_literals;

// A one-connection raw HTTP server whose script of writes (with pauses) the test controls.
class RawServer {
 public:
  struct Step {
    std::string bytes;
    std::chrono::milliseconds pause_before{0};
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
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      std::string req;
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, n);
      }
      for (const auto& s : script) {
        for (auto waited = 0ms; waited < s.pause_before && !stop_; waited += 10ms) std::this_thread::sleep_for(10ms);
        if (stop_) break;
        if (write(c, s.bytes.data(), s.bytes.size()) < 0) break;
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

 private:
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string Chunk(const std::string& s) {
  char hex[16];
  snprintf(hex, sizeof hex, "%zx", s.size());
  return std::string(hex) + "\r\n" + s + "\r\n";
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

TEST(CppRestTransport, SendsAndReceivesThroughServer) {
  int port = FreePort();
  auto server = Serve("127.0.0.1", port, [](const ServerRequest& r) {
    if (r.path == "/healthz") return ServerResponse{200, "text/plain", "ok " + r.method + " " + r.query};
    return ServerResponse{404, "text/plain", "nope"};
  });
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  auto t = NewCppRestTransport({});
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

TEST(CppRestTransport, ConnectionRefusedIsUnavailable) {
  auto t = NewCppRestTransport({});
  ASSERT_TRUE(t.ok());
  auto r = (*t)->Send({"GET", "http://127.0.0.1:" + std::to_string(FreePort()) + "/", {}, "", 5s});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().ToString();
}

TEST(CppRestTransport, MalformedUrlIsInvalidArgument) {
  auto t = NewCppRestTransport({});
  ASSERT_TRUE(t.ok());
  auto r = (*t)->Send({"GET", "ftp://127.0.0.1/x", {}, ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(CppRestTransport, MissingTlsFileIsNamed) {
  TlsConfig tls;
  tls.ca_file = "/nonexistent/ca.crt";
  auto t = NewCppRestTransport(tls);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(t.error().message.find("/nonexistent/ca.crt"), std::string::npos);
}

TEST(CppRestTransport, SlowServerHitsDeadline) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 3000ms}});
  auto t = NewCppRestTransport({});
  ASSERT_TRUE(t.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*t)->Send({"GET", "http://127.0.0.1:" + std::to_string(srv.port()) + "/", {}, "", 300ms});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded) << r.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
}

TEST(CppRestTransport, StreamReadsChunksAsTheyArriveAndDetectsStall) {
  RawServer srv({
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"},
      {Chunk("{\"type\":\"ADDED\"}\n{\"type\":"), 50ms},
      {Chunk("\"MODIFIED\"}\n"), 200ms},
      // then silence for longer than the reader waits: a stalled stream
      {Chunk("{\"type\":\"DELETED\"}\n"), 1500ms},
      {"0\r\n\r\n", 0ms},
  });
  auto t = NewCppRestTransport({});
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

TEST(CppRestTransport, CancelUnblocksReader) {
  RawServer srv({{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"}, {Chunk("x\n"), 5000ms}});
  auto t = NewCppRestTransport({});
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

}  // namespace
}  // namespace domainguard::http
