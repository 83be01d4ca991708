// HTTP client transport: the one interface every HTTP caller in domainguard uses (Kubernetes API, PowerDNS API,
// RDAP, webhooks). Made by NewTransport: libcurl (curl_transport.h), each exchange on the caller's thread.
// cpprestsdk's transport (NewCppRestTransport) is kept to compare the two (transport_test.cc, the HTTP bench);
// cpprestsdk itself stays for the metrics/probe server (server.h). Both libraries' headers stay in this folder.
//
// Thread-safety: implementations are safe to call from several threads at once. Nothing here throws; every
// failure is an Error value:
//   connection refused / reset, TLS handshake failure, 5xx-free transport trouble  -> kUnavailable
//   the deadline passed                                                            -> kDeadlineExceeded
//   a malformed URL or request                                                     -> kInvalidArgument
// HTTP status codes are not errors here: a 404 or 500 is a successful exchange returned as HttpResponse.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "controller/base/result.h"

namespace domainguard::http {

// TLS settings for one client. Verification is always on; there is no switch to turn it off.
struct TlsConfig {
  std::string ca_file;           // PEM bundle of trusted CAs; empty: the system store
  std::string client_cert_file;  // PEM client certificate (mutual TLS), optional
  std::string client_key_file;   // its PEM key
  std::string server_name;       // SNI / name to verify when it differs from the URL host, optional
  // In-memory PEM alternatives to the files above (kubeconfig *-data fields), so keys never touch the disk.
  // When set, each takes the place of its file.
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
};

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE
  std::string url;             // absolute: scheme://host[:port]/path?query
  std::vector<Header> headers;
  std::string body;
  // Whole-exchange deadline for Send; for OpenStream, the deadline to receive the response headers.
  std::chrono::milliseconds timeout{30000};
};

struct HttpResponse {
  int status = 0;
  std::vector<http::Header> headers;  // qualified: the member function Header below would change its meaning
  std::string body;

  // Case-insensitive header lookup; the first match.
  std::optional<std::string> Header(const std::string& name) const;
};

// A response body read incrementally, line by line (Kubernetes watch streams send one JSON object per line).
// Owned by the caller; destroying it closes the connection.
class LineStream {
 public:
  virtual ~LineStream() = default;
  // The response status and headers, available once the stream is open.
  virtual int status() const = 0;
  // Waits up to `timeout` for the next complete line (without the '\n').
  //   a line              -> the line
  //   timeout, no line    -> kDeadlineExceeded (the stream stays usable; the caller decides if it is stalled)
  //   the server closed   -> kNotFound with message "end of stream"
  //   a broken connection -> kUnavailable
  virtual Result<std::string> ReadLine(std::chrono::milliseconds timeout) = 0;
  // Unblocks a ReadLine in progress on another thread; further reads fail with kCancelled.
  virtual void Cancel() = 0;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and reads the whole response.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
  // Sends one request and returns the body as a stream of lines, for long-lived responses.
  virtual Result<std::unique_ptr<LineStream>> OpenStream(const HttpRequest& request) = 0;
};

// Creates domainguard's HTTP client transport: libcurl's (curl_transport.h). `tls` applies to https URLs. Fails with
// kInvalidArgument when a TLS file cannot be read, naming the file.
Result<std::unique_ptr<Transport>> NewTransport(const TlsConfig& tls);

// Why `tls` cannot be used: a file that cannot be read (named), a certificate without its key or the reverse.
Status CheckTlsConfig(const TlsConfig& tls);

// Sizes the thread pool that runs every cpprestsdk exchange's I/O and continuations (the metrics server, and
// NewCppRestTransport's clients) to `threads`, instead of cpprestsdk's 40. Nothing on the pool blocks (callers wait on their own
// threads), so it needs about one thread per core; 40 idle threads meant a wake-up and a sleep of another thread
// at nearly every step of every exchange, ~27% of the controller's CPU while 1,000 new Domains arrived (issue
// #14). REQUIRES: before any transport or server is made; fails with kInternal after.
Status SizeThreadPool(size_t threads);

// Creates the cpprestsdk-backed transport (no server_name). `tls` applies to https URLs. Fails with kInvalidArgument when a TLS
// file cannot be read, naming the file.
Result<std::unique_ptr<Transport>> NewCppRestTransport(const TlsConfig& tls);

}  // namespace domainguard::http
