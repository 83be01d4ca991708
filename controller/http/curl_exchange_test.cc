// Table tests of the pure parts of a libcurl exchange (curl_exchange.h): the target a URL and TLS server name make,
// response header lines, and libcurl results as errors.
#include "controller/http/curl_exchange.h"

#include <gtest/gtest.h>

namespace domainguard::http {
namespace {

TEST(PlanTarget, Table) {
  struct Case {
    std::string url, server_name;
    bool ok;
    CurlTarget want;
  };
  const std::vector<Case> cases = {
      {"http://127.0.0.1:8081/api/v1?watch=1", "", true, {"http://127.0.0.1:8081/api/v1?watch=1", "", ""}},
      {"https://rdap.example/domain/x.test", "", true, {"https://rdap.example/domain/x.test", "", ""}},
      {"https://127.0.0.1:6443/version",
       "api.example.test",
       true,
       {"https://api.example.test:6443/version", "api.example.test:6443:127.0.0.1:6443", "Host: 127.0.0.1:6443"}},
      {"https://10.0.0.1/version?x=1",
       "kubernetes",
       true,
       {"https://kubernetes/version?x=1", "kubernetes:443:10.0.0.1:443", "Host: 10.0.0.1"}},
      {"ftp://127.0.0.1/x", "", false, {}},
      {"127.0.0.1:8081/x", "", false, {}},
      {"http://", "", false, {}},
      {"", "", false, {}},
      {"https://127.0.0.1/", "bad name", false, {}},
  };
  for (const Case& c : cases) {
    Result<CurlTarget> got = PlanTarget(c.url, c.server_name);
    ASSERT_EQ(got.ok(), c.ok) << c.url << " " << c.server_name;
    if (!c.ok) {
      EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument) << c.url;
      continue;
    }
    EXPECT_EQ(got->url, c.want.url);
    EXPECT_EQ(got->connect_to, c.want.connect_to);
    EXPECT_EQ(got->host_header, c.want.host_header);
  }
}

TEST(ParseHeaderLine, Table) {
  struct Case {
    std::vector<std::string> lines;
    int status;
    std::vector<std::pair<std::string, std::string>> headers;
    bool complete;
  };
  const std::vector<Case> cases = {
      {{"HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n", "X-A:  spaced  \r\n", "\r\n"},
       200,
       {{"Content-Type", "application/json"}, {"X-A", "spaced"}},
       true},
      // a 100 Continue's head is dropped when the final status line comes
      {{"HTTP/1.1 100 Continue\r\n", "X-Early: 1\r\n", "\r\n", "HTTP/1.1 404 Not Found\r\n", "A: b\r\n", "\r\n"},
       404,
       {{"A", "b"}},
       true},
      {{"HTTP/1.1 100 Continue\r\n", "\r\n"}, 100, {}, false},  // not final: headers still to come
      {{"HTTP/1.1 200 OK\r\n", "A: 1\r\n"}, 200, {{"A", "1"}}, false},
      // trailers after the head are not headers; lines without a colon are skipped
      {{"HTTP/1.1 200 OK\r\n", "no colon here\r\n", "\r\n", "X-Trailer: t\r\n"}, 200, {}, true},
      {{"HTTP/2 204\r\n", "\r\n"}, 204, {}, true},
  };
  for (const Case& c : cases) {
    ResponseHead head;
    for (const auto& l : c.lines) ParseHeaderLine(l, head);
    EXPECT_EQ(head.status, c.status) << c.lines[0];
    EXPECT_EQ(head.complete, c.complete) << c.lines[0];
    ASSERT_EQ(head.headers.size(), c.headers.size()) << c.lines[0];
    for (size_t i = 0; i < c.headers.size(); ++i) {
      EXPECT_EQ(head.headers[i].name, c.headers[i].first);
      EXPECT_EQ(head.headers[i].value, c.headers[i].second);
    }
  }
}

TEST(CurlError, Table) {
  const std::vector<std::pair<CURLcode, ErrorCode>> cases = {
      {CURLE_OPERATION_TIMEDOUT, ErrorCode::kDeadlineExceeded},
      {CURLE_COULDNT_CONNECT, ErrorCode::kUnavailable},
      {CURLE_COULDNT_RESOLVE_HOST, ErrorCode::kUnavailable},
      {CURLE_RECV_ERROR, ErrorCode::kUnavailable},
      {CURLE_SEND_ERROR, ErrorCode::kUnavailable},
      {CURLE_GOT_NOTHING, ErrorCode::kUnavailable},
      {CURLE_PARTIAL_FILE, ErrorCode::kUnavailable},
      {CURLE_SSL_CONNECT_ERROR, ErrorCode::kUnavailable},
      {CURLE_PEER_FAILED_VERIFICATION, ErrorCode::kUnavailable},
      {CURLE_SSL_CERTPROBLEM, ErrorCode::kUnavailable},
      {CURLE_URL_MALFORMAT, ErrorCode::kInvalidArgument},
      {CURLE_UNSUPPORTED_PROTOCOL, ErrorCode::kInvalidArgument},
      {CURLE_ABORTED_BY_CALLBACK, ErrorCode::kCancelled},
      {CURLE_BAD_FUNCTION_ARGUMENT, ErrorCode::kInternal},
  };
  for (const auto& [code, want] : cases) {
    Error e = CurlError(code, "GET http://x/", "");
    EXPECT_EQ(e.code, want) << curl_easy_strerror(code);
    EXPECT_EQ(e.message, std::string("GET http://x/: ") + curl_easy_strerror(code));
  }
  EXPECT_EQ(CurlError(CURLE_COULDNT_CONNECT, "GET u", "Failed to connect to 127.0.0.1 port 1").message,
            "GET u: Failed to connect to 127.0.0.1 port 1");
}

}  // namespace
}  // namespace domainguard::http
