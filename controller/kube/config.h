// Where the Kubernetes API is and how to authenticate to it: kubeconfig files (as kubectl reads them) and the
// in-cluster service account. TLS is always verified; there is no insecure-skip-tls-verify.
//
// Thread-safety: RestConfig is a plain value. TokenSource is safe to call from several threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "controller/base/clock.h"
#include "controller/base/result.h"
#include "controller/http/transport.h"

namespace domainguard::kube {

struct RestConfig {
  std::string server;          // "https://127.0.0.1:16443", no trailing slash
  http::TlsConfig tls;         // CA and client certificate: files, or in-memory PEM for kubeconfig *-data
  std::string token;           // a static bearer token, optional
  std::string token_file;      // a bearer token file, re-read when it changes (service account, projected)
  std::string namespace_name;  // the context's namespace, or the pod's; "default" when none
};

// Parses kubeconfig YAML text. `context` empty: the current-context. Relative file paths are resolved against
// `base_dir`. Fails with kInvalidArgument naming what is missing or unsupported (exec and auth-provider plugins,
// insecure-skip-tls-verify, username/password), kNotFound when the context, cluster or user does not exist.
Result<RestConfig> ParseKubeconfig(std::string_view yaml, const std::string& base_dir, const std::string& context = "");

// Reads a kubeconfig file (the first existing one if `path` is a colon-separated list, as in KUBECONFIG).
Result<RestConfig> LoadKubeconfig(const std::string& path, const std::string& context = "");

// The in-cluster config: KUBERNETES_SERVICE_HOST/PORT from `getenv`, token and CA under `sa_dir`
// (/var/run/secrets/kubernetes.io/serviceaccount). Fails with kNotFound when not running in a cluster.
Result<RestConfig> LoadInClusterConfig(
    const std::string& sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount",
    const std::function<const char*(const char*)>& getenv = ::getenv);

// kubectl's order: an explicit kubeconfig path, then $KUBECONFIG, then in-cluster, then ~/.kube/config.
Result<RestConfig> LoadDefaultConfig(const std::string& explicit_path = "", const std::string& context = "");

// The bearer token to send: a static token, or a token file re-read when its mtime changes. The mtime is
// checked at most every `recheck` (kubelet rotates projected tokens well before expiry), and at once after a
// 401 (Invalidate). An unreadable file keeps the last good token and logs, so a rotation mid-write does not
// break requests.
class TokenSource {
 public:
  TokenSource(std::string static_token, std::string token_file, const Clock& clock,
              std::chrono::seconds recheck = std::chrono::seconds(60));
  TokenSource(const TokenSource&) = delete;
  TokenSource& operator=(const TokenSource&) = delete;

  // The current token, "" when none is configured. Fails with kUnauthenticated only when a token file is
  // configured and was never readable.
  Result<std::string> Token();
  // The server rejected the token: look at the file again on the next Token().
  void Invalidate();
  bool from_file() const { return !file_.empty(); }

 private:
  const std::string static_token_;
  const std::string file_;
  const Clock& clock_;
  const std::chrono::seconds recheck_;
  std::mutex mu_;
  std::string token_;              // guarded by mu_
  bool loaded_ = false;            // guarded by mu_
  int64_t mtime_ns_ = -1;          // guarded by mu_
  MonotonicTime next_check_{};     // guarded by mu_
};

// Base64 (RFC 4648, padding optional, whitespace ignored). Fails with kInvalidArgument.
Result<std::string> DecodeBase64(std::string_view in);

}  // namespace domainguard::kube
