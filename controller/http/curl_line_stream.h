// The libcurl LineStream (transport.h): a response body read line by line as it arrives, driven by the reader.
// Internal to controller/http/; made by CurlTransport::OpenStream (curl_transport.h).
#pragma once

#include <memory>

#include "controller/base/result.h"
#include "controller/http/transport.h"

namespace domainguard::http {

// Sends `request` on a connection of its own and waits up to request.timeout for the response headers.
Result<std::unique_ptr<LineStream>> OpenCurlLineStream(const TlsConfig& tls, const HttpRequest& request);

}  // namespace domainguard::http
