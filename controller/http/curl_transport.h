// The libcurl-backed Transport (transport.h), which domainguard's HTTP clients use (http::NewTransport).
//
// Why libcurl and not cpprestsdk for clients: an exchange runs on the calling thread from start to end (no hops
// across a thread pool, no resolver thread for IP literals), which cut the controller's CPU per exchange
// (tests/bench/README.md, "HTTP transports"). cpprestsdk stays for the metrics/probe server (server.h).
//
// Send: blocking, on the caller's thread, on an easy handle taken from a small pool of idle ones, so a server that
// keeps connections alive (the apiserver) sees them reused; the request's timeout bounds the whole exchange.
// OpenStream: a stream owns its own handle and multi handle (a long watch never holds a pooled connection); the
// reader's ReadLine drives the transfer on its own thread until a line is complete, and Cancel wakes it
// (curl_multi_wakeup) and closes the connection at once when nobody is reading.
//
// Thread-safety: a CurlTransport may be used from many threads. A LineStream is for one reader thread, plus Cancel
// from any thread.
#pragma once

#include <memory>

#include "controller/base/result.h"
#include "controller/http/transport.h"

namespace domainguard::http {

// Creates the libcurl-backed transport. `tls` applies to https URLs (server_name included). Fails with
// kInvalidArgument when a TLS file cannot be read, naming the file, or a certificate comes without its key.
Result<std::unique_ptr<Transport>> NewCurlTransport(const TlsConfig& tls);

}  // namespace domainguard::http
