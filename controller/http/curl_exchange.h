// One HTTP exchange as libcurl is told it: the pieces shared by CurlTransport::Send and the curl LineStream
// (curl_transport.h). Internal to controller/http/.
//
// The pure parts (PlanTarget, ParseHeaderLine, CurlError) are table-tested in curl_exchange_test.cc.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "controller/base/result.h"
#include "controller/http/curl_handles.h"
#include "controller/http/transport.h"

namespace domainguard::http {

// Where libcurl sends a request. With a TLS server name the URL's host is replaced by that name (so SNI and the
// certificate check use it), the connection still goes to the URL's own host and port (CURLOPT_CONNECT_TO), and
// the Host header keeps the URL's authority, as Go's tls.Config.ServerName does for kubectl.
struct CurlTarget {
  std::string url;          // what CURLOPT_URL gets
  std::string connect_to;   // "name:port:host:port" for CURLOPT_CONNECT_TO, or empty
  std::string host_header;  // "Host: authority" to send, or empty
};

// Checks the URL (http or https, a host) and plans the target. kInvalidArgument for a malformed URL.
Result<CurlTarget> PlanTarget(const std::string& url, const std::string& server_name);

// The status and headers of the final response, built from the header lines libcurl hands over one by one (a
// status line starts a new response, so a 100 Continue's headers are dropped).
struct ResponseHead {
  int status = 0;
  std::vector<Header> headers;
  bool complete = false;  // the blank line after a final (non-1xx) status line arrived
};
void ParseHeaderLine(std::string_view line, ResponseHead& head);

// A failed exchange as transport.h's Error: a deadline -> kDeadlineExceeded, a URL libcurl refuses ->
// kInvalidArgument, an abort by our own callbacks -> kCancelled, anything else on the way (refused, reset, DNS,
// TLS handshake or verification) -> kUnavailable. `detail` is libcurl's error buffer (may be empty).
Error CurlError(CURLcode code, const std::string& what, std::string_view detail);

// The request half of an exchange: owns what libcurl reads from while the transfer runs (header list, body) and
// the response head it fills. Apply sets every option but the body sink and the time limits, which differ
// between a whole exchange and a stream. Must outlive the transfer on the handle it was applied to.
class CurlRequest {
 public:
  Status Apply(CURL* easy, const TlsConfig& tls, const HttpRequest& request, const CurlTarget& target);
  ResponseHead& head() { return head_; }
  const char* error_detail() const { return error_; }

 private:
  CurlSlist headers_;
  CurlSlist connect_to_;
  std::string body_;
  ResponseHead head_;
  char error_[CURL_ERROR_SIZE] = {};
};

// The URL without query, for messages: a query may carry tokens in some APIs.
std::string DescribeExchange(const std::string& method, const std::string& url);

}  // namespace domainguard::http
