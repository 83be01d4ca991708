// The libcurl-backed Transport (curl_transport.h): Send on pooled easy handles, streams by curl_line_stream.h.
#include "controller/http/curl_transport.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "controller/http/curl_exchange.h"
#include "controller/http/curl_line_stream.h"

namespace domainguard::http {
namespace {

// Idle handles kept for reuse: about the number of threads that send at once (records workers, controllers'
// workers, the informers' lists). A handle beyond it is cleaned up after its exchange, closing its connections.
constexpr size_t kMaxIdleHandles = 32;

size_t OnBody(char* data, size_t size, size_t n, void* userp) {
  static_cast<std::string*>(userp)->append(data, size * n);
  return size * n;
}

// Easy handles not in use. A handle keeps its live connections, TLS session and DNS cache across exchanges.
class HandlePool {
 public:
  CurlEasy Take() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        CurlEasy h = std::move(idle_.back());  // the most recently used: its connection is the likeliest alive
        idle_.pop_back();
        return h;
      }
    }
    EnsureCurlGlobalInit();
    return CurlEasy(curl_easy_init());
  }
  void Give(CurlEasy h) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < kMaxIdleHandles) idle_.push_back(std::move(h));
  }

 private:
  std::mutex mu_;
  std::vector<CurlEasy> idle_;  // guarded by mu_
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TlsConfig tls) : tls_(std::move(tls)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    const std::string what = DescribeExchange(request.method, request.url);
    Result<CurlTarget> target = PlanTarget(request.url, tls_.server_name);
    if (!target.ok()) return target.error().Wrap(what);
    CurlEasy easy = pool_.Take();
    if (!easy) return Error::Internal(what + ": curl_easy_init failed");
    Result<HttpResponse> r = Exchange(easy.get(), request, *target, what);
    // The options of this exchange point into its CurlRequest, gone now; connections, TLS sessions and the DNS
    // cache stay with the handle for the next one.
    curl_easy_reset(easy.get());
    pool_.Give(std::move(easy));
    return r;
  }

  Result<std::unique_ptr<LineStream>> OpenStream(const HttpRequest& request) override {
    return OpenCurlLineStream(tls_, request);
  }

 private:
  Result<HttpResponse> Exchange(CURL* easy, const HttpRequest& request, const CurlTarget& target,
                                const std::string& what) {
    CurlRequest req;
    if (auto s = req.Apply(easy, tls_, request, target); !s.ok()) return s.error().Wrap(what);
    HttpResponse out;
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, request.timeout.count())));
    CURLcode rc = curl_easy_perform(easy);
    if (rc != CURLE_OK) return CurlError(rc, what, req.error_detail());
    out.status = req.head().status;
    out.headers = std::move(req.head().headers);
    return out;
  }

  const TlsConfig tls_;
  HandlePool pool_;
};

}  // namespace

Result<std::unique_ptr<Transport>> NewCurlTransport(const TlsConfig& tls) {
  if (auto s = CheckTlsConfig(tls); !s.ok()) return s.error();
  EnsureCurlGlobalInit();
  return std::unique_ptr<Transport>(std::make_unique<CurlTransport>(tls));
}

}  // namespace domainguard::http
