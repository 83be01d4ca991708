// Test helpers for app/ integration tests on the bed's kube-apiserver: a client from $KUBECONFIG, a throwaway
// namespace, a test CRD (Widget, h7test.domainguard.io/v1) created on demand, and polling.
//
// Thread-safety: for the test's main thread.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "controller/base/clock.h"
#include "controller/http/transport.h"
#include "controller/kube/client.h"
#include "controller/kube/config.h"
#include "tests/testbed_env.h"

namespace domainguard::app::testing {

// Polls `pred` every 50 ms until it holds or `timeout` passes; returns the last value.
inline bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// A Kubernetes client on the bed's admin kubeconfig.
struct KubeEnv {
  RealClock clock;
  std::unique_ptr<http::Transport> transport;
  std::unique_ptr<kube::Client> client;
};

// Connects with $KUBECONFIG. Records a skip/failure (see testbed_env.h) and returns null when unavailable.
inline std::unique_ptr<KubeEnv> ConnectToBed() {
  std::string kubeconfig = BedEnv("KUBECONFIG");
  if (BedUnavailable()) return nullptr;
  auto env = std::make_unique<KubeEnv>();
  Result<kube::RestConfig> cfg = kube::LoadKubeconfig(kubeconfig);
  if (!cfg.ok()) {
    ADD_FAILURE() << "kubeconfig " << kubeconfig << ": " << cfg.error().ToString();
    return nullptr;
  }
  Result<std::unique_ptr<http::Transport>> t = http::NewTransport(cfg->tls);
  if (!t.ok()) {
    ADD_FAILURE() << t.error().ToString();
    return nullptr;
  }
  env->transport = std::move(t.value());
  env->client = std::make_unique<kube::Client>(*env->transport, *cfg, env->clock);
  return env;
}

// A namespace unique to this process and `tag` (lowercased, cut to fit a DNS label), created now.
inline std::string CreateTestNamespace(kube::Client& c, std::string tag) {
  for (char& ch : tag) ch = static_cast<char>(std::isalnum(static_cast<unsigned char>(ch)) ? std::tolower(ch) : '-');
  if (tag.size() > 40) tag.resize(40);
  std::string ns = "h7-" + tag + "-" + std::to_string(getpid());
  kube::json obj = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
  Result<kube::json> r = c.Create(kube::kNamespaces, "", obj);
  if (!r.ok() && r.error().code != ErrorCode::kAlreadyExists) ADD_FAILURE() << r.error().ToString();
  return ns;
}

// A namespaced CRD `plural`.`group` (kind `kind`, version v1, any content), created if absent; waits until the
// apiserver serves it. Returns false (with a failure recorded) when it does not become ready in 30 s.
inline bool EnsureTestCrd(kube::Client& c, const std::string& group, const std::string& plural, const std::string& kind) {
  std::string singular = plural.substr(0, plural.size() - 1);
  kube::json crd = {
      {"apiVersion", "apiextensions.k8s.io/v1"},
      {"kind", "CustomResourceDefinition"},
      {"metadata", {{"name", plural + "." + group}}},
      {"spec",
       {{"group", group},
        {"scope", "Namespaced"},
        {"names", {{"plural", plural}, {"singular", singular}, {"kind", kind}, {"listKind", kind + "List"}}},
        {"versions",
         {{{"name", "v1"},
           {"served", true},
           {"storage", true},
           {"schema",
            {{"openAPIV3Schema", {{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}}}}}}}}}}};
  Result<kube::json> r = c.Create(kube::kCustomResourceDefinitions, "", crd);
  if (!r.ok() && r.error().code != ErrorCode::kAlreadyExists) {
    ADD_FAILURE() << "creating CRD: " << r.error().ToString();
    return false;
  }
  kube::Resource res{group, "v1", plural, kind, true};
  bool served = Eventually([&] { return c.List(res, "default").ok(); }, std::chrono::seconds(30));
  if (!served) ADD_FAILURE() << "CRD " << plural << "." << group << " not served within 30s";
  return served;
}

}  // namespace domainguard::app::testing
