// The cpprestsdk-backed Transport (transport.h).
//
// Every pplx task ends in a continuation that stores a Result in a shared state; the calling thread waits on
// that state with its own deadline, so no exception crosses a thread and a stuck exchange cannot block a caller
// forever (the request is cancelled when the wait gives up). Watch streams read the response body as it
// arrives: cpprestsdk completes the response task once the headers are in and keeps writing body chunks into a
// producer/consumer buffer, which ReadLine drains without waiting for the end.
//
// Thread-safety: CppRestTransport may be used from many threads (clients are cached under a mutex). A LineStream
// is for one reader thread, plus Cancel from any thread.
#include <openssl/ssl.h>
#include <sys/stat.h>

#include <array>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <system_error>

// cpprestsdk's U() macro breaks fmt (spdlog); turn it off before its headers.
#define _TURN_OFF_PLATFORM_STRING
#include <cpprest/http_client.h>
#include <cpprest/uri.h>
#include <pplx/threadpool.h>
#include <spdlog/spdlog.h>

#include "controller/http/line_buffer.h"
#include "controller/http/transport.h"

namespace domainguard::http {
namespace {

using web::http::client::http_client;
using web::http::client::http_client_config;

// cpprestsdk's own inactivity timer is reset on every read; for a stream our ReadLine deadline decides when a
// quiet stream is stalled, so the library's timer only has to catch a connection that is truly dead.
constexpr std::chrono::hours kStreamLibraryTimeout{24};
// Grace on top of the request timeout before we give up waiting for cpprestsdk's own timeout to fire.
constexpr std::chrono::milliseconds kWaitGrace{500};

Error MapException(std::exception_ptr ep, const std::string& what_for) {
  try {
    std::rethrow_exception(ep);
  } catch (const web::http::http_exception& e) {
    if (e.error_code() == std::errc::timed_out) return Error::DeadlineExceeded(what_for + ": " + e.what());
    if (e.error_code() == std::errc::operation_canceled) return Error::Cancelled(what_for + ": cancelled");
    return Error::Unavailable(what_for + ": " + e.what());
  } catch (const pplx::task_canceled&) {
    return Error::Cancelled(what_for + ": cancelled");
  } catch (const web::uri_exception& e) {
    return Error::InvalidArgument(what_for + ": malformed URL: " + e.what());
  } catch (const std::exception& e) {
    return Error::Unavailable(what_for + ": " + e.what());
  } catch (...) {
    return Error::Unavailable(what_for + ": unknown failure");
  }
}

// The URL without query, for messages: a query may carry tokens in some APIs.
std::string Describe(const std::string& method, const std::string& url) {
  return method + " " + url.substr(0, url.find('?'));
}

// One value handed from a pplx continuation to a waiting thread.
template <typename T>
class Handoff {
 public:
  void Set(Result<T> r) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!value_) value_.emplace(std::move(r));
    cv_.notify_all();
  }
  // The value, or nullopt when `timeout` passed first.
  std::optional<Result<T>> WaitFor(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return value_.has_value(); })) return std::nullopt;
    return std::move(*value_);
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Result<T>> value_;  // guarded by mu_
};

std::vector<Header> CopyHeaders(const web::http::http_headers& in) {
  std::vector<Header> out;
  for (const auto& [name, value] : in) out.push_back({name, value});
  return out;
}

// Body stream state shared between the reader and the pplx continuation that fills it.
struct StreamState {
  std::mutex mu;
  std::condition_variable cv;
  LineBuffer lines;                 // guarded by mu
  bool read_pending = false;        // guarded by mu
  bool eof = false;                 // guarded by mu
  bool cancelled = false;           // guarded by mu
  std::optional<Error> error;       // guarded by mu
  uint8_t first_byte = 0;           // written by the pending read only
  concurrency::streams::streambuf<uint8_t> body;
  pplx::cancellation_token_source cts;
  std::shared_ptr<http_client> client;  // kept alive while the body is read
};

class CppRestLineStream final : public LineStream {
 public:
  CppRestLineStream(std::shared_ptr<StreamState> st, int status) : st_(std::move(st)), status_(status) {}
  ~CppRestLineStream() override { Cancel(); }
  CppRestLineStream(const CppRestLineStream&) = delete;
  CppRestLineStream& operator=(const CppRestLineStream&) = delete;

  int status() const override { return status_; }

  Result<std::string> ReadLine(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock<std::mutex> lock(st_->mu);
    for (;;) {
      if (st_->cancelled) return Error::Cancelled("stream cancelled");
      if (auto line = st_->lines.Next()) return std::move(*line);
      if (st_->eof) {
        if (st_->lines.pending() > 0) return st_->lines.TakeRest();
        return Error::NotFound("end of stream");
      }
      if (st_->error) return *st_->error;
      if (!st_->read_pending) {
        st_->read_pending = true;
        lock.unlock();
        StartRead(st_);
        lock.lock();
        continue;
      }
      if (st_->cv.wait_until(lock, deadline) == std::cv_status::timeout) {
        if (auto line = st_->lines.Next()) return std::move(*line);
        return Error::DeadlineExceeded("no complete line within the read timeout");
      }
    }
  }

