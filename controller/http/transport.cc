// Shared pieces of the HTTP interface (transport.h) and the factory. Thread-safe.
#include "controller/http/transport.h"

#include <strings.h>

#include <cstdio>

#include "controller/http/curl_transport.h"

namespace domainguard::http {

std::optional<std::string> HttpResponse::Header(const std::string& name) const {
  for (const auto& h : headers) {
    if (h.name.size() == name.size() && strncasecmp(h.name.c_str(), name.c_str(), name.size()) == 0) return h.value;
  }
  return std::nullopt;
}

namespace {

bool ReadableFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  std::fclose(f);
  return true;
}

}  // namespace

Status CheckTlsConfig(const TlsConfig& tls) {
  if (tls.ca_pem.empty() && !tls.ca_file.empty() && !ReadableFile(tls.ca_file)) {
    return Error::InvalidArgument("cannot read TLS file " + tls.ca_file);
  }
  if (tls.client_cert_pem.empty() && !tls.client_cert_file.empty() && !ReadableFile(tls.client_cert_file)) {
    return Error::InvalidArgument("cannot read TLS file " + tls.client_cert_file);
  }
  if (tls.client_key_pem.empty() && !tls.client_key_file.empty() && !ReadableFile(tls.client_key_file)) {
    return Error::InvalidArgument("cannot read TLS file " + tls.client_key_file);
  }
  const bool has_cert = !tls.client_cert_file.empty() || !tls.client_cert_pem.empty();
  const bool has_key = !tls.client_key_file.empty() || !tls.client_key_pem.empty();
  if (has_cert != has_key) return Error::InvalidArgument("a client certificate needs both a certificate and a key");
  return OkStatus();
}

Result<std::unique_ptr<Transport>> NewTransport(const TlsConfig& tls) { return NewCurlTransport(tls); }

}  // namespace domainguard::http
