// FakeApiServer (test-only, library dg_kube_testing): the few apiserver answers a controller's unit test needs,
// for http::FakeTransport's send handler
// (transport.SetSendHandler([&](const http::HttpRequest& r) { return api.Handle(r); })):
//   PATCH .../status      a status apply: recorded (body and URL) and echoed back; 500 while set_fail_applies
//   POST  .../events      an Event: recorded, 201
//   GET   a served URL    the object given to Serve
//   anything else         404 NotFound
// Controller tests that must see their writes merged into the informer cache script that themselves.
//
// Thread-safety: all methods lock; the controller's threads and the test's may call them at once.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/http/transport.h"

namespace domainguard::kube::testing {

class FakeApiServer {
 public:
  Result<http::HttpResponse> Handle(const http::HttpRequest& r) {
    std::lock_guard<std::mutex> lock(mu_);
    http::HttpResponse resp;
    resp.status = 404;
    resp.body = R"({"kind":"Status","code":404,"reason":"NotFound"})";
    const std::string path = r.url.substr(0, r.url.find('?'));
    if (r.method == "PATCH" && path.size() >= 7 && path.compare(path.size() - 7, 7, "/status") == 0) {
      applies_.push_back(nlohmann::json::parse(r.body));
      urls_.push_back(r.url);
      resp.status = fail_applies_ ? 500 : 200;
      resp.body = fail_applies_ ? R"({"kind":"Status","message":"etcd is sad"})" : r.body;
      if (!fail_applies_ && !apply_version_.empty()) {
        nlohmann::json applied = nlohmann::json::parse(r.body);
        applied["metadata"]["resourceVersion"] = apply_version_;
        resp.body = applied.dump();
      }
    } else if (r.method == "POST" && path.find("/events") != std::string::npos) {
      events_.push_back(nlohmann::json::parse(r.body));
      resp.status = 201;
      resp.body = r.body;
    } else if (r.method == "GET") {
      for (const auto& [url_part, obj] : served_) {
        if (path.find(url_part) == std::string::npos) continue;
        resp.status = 200;
        resp.body = obj.dump();
        break;
      }
    }
    return resp;
  }

  // GETs whose path contains `url_part` answer `obj`; Unserve makes them 404 again.
  void Serve(const std::string& url_part, nlohmann::json obj) {
    std::lock_guard<std::mutex> lock(mu_);
    served_[url_part] = std::move(obj);
  }
  void Unserve(const std::string& url_part) {
    std::lock_guard<std::mutex> lock(mu_);
    served_.erase(url_part);
  }

  std::vector<nlohmann::json> applies() const {
    std::lock_guard<std::mutex> lock(mu_);
    return applies_;
  }
  std::vector<std::string> urls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return urls_;
  }
  std::vector<nlohmann::json> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  void set_fail_applies(bool fail) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_applies_ = fail;
  }
  // The resourceVersion an apply's answer carries ("": none, the request echoed).
  void set_apply_version(std::string rv) {
    std::lock_guard<std::mutex> lock(mu_);
    apply_version_ = std::move(rv);
  }

 private:
  mutable std::mutex mu_;
  std::vector<nlohmann::json> applies_;             // guarded by mu_
  std::vector<std::string> urls_;                   // guarded by mu_
  std::vector<nlohmann::json> events_;              // guarded by mu_
  std::map<std::string, nlohmann::json> served_;    // guarded by mu_
  bool fail_applies_ = false;                       // guarded by mu_
  std::string apply_version_;                       // guarded by mu_
};

}  // namespace domainguard::kube::testing
