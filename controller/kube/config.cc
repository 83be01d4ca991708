// Kubeconfig, in-cluster config and the bearer token source (config.h).
#include "controller/kube/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

namespace domainguard::kube {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Exists(const std::string& path) {
  struct stat st;
  return !path.empty() && stat(path.c_str(), &st) == 0;
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

// Finds the entry named `name` in a kubeconfig list like `clusters: [{name, cluster: {...}}]`.
// nullopt when absent (a default YAML::Node is a defined null, so it cannot say "absent" itself).
std::optional<YAML::Node> FindNamed(const YAML::Node& list, const std::string& name, const char* field) {
  if (!list || !list.IsSequence()) return std::nullopt;
  for (const auto& e : list) {
    if (e["name"] && e["name"].IsScalar() && e["name"].as<std::string>() == name && e[field] && e[field].IsMap()) {
      return e[field];
    }
  }
  return std::nullopt;
}

std::string Str(const YAML::Node& n, const char* key) {
  if (!n || !n[key] || !n[key].IsScalar()) return "";
  return n[key].as<std::string>();
}

// `file_key` names a file, `data_key` inline base64 data; data wins (as in client-go) and stays in memory.
Status FileOrData(const YAML::Node& n, const char* file_key, const char* data_key, const std::string& base_dir,
                  std::string& file, std::string& pem) {
  std::string data = Str(n, data_key);
  if (!data.empty()) {
    auto decoded = DecodeBase64(data);
    if (!decoded.ok()) return decoded.error().Wrap(std::string(data_key));
    pem = std::move(*decoded);
    file.clear();
    return OkStatus();
  }
  file = Resolve(base_dir, Str(n, file_key));
  return OkStatus();
}

}  // namespace

Result<std::string> DecodeBase64(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : in) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    int v = val(c);
    if (v < 0 || padding) return Error::InvalidArgument("malformed base64");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return Error::InvalidArgument("malformed base64 (truncated)");
  return out;
}

