// The pieces of one libcurl exchange shared by Send and streams (curl_exchange.h).
#include "controller/http/curl_exchange.h"

#include <strings.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace domainguard::http {
namespace {

// A string libcurl allocated, freed with curl_free.
struct CurlString {
  char* p = nullptr;
  ~CurlString() { curl_free(p); }
  std::string str() const { return p == nullptr ? "" : p; }
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// RFC 9110 token characters: a method or header name with anything else would be a malformed (or smuggled) request.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

size_t OnHeaderLine(char* data, size_t size, size_t n, void* userp) {
  ParseHeaderLine(std::string_view(data, size * n), *static_cast<ResponseHead*>(userp));
  return size * n;
}

void SetBlob(CURL* easy, CURLoption option, const std::string& pem) {
  curl_blob blob{};
  blob.data = const_cast<char*>(pem.data());
  blob.len = pem.size();
  blob.flags = CURL_BLOB_COPY;
  curl_easy_setopt(easy, option, &blob);
}

// libcurl sets SSL_MODE_RELEASE_BUFFERS on every TLS context: OpenSSL then frees a connection's ~17 KB read
// buffer each time it is drained and allocates it again on the next read. On a watch stream that is one large
// malloc per event, and glibc consolidates its fast bins before each (malloc_consolidate under SSL_read was ~3 % of
// the controller's CPU while a batch of Domains was applied). Our TLS connections are few and kept alive (the
// apiserver's), so they keep their buffers.
CURLcode KeepTlsBuffers(CURL* /*easy*/, void* ssl_ctx, void* /*userp*/) {
  SSL_CTX_clear_mode(static_cast<SSL_CTX*>(ssl_ctx), SSL_MODE_RELEASE_BUFFERS);
  return CURLE_OK;
}

void ApplyTls(CURL* easy, const TlsConfig& tls) {
  curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, KeepTlsBuffers);
  // Never off: there is no switch for it.
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!tls.ca_pem.empty() || !tls.ca_file.empty()) {
    // Trust only the configured CA (as kubectl does), not the system bundle or directory libcurl defaults to.
    curl_easy_setopt(easy, CURLOPT_CAPATH, static_cast<char*>(nullptr));
    if (!tls.ca_pem.empty()) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, static_cast<char*>(nullptr));
      SetBlob(easy, CURLOPT_CAINFO_BLOB, tls.ca_pem);
    } else {
      curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
    }
  }
  if (!tls.client_cert_pem.empty() || !tls.client_cert_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_SSLCERTTYPE, "PEM");
    if (!tls.client_cert_pem.empty()) {
      SetBlob(easy, CURLOPT_SSLCERT_BLOB, tls.client_cert_pem);
    } else {
      curl_easy_setopt(easy, CURLOPT_SSLCERT, tls.client_cert_file.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_SSLKEYTYPE, "PEM");
    if (!tls.client_key_pem.empty()) {
      SetBlob(easy, CURLOPT_SSLKEY_BLOB, tls.client_key_pem);
    } else {
      curl_easy_setopt(easy, CURLOPT_SSLKEY, tls.client_key_file.c_str());
    }
  }
}

}  // namespace

std::string DescribeExchange(const std::string& method, const std::string& url) {
  return method + " " + url.substr(0, url.find('?'));
}

Result<CurlTarget> PlanTarget(const std::string& url, const std::string& server_name) {
  EnsureCurlGlobalInit();
  CurlUrl u(curl_url());
  if (!u) return Error::Internal("curl_url failed");
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0); rc != CURLUE_OK) {
    return Error::InvalidArgument(std::string("malformed URL: ") + curl_url_strerror(rc));
  }
  CurlString scheme, host, port, explicit_port;
  curl_url_get(u.get(), CURLUPART_SCHEME, &scheme.p, 0);
  if (scheme.str() != "http" && scheme.str() != "https") {
    return Error::InvalidArgument("unsupported URL scheme \"" + scheme.str() + "\"");
  }
  if (curl_url_get(u.get(), CURLUPART_HOST, &host.p, 0) != CURLUE_OK || host.str().empty()) {
    return Error::InvalidArgument("URL has no host");
  }
  CurlTarget target;
  if (server_name.empty()) {
    target.url = url;
    return target;
  }
  curl_url_get(u.get(), CURLUPART_PORT, &port.p, CURLU_DEFAULT_PORT);
  const bool has_port = curl_url_get(u.get(), CURLUPART_PORT, &explicit_port.p, 0) == CURLUE_OK;
  if (!IsToken(server_name) || curl_url_set(u.get(), CURLUPART_HOST, server_name.c_str(), 0) != CURLUE_OK) {
    return Error::InvalidArgument("malformed TLS server name \"" + server_name + "\"");
  }
  CurlString rewritten;
  if (curl_url_get(u.get(), CURLUPART_URL, &rewritten.p, 0) != CURLUE_OK) {
    return Error::InvalidArgument("malformed URL with TLS server name \"" + server_name + "\"");
  }
  target.url = rewritten.str();
  target.connect_to = server_name + ":" + port.str() + ":" + host.str() + ":" + port.str();
  target.host_header = "Host: " + host.str();
  if (has_port) target.host_header.append(":").append(explicit_port.str());
  return target;
}