  void Cancel() override {
    std::lock_guard<std::mutex> lock(st_->mu);
    if (st_->cancelled) return;
    st_->cancelled = true;
    st_->cts.cancel();
    st_->cv.notify_all();
  }

 private:
  // Waits for at least one byte, then takes whatever else has already arrived without waiting.
  static void StartRead(const std::shared_ptr<StreamState>& st) {
    try {
      st->body.getn(&st->first_byte, 1).then([st](pplx::task<size_t> t) {
        std::lock_guard<std::mutex> lock(st->mu);
        st->read_pending = false;
        try {
          size_t n = t.get();
          if (n == 0) {
            st->eof = true;
          } else {
            st->lines.Append(std::string_view(reinterpret_cast<const char*>(&st->first_byte), 1));
            std::array<uint8_t, 16384> chunk;
            for (;;) {
              size_t avail = st->body.in_avail();
              if (avail == 0) break;
              // Satisfiable at once (no more than is available), so the task is already complete.
              size_t got = st->body.getn(chunk.data(), std::min(avail, chunk.size())).get();
              if (got == 0 || got > chunk.size()) break;  // also catches eof / requires_async markers
              st->lines.Append(std::string_view(reinterpret_cast<const char*>(chunk.data()), got));
            }
          }
        } catch (...) {
          st->error = MapException(std::current_exception(), "reading stream");
          if (st->error->code == ErrorCode::kCancelled || st->error->code == ErrorCode::kDeadlineExceeded) {
            // A broken body read is a broken connection to the reader, whatever cpprestsdk called it.
            st->error = Error::Unavailable(st->error->message);
          }
        }
        st->cv.notify_all();
      });
    } catch (...) {
      std::lock_guard<std::mutex> lock(st->mu);
      st->read_pending = false;
      st->error = MapException(std::current_exception(), "reading stream");
      st->cv.notify_all();
    }
  }

  std::shared_ptr<StreamState> st_;
  const int status_;
};

class CppRestTransport final : public Transport {
 public:
  explicit CppRestTransport(TlsConfig tls) : tls_(std::move(tls)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override {
    const std::string what = Describe(request.method, request.url);
    auto prepared = Prepare(request, what);
    if (!prepared.ok()) return prepared.error();
    auto client = ClientFor(prepared->origin, request.timeout);
    if (!client.ok()) return client.error();

    auto handoff = std::make_shared<Handoff<HttpResponse>>();
    pplx::cancellation_token_source cts;
    try {
      (*client)
          ->request(prepared->msg, cts.get_token())
          .then([](web::http::http_response resp) {
            int status = resp.status_code();
            auto headers = CopyHeaders(resp.headers());
            return resp.extract_vector().then([status, headers](std::vector<unsigned char> body) {
              HttpResponse out;
              out.status = status;
              out.headers = headers;
              out.body.assign(body.begin(), body.end());
              return out;
            });
          })
          .then([handoff, what](pplx::task<HttpResponse> t) {
            try {
              handoff->Set(t.get());
            } catch (...) {
              handoff->Set(MapException(std::current_exception(), what));
            }
          });
    } catch (...) {
      return MapException(std::current_exception(), what);
    }
    auto r = handoff->WaitFor(request.timeout + kWaitGrace);
    if (!r) {
      cts.cancel();
      return Error::DeadlineExceeded(what + ": no response within " + std::to_string(request.timeout.count()) + "ms");
    }
    return std::move(*r);
  }

  Result<std::unique_ptr<LineStream>> OpenStream(const HttpRequest& request) override {
    const std::string what = Describe(request.method, request.url);
    auto prepared = Prepare(request, what);
    if (!prepared.ok()) return prepared.error();
    // A stream gets its own client so a long watch never holds a pooled connection other requests wait for.
    std::shared_ptr<http_client> client;
    try {
      client = std::make_shared<http_client>(prepared->origin,
                                             Config(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 kStreamLibraryTimeout)));
    } catch (...) {
      return MapException(std::current_exception(), what);
    }
    auto st = std::make_shared<StreamState>();
    st->client = client;
    struct Opened {
      int status;
      concurrency::streams::streambuf<uint8_t> body;
    };
    auto handoff = std::make_shared<Handoff<std::shared_ptr<Opened>>>();
    try {
      client->request(prepared->msg, st->cts.get_token()).then([handoff, what](pplx::task<web::http::http_response> t) {
        try {
          auto resp = t.get();
          handoff->Set(std::make_shared<Opened>(Opened{resp.status_code(), resp.body().streambuf()}));
        } catch (...) {
          handoff->Set(MapException(std::current_exception(), what));
        }
      });
    } catch (...) {
      return MapException(std::current_exception(), what);
    }
    auto r = handoff->WaitFor(request.timeout + kWaitGrace);
    if (!r) {
      st->cts.cancel();
      return Error::DeadlineExceeded(what + ": no response headers within " + std::to_string(request.timeout.count()) +
                                     "ms");
    }
    if (!r->ok()) return r->error();
    st->body = r->value()->body;
    return std::unique_ptr<LineStream>(new CppRestLineStream(st, r->value()->status));
  }