Result<RestConfig> ParseKubeconfig(std::string_view yaml, const std::string& base_dir, const std::string& context) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Error::InvalidArgument(std::string("kubeconfig is not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) return Error::InvalidArgument("kubeconfig is not a YAML mapping");
  try {
    std::string ctx_name = context.empty() ? Str(root, "current-context") : context;
    if (ctx_name.empty()) return Error::InvalidArgument("kubeconfig has no current-context and none was given");
    auto found_ctx = FindNamed(root["contexts"], ctx_name, "context");
    if (!found_ctx) return Error::NotFound("kubeconfig context \"" + ctx_name + "\" not found");
    const YAML::Node ctx = *found_ctx;
    std::string cluster_name = Str(ctx, "cluster");
    std::string user_name = Str(ctx, "user");
    auto found_cluster = FindNamed(root["clusters"], cluster_name, "cluster");
    if (!found_cluster) return Error::NotFound("kubeconfig cluster \"" + cluster_name + "\" not found");
    const YAML::Node cluster = *found_cluster;

    RestConfig cfg;
    cfg.namespace_name = Str(ctx, "namespace");
    if (cfg.namespace_name.empty()) cfg.namespace_name = "default";
    cfg.server = Str(cluster, "server");
    while (!cfg.server.empty() && cfg.server.back() == '/') cfg.server.pop_back();
    if (cfg.server.empty()) return Error::InvalidArgument("kubeconfig cluster \"" + cluster_name + "\" has no server");
    if (Str(cluster, "insecure-skip-tls-verify") == "true") {
      return Error::InvalidArgument("kubeconfig cluster \"" + cluster_name +
                                    "\": insecure-skip-tls-verify is not supported; TLS is always verified");
    }
    if (auto s = FileOrData(cluster, "certificate-authority", "certificate-authority-data", base_dir, cfg.tls.ca_file,
                            cfg.tls.ca_pem);
        !s.ok()) {
      return s.error();
    }
    cfg.tls.server_name = "";  // tls-server-name is not supported by the transport; verified against the URL host

    if (!user_name.empty()) {
      auto found_user = FindNamed(root["users"], user_name, "user");
      if (!found_user) return Error::NotFound("kubeconfig user \"" + user_name + "\" not found");
      const YAML::Node user = *found_user;
      if (user["exec"]) {
        return Error::InvalidArgument("kubeconfig user \"" + user_name +
                                      "\" uses an exec credential plugin, which domainguard does not run; use a "
                                      "token, token file or client certificate");
      }
      if (user["auth-provider"]) {
        return Error::InvalidArgument("kubeconfig user \"" + user_name + "\" uses an auth-provider plugin, which is "
                                      "not supported");
      }
      if (user["username"] || user["password"]) {
        return Error::InvalidArgument("kubeconfig user \"" + user_name + "\": basic auth is not supported");
      }
      if (auto s = FileOrData(user, "client-certificate", "client-certificate-data", base_dir,
                              cfg.tls.client_cert_file, cfg.tls.client_cert_pem);
          !s.ok()) {
        return s.error();
      }
      if (auto s = FileOrData(user, "client-key", "client-key-data", base_dir, cfg.tls.client_key_file,
                              cfg.tls.client_key_pem);
          !s.ok()) {
        return s.error();
      }
      const bool has_cert = !cfg.tls.client_cert_file.empty() || !cfg.tls.client_cert_pem.empty();
      const bool has_key = !cfg.tls.client_key_file.empty() || !cfg.tls.client_key_pem.empty();
      if (has_cert != has_key) {
        return Error::InvalidArgument("kubeconfig user \"" + user_name + "\" has a client certificate without a key "
                                      "or a key without a certificate");
      }
      cfg.token = Str(user, "token");
      cfg.token_file = Resolve(base_dir, Str(user, "tokenFile"));
    }
    return cfg;
  } catch (const YAML::Exception& e) {
    return Error::InvalidArgument(std::string("kubeconfig: ") + e.what());
  }
}

Result<RestConfig> LoadKubeconfig(const std::string& path, const std::string& context) {
  std::string chosen;
  std::stringstream list(path);
  std::string item;
  while (std::getline(list, item, ':')) {
    if (Exists(item)) {
      chosen = item;
      break;
    }
  }
  if (chosen.empty()) return Error::NotFound("kubeconfig " + path + " does not exist");
  auto text = ReadFile(chosen);
  if (!text.ok()) return text.error();
  std::string dir = chosen.find('/') == std::string::npos ? "." : chosen.substr(0, chosen.rfind('/'));
  auto cfg = ParseKubeconfig(*text, dir, context);
  if (!cfg.ok()) return cfg.error().Wrap(chosen);
  return cfg;
}

Result<RestConfig> LoadInClusterConfig(const std::string& sa_dir,
                                       const std::function<const char*(const char*)>& getenv) {
  const char* host = getenv("KUBERNETES_SERVICE_HOST");
  const char* port = getenv("KUBERNETES_SERVICE_PORT");
  if (host == nullptr || *host == '\0' || port == nullptr || *port == '\0') {
    return Error::NotFound("not in a cluster: KUBERNETES_SERVICE_HOST/PORT unset");
  }
  RestConfig cfg;
  std::string h = host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6 service address
  cfg.server = "https://" + h + ":" + port;
  cfg.token_file = sa_dir + "/token";
  cfg.tls.ca_file = sa_dir + "/ca.crt";
  if (!Exists(cfg.token_file)) return Error::NotFound("service account token " + cfg.token_file + " missing");
  if (!Exists(cfg.tls.ca_file)) return Error::NotFound("service account CA " + cfg.tls.ca_file + " missing");
  auto ns = ReadFile(sa_dir + "/namespace");
  cfg.namespace_name = ns.ok() ? Trim(*ns) : "default";
  return cfg;
}

Result<RestConfig> LoadDefaultConfig(const std::string& explicit_path, const std::string& context) {
  if (!explicit_path.empty()) return LoadKubeconfig(explicit_path, context);
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') return LoadKubeconfig(env, context);
  auto in_cluster = LoadInClusterConfig();
  if (in_cluster.ok() || in_cluster.error().code != ErrorCode::kNotFound) return in_cluster;
  const char* home = std::getenv("HOME");
  if (home == nullptr) return Error::NotFound("no kubeconfig: set --kubeconfig or KUBECONFIG");
  return LoadKubeconfig(std::string(home) + "/.kube/config", context);
}

TokenSource::TokenSource(std::string static_token, std::string token_file, const Clock& clock,
                         std::chrono::seconds recheck)
    : static_token_(std::move(static_token)), file_(std::move(token_file)), clock_(clock), recheck_(recheck) {}

Result<std::string> TokenSource::Token() {
  if (file_.empty()) return static_token_;
  std::lock_guard<std::mutex> lock(mu_);
  const MonotonicTime now = clock_.Monotonic();
  if (!loaded_ || now >= next_check_) {
    next_check_ = now + recheck_;
    struct stat st;
    if (stat(file_.c_str(), &st) != 0) {
      spdlog::warn("kube auth=token-file file={} error=\"cannot stat\"", file_);
    } else {
      int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
      if (!loaded_ || mtime != mtime_ns_) {
        auto text = ReadFile(file_);
        std::string tok = text.ok() ? Trim(*text) : "";
        if (!tok.empty()) {
          if (loaded_) spdlog::info("kube auth=token-file file={} decision=reloaded", file_);
          token_ = tok;
          loaded_ = true;
          mtime_ns_ = mtime;
        } else {
          // Possibly caught mid-write: keep the old token and look again soon.
          spdlog::warn("kube auth=token-file file={} error=\"empty or unreadable\"", file_);
          next_check_ = now;
        }
      }
    }
  }
  if (!loaded_) {
    if (!static_token_.empty()) return static_token_;
    return Error::Unauthenticated("token file " + file_ + " is not readable");
  }
  return token_;
}

void TokenSource::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  next_check_ = MonotonicTime{};
}

}  // namespace domainguard::kube