void ParseHeaderLine(std::string_view line, ResponseHead& head) {
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    head = ResponseHead{};
    size_t sp = line.find(' ');
    if (sp != std::string_view::npos) head.status = std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
    return;
  }
  if (head.complete) return;  // trailers of a chunked body: not part of the head
  line = Trim(line);
  if (line.empty()) {
    if (head.status >= 200) head.complete = true;
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;  // not a header; libcurl has already judged the framing
  head.headers.push_back({std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1)))});
}

Error CurlError(CURLcode code, const std::string& what, std::string_view detail) {
  const std::string msg = what + ": " + (detail.empty() ? std::string(curl_easy_strerror(code)) : std::string(detail));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Error::DeadlineExceeded(msg);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error::InvalidArgument(msg);
    case CURLE_ABORTED_BY_CALLBACK:
      return Error::Cancelled(msg);
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_FAILED_INIT:
    case CURLE_OUT_OF_MEMORY:
      return Error::Internal(msg);
    default:
      return Error::Unavailable(msg);
  }
}

Status CurlRequest::Apply(CURL* easy, const TlsConfig& tls, const HttpRequest& request, const CurlTarget& target) {
  head_ = ResponseHead{};
  error_[0] = '\0';
  if (!IsToken(request.method)) return Error::InvalidArgument("malformed method \"" + request.method + "\"");
  curl_slist* list = nullptr;
  auto add = [&list](const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next != nullptr) list = next;
    return next != nullptr;
  };
  const bool has_body =
      !request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  std::string content_type = "application/octet-stream";
  bool ok = true;
  for (const auto& h : request.headers) {
    if (!IsToken(h.name) || HasLineBreak(h.value)) {
      curl_slist_free_all(list);
      return Error::InvalidArgument("malformed header \"" + h.name + "\"");
    }
    if (strcasecmp(h.name.c_str(), "Content-Type") == 0) {
      content_type = h.value;
      continue;
    }
    // "Name:" would tell libcurl to drop its own header of that name; "Name;" sends it empty.
    ok = ok && add(h.value.empty() ? h.name + ";" : h.name + ": " + h.value);
  }
  if (has_body) ok = ok && add("Content-Type: " + content_type);
  if (!target.host_header.empty()) ok = ok && add(target.host_header);
  // No "Expect: 100-continue" for bodies over 1 KB: servers that never answer it (PowerDNS) would cost a 1 s wait.
  ok = ok && add("Expect:");
  headers_.reset(list);
  if (!ok) return Error::Internal("curl_slist_append failed");
  if (!target.connect_to.empty()) {
    connect_to_.reset(curl_slist_append(nullptr, target.connect_to.c_str()));
    if (!connect_to_) return Error::Internal("curl_slist_append failed");
    curl_easy_setopt(easy, CURLOPT_CONNECT_TO, connect_to_.get());
  }

  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_);
  curl_easy_setopt(easy, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  // Many threads use handles at once: no signals (the threaded resolver needs no alarm).
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  // HTTP/1.1 as before (cpprestsdk spoke nothing else): one connection per exchange in flight, no h2 state.
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers_.get());
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, OnHeaderLine);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &head_);
  ApplyTls(easy, tls);

  if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET" && request.method != "POST") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (has_body) {
    body_ = request.body;
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body_.data());
  }
  return OkStatus();
}

}  // namespace domainguard::http