 private:
  struct Prepared {
    std::string origin;
    web::http::http_request msg;
  };

  Result<Prepared> Prepare(const HttpRequest& request, const std::string& what) const {
    try {
      web::uri uri(request.url);
      if (uri.scheme() != "http" && uri.scheme() != "https") {
        return Error::InvalidArgument(what + ": unsupported URL scheme \"" + uri.scheme() + "\"");
      }
      if (uri.host().empty()) return Error::InvalidArgument(what + ": URL has no host");
      web::uri_builder origin;
      origin.set_scheme(uri.scheme()).set_host(uri.host());
      if (uri.port() > 0) origin.set_port(uri.port());
      Prepared p{origin.to_string(), web::http::http_request(request.method)};
      p.msg.set_request_uri(uri.resource());
      std::string content_type = "application/octet-stream";
      for (const auto& h : request.headers) {
        if (strcasecmp(h.name.c_str(), "Content-Type") == 0) {
          content_type = h.value;
          continue;
        }
        p.msg.headers().add(h.name, h.value);
      }
      if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
        p.msg.set_body(request.body, content_type);
      }
      return p;
    } catch (...) {
      return MapException(std::current_exception(), what);
    }
  }

  http_client_config Config(std::chrono::milliseconds timeout) const {
    http_client_config cfg;
    cfg.set_timeout(timeout);
    cfg.set_validate_certificates(true);  // never off: there is no switch for it
    TlsConfig tls = tls_;
    const bool custom_ca = !tls.ca_file.empty() || !tls.ca_pem.empty();
    const bool client_cert = !tls.client_cert_file.empty() || !tls.client_cert_pem.empty();
    if (custom_ca || client_cert) {
      cfg.set_ssl_context_callback([tls, custom_ca, client_cert](boost::asio::ssl::context& ctx) {
        // Errors are logged without content (a key is a secret); the handshake then fails -> kUnavailable.
        boost::system::error_code ec;
        if (custom_ca) {
          // Trust only the configured CA (as kubectl does), not the system store cpprestsdk loaded first.
          SSL_CTX_set_cert_store(ctx.native_handle(), X509_STORE_new());
          if (!tls.ca_pem.empty()) {
            ctx.add_certificate_authority(boost::asio::buffer(tls.ca_pem), ec);
          } else {
            ctx.load_verify_file(tls.ca_file, ec);
          }
          if (ec) spdlog::warn("http tls=ca file={} error=\"{}\"", tls.ca_file, ec.message());
        }
        if (client_cert) {
          if (!tls.client_cert_pem.empty()) {
            ctx.use_certificate_chain(boost::asio::buffer(tls.client_cert_pem), ec);
          } else {
            ctx.use_certificate_chain_file(tls.client_cert_file, ec);
          }
          if (ec) spdlog::warn("http tls=client-cert file={} error=\"{}\"", tls.client_cert_file, ec.message());
          if (!tls.client_key_pem.empty()) {
            ctx.use_private_key(boost::asio::buffer(tls.client_key_pem), boost::asio::ssl::context::pem, ec);
          } else {
            ctx.use_private_key_file(tls.client_key_file, boost::asio::ssl::context::pem, ec);
          }
          if (ec) spdlog::warn("http tls=client-key file={} error=\"{}\"", tls.client_key_file, ec.message());
        }
      });
    }
    return cfg;
  }

  Result<std::shared_ptr<http_client>> ClientFor(const std::string& origin, std::chrono::milliseconds timeout) {
    std::lock_guard<std::mutex> lock(mu_);
    auto key = std::make_pair(origin, timeout.count());
    auto it = clients_.find(key);
    if (it != clients_.end()) return it->second;
    try {
      auto c = std::make_shared<http_client>(origin, Config(timeout));
      clients_.emplace(key, c);
      return c;
    } catch (...) {
      return MapException(std::current_exception(), "creating client for " + origin);
    }
  }

  const TlsConfig tls_;
  std::mutex mu_;
  // One pooled client per origin and timeout (cpprestsdk fixes the timeout per client).
  std::map<std::pair<std::string, int64_t>, std::shared_ptr<http_client>> clients_;  // guarded by mu_
};

}  // namespace

Status SizeThreadPool(size_t threads) {
  try {
    crossplat::threadpool::initialize_with_threads(threads);
  } catch (const std::exception& e) {
    return Error::Internal(std::string("the HTTP thread pool is already running: ") + e.what());
  }
  return OkStatus();
}

Result<std::unique_ptr<Transport>> NewCppRestTransport(const TlsConfig& tls) {
  if (auto s = CheckTlsConfig(tls); !s.ok()) return s.error();
  auto t = std::make_unique<CppRestTransport>(tls);
  if (!tls.server_name.empty()) {
    // cpprestsdk verifies against the URL host and offers no hook to change it.
    return Error::InvalidArgument("TlsConfig.server_name is not supported by the cpprestsdk transport");
  }
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace domainguard::http
