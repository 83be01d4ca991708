// The http_listener-backed Server (server.h).
#include "controller/http/server.h"

// cpprestsdk's U() macro breaks fmt (spdlog); turn it off before its headers.
#define _TURN_OFF_PLATFORM_STRING
#include <cpprest/http_listener.h>
#include <spdlog/spdlog.h>

namespace domainguard::http {
namespace {

using web::http::experimental::listener::http_listener;

class ListenerServer final : public Server {
 public:
  ListenerServer(std::unique_ptr<http_listener> l) : listener_(std::move(l)) {}
  ~ListenerServer() override { Stop(); }
  ListenerServer(const ListenerServer&) = delete;
  ListenerServer& operator=(const ListenerServer&) = delete;

  void Stop() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    try {
      listener_->close().wait();
    } catch (const std::exception& e) {
      spdlog::warn("http server=stop error=\"{}\"", e.what());
    }
  }

 private:
  std::mutex mu_;
  bool stopped_ = false;  // guarded by mu_
  std::unique_ptr<http_listener> listener_;
};

}  // namespace

Result<std::unique_ptr<Server>> Serve(const std::string& addr, int port, ServerHandler handler) {
  std::unique_ptr<http_listener> listener;
  try {
    web::uri_builder b;
    b.set_scheme("http").set_host(addr).set_port(port).set_path("/");
    listener = std::make_unique<http_listener>(b.to_uri());
  } catch (const std::exception& e) {
    return Error::InvalidArgument("http server address " + addr + ":" + std::to_string(port) + ": " + e.what());
  }
  listener->support([handler](web::http::http_request req) {
    ServerResponse out;
    try {
      ServerRequest in{req.method(), req.relative_uri().path(), req.relative_uri().query()};
      out = handler(in);
    } catch (const std::exception& e) {
      out = ServerResponse{500, "text/plain; charset=utf-8", "internal error\n"};
      spdlog::error("http server=handler error=\"{}\"", e.what());
    }
    try {
      web::http::http_response resp(static_cast<web::http::status_code>(out.status));
      resp.set_body(out.body, out.content_type);
      req.reply(resp).then([](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {
          // The client went away; nothing to do.
        }
      });
    } catch (const std::exception& e) {
      spdlog::warn("http server=reply error=\"{}\"", e.what());
    }
  });
  try {
    listener->open().wait();
  } catch (const std::exception& e) {
    return Error::Unavailable("http server cannot listen on " + addr + ":" + std::to_string(port) + ": " + e.what());
  }
  return std::unique_ptr<Server>(new ListenerServer(std::move(listener)));
}

}  // namespace domainguard::http
