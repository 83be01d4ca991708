// A small HTTP server for the manager's plain endpoints: GET /metrics, /healthz, /readyz. cpprestsdk's
// http_listener stays behind this interface.
//
// Thread-safety: the handler is called from the listener's threads, possibly several at once; it must be
// thread-safe. Stop may be called from any thread; the destructor stops the server.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "controller/base/result.h"

namespace domainguard::http {

struct ServerRequest {
  std::string method;  // "GET", ...
  std::string path;    // "/metrics", without the query
  std::string query;   // "a=b", without '?'
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using ServerHandler = std::function<ServerResponse(const ServerRequest&)>;

class Server {
 public:
  virtual ~Server() = default;
  // Stops accepting requests and waits for the listener to close. Idempotent.
  virtual void Stop() = 0;
};

// Starts serving plain HTTP on addr:port (e.g. "127.0.0.1", 8081; "0.0.0.0" for all interfaces) and calls
// `handler` for every request. A handler that throws answers 500. Fails with kUnavailable when the port cannot
// be bound, kInvalidArgument for a malformed address.
Result<std::unique_ptr<Server>> Serve(const std::string& addr, int port, ServerHandler handler);

}  // namespace domainguard::http
