// The Kubernetes client core against the real local kube-apiserver (hack/testbed.sh): paging, the informer
// cache, watch across an apiserver restart, 410 Gone after etcd compaction, conflicts, the status
// subresource, RBAC errors and token rotation. Needs KUBECONFIG, DG_KUBE_SERVER, DG_KUBE_CA,
// DG_KUBE_APISERVER_RESTART, DG_ETCDCTL, DG_ETCD_ENDPOINT (skipped without them unless DG_REQUIRE_BED=1).
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/transport.h"
#include "controller/kube/client.h"
#include "controller/kube/informer.h"
#include "tests/testbed_env.h"

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;

constexpr Resource kWidgets{"kubetest.domainguard.io", "v1", "widgets", "Widget", true};
// A custom resource as test data (the descriptor of a CRD; kube/ itself knows no custom resources).
constexpr Resource kDomains{"domainguard.io", "v1alpha1", "domains", "Domain", true};

json WidgetCrd() {
  return json::parse(R"({
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.kubetest.domainguard.io"},
    "spec": {"group": "kubetest.domainguard.io", "scope": "Namespaced",
      "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
      "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {"type": "object", "properties": {
          "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}]}})");
}

json Widget(const std::string& ns, const std::string& name, int n) {
  return {{"apiVersion", "kubetest.domainguard.io/v1"},
          {"kind", "Widget"},
          {"metadata", {{"namespace", ns}, {"name", name}, {"labels", {{"kubetest", "1"}}}}},
          {"spec", {{"zone", name + ".test"}, {"n", n}, {"records", {{{"name", "www"}, {"type", "A"}, {"ttl", 300},
                                                                      {"values", {"192.0.2.1"}}}}}}}};
}

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return "";
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (rc != 0) ADD_FAILURE() << cmd << " exited " << rc << ": " << out;
  return out;
}

ListOptions OnePage() {
  ListOptions o;
  o.limit = 1;
  return o;
}

// Forwards to a real transport; Close() makes the API unreachable for this client (open streams broken, new
// requests refused) so a test can change the world behind an informer's back.
class GateTransport final : public http::Transport {
 public:
  explicit GateTransport(http::Transport& inner) : inner_(inner) {}
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    for (auto* s : open_) s->Cancel();
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = false;
  }
  Result<http::HttpResponse> Send(const http::HttpRequest& r) override {
    if (IsClosed()) return Error::Unavailable("gate closed");
    return inner_.Send(r);
  }
  Result<std::unique_ptr<http::LineStream>> OpenStream(const http::HttpRequest& r) override {
    if (IsClosed()) return Error::Unavailable("gate closed");
    auto s = inner_.OpenStream(r);
    if (!s.ok()) return s;
    return std::unique_ptr<http::LineStream>(new Gated(this, std::move(*s)));
  }

 private:
  class Gated final : public http::LineStream {
   public:
    Gated(GateTransport* g, std::unique_ptr<http::LineStream> s) : g_(g), s_(std::move(s)) {
      std::lock_guard<std::mutex> lock(g_->mu_);
      g_->open_.insert(this);
      if (g_->closed_) s_->Cancel();
    }
    ~Gated() override {
      std::lock_guard<std::mutex> lock(g_->mu_);
      g_->open_.erase(this);
    }
    int status() const override { return s_->status(); }
    Result<std::string> ReadLine(std::chrono::milliseconds t) override {
      auto r = s_->ReadLine(t);
      // A stream the gate cancelled looks like a broken connection to the reader.
      if (!r.ok() && r.error().code == ErrorCode::kCancelled && !cancelled_) return Error::Unavailable("gate broke");
      return r;
    }
    void Cancel() override {
      cancelled_ = true;
      s_->Cancel();
    }

   private:
    GateTransport* g_;
    std::unique_ptr<http::LineStream> s_;
    std::atomic<bool> cancelled_{false};
  };
  bool IsClosed() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  http::Transport& inner_;
  std::mutex mu_;
  bool closed_ = false;        // guarded by mu_
  std::set<Gated*> open_;      // guarded by mu_
};

// Records every handler call, and the (key, resourceVersion) pairs seen, to detect misses and duplicates.
class Recorder {
 public:
  InformerHandlers Handlers() {
    return {[this](const json& o) { Note("add", o); },
            [this](const json& a, const json& b) {
              if (ResourceVersion(a) != ResourceVersion(b)) Note("update", b);
            },
            [this](const json& o) {
              std::lock_guard<std::mutex> lock(mu_);
              deleted_.insert(ObjectKey(o));
              last_rv_.erase(ObjectKey(o));
            }};
  }
  void Note(const char* what, const json& o) {
    std::lock_guard<std::mutex> lock(mu_);
    auto k = ObjectKey(o) + "@" + ResourceVersion(o);
    if (!seen_.insert(k).second) duplicates_.push_back(std::string(what) + " " + k);
    last_rv_[ObjectKey(o)] = ResourceVersion(o);
  }
  std::vector<std::string> duplicates() {
    std::lock_guard<std::mutex> lock(mu_);
    return duplicates_;
  }
  std::set<std::string> deleted() {
    std::lock_guard<std::mutex> lock(mu_);
    return deleted_;
  }
  std::map<std::string, std::string> last_rv() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_rv_;
  }

 private:
  std::mutex mu_;
  std::set<std::string> seen_;
  std::vector<std::string> duplicates_;
  std::set<std::string> deleted_;
  std::map<std::string, std::string> last_rv_;
};

bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

class KubeIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    DG_BED_ENV(kubeconfig, "KUBECONFIG");
    auto cfg = LoadKubeconfig(kubeconfig);
    ASSERT_TRUE(cfg.ok()) << cfg.error().ToString();
    admin_cfg_ = *cfg;
    auto t = http::NewTransport(admin_cfg_.tls);
    ASSERT_TRUE(t.ok()) << t.error().ToString();
    transport_ = std::move(*t);
    admin_ = std::make_unique<Client>(*transport_, admin_cfg_, clock_);
    EnsureCrd();
    ns_ = "kt-" + std::to_string(getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (auto& c : ns_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ns_.size() > 60) ns_.resize(60);
    auto created = admin_->Create(kNamespaces, "", json{{"apiVersion", "v1"}, {"kind", "Namespace"},
                                                        {"metadata", {{"name", ns_}}}});
    ASSERT_TRUE(created.ok() || created.error().code == ErrorCode::kAlreadyExists) << created.error().ToString();
  }
  void TearDown() override {
    // No namespace controller runs in the bed, so the namespace is left; its objects are removed.
    if (admin_) (void)admin_->DeleteCollection(kWidgets, ns_);
  }

  void EnsureCrd() {
    auto c = admin_->Create(kCustomResourceDefinitions, "", WidgetCrd());
    ASSERT_TRUE(c.ok() || c.error().code == ErrorCode::kAlreadyExists) << c.error().ToString();
    ASSERT_TRUE(WaitUntil([&] { return admin_->List(kWidgets, "", OnePage()).ok(); }, 30s))
        << "widgets never became servable";
  }

  void CreateWidgets(int count, int threads = 4) {
    std::atomic<int> next{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&] {
        for (int i = next++; i < count; i = next++) {
          auto r = admin_->Create(kWidgets, ns_, Widget(ns_, "w-" + std::to_string(i), i));
          if (!r.ok()) ++failures;
        }
      });
    }
    for (auto& t : ts) t.join();
    ASSERT_EQ(failures.load(), 0);
  }

  RealClock clock_;
  RestConfig admin_cfg_;
  std::unique_ptr<http::Transport> transport_;
  std::unique_ptr<Client> admin_;
  std::string ns_;
};

TEST_F(KubeIntegration, FiveThousandObjectsListedInPagesAndCacheMatches) {
  constexpr int kCount = 5000;
  auto start = std::chrono::steady_clock::now();
  CreateWidgets(kCount);
  auto created = std::chrono::steady_clock::now();

  ListOptions o;
  o.limit = 500;
  int pages = 0;
  size_t total = 0;
  for (;;) {
    auto page = admin_->List(kWidgets, ns_, o);
    ASSERT_TRUE(page.ok()) << page.error().ToString();
    ++pages;
    total += page->items.size();
    if (page->continue_token.empty()) break;
    o.continue_token = page->continue_token;
  }
  EXPECT_EQ(total, static_cast<size_t>(kCount));
  EXPECT_EQ(pages, kCount / 500);

  InformerOptions io;
  io.watcher.page_size = 500;
  Informer inf(*admin_, kWidgets, ns_, io);
  inf.store().AddIndex("zone", [](const json& w) -> std::vector<std::string> {
    return {w["spec"].value("zone", "")};
  });
  auto t0 = std::chrono::steady_clock::now();
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(120s));
  auto synced = std::chrono::steady_clock::now();
  auto server = admin_->ListAll(kWidgets, ns_);
  ASSERT_TRUE(server.ok());
  std::map<std::string, std::string> want;
  for (const auto& w : server->items) want[ObjectKey(w)] = ResourceVersion(w);
  std::map<std::string, std::string> got;
  for (const auto& w : inf.store().List()) got[ObjectKey(w)] = ResourceVersion(w);
  EXPECT_EQ(got, want);
  EXPECT_EQ(inf.store().ByIndex("zone", "w-4321.test").size(), 1u);
  EXPECT_EQ(inf.store().ByIndex(kNamespaceIndex, ns_).size(), static_cast<size_t>(kCount));
  inf.Stop();
  std::printf("[ measure ] created %d widgets in %lld ms; informer synced in %lld ms; store %zu bytes\n", kCount,
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(created - start).count()),
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(synced - t0).count()),
              inf.store().ApproxBytes());
}

TEST_F(KubeIntegration, WatchSurvivesApiserverRestartWithoutMissedOrDuplicatedEvents) {
  DG_BED_ENV(restart, "DG_KUBE_APISERVER_RESTART");
  CreateWidgets(20, 2);
  InformerOptions io;
  io.watcher.backoff_base = 100ms;
  io.watcher.backoff_cap = 2000ms;
  Informer inf(*admin_, kWidgets, ns_, io);
  Recorder rec;
  inf.AddHandlers(rec.Handlers());
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(30s));

  // Writers keep changing objects before, during and after the restart.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    int i = 0;
    while (!stop) {
      std::string name = "w-" + std::to_string(i % 20);
      (void)admin_->MergePatch(kWidgets, ns_, name, json{{"spec", {{"n", 1000 + i}}}});
      ++i;
      std::this_thread::sleep_for(20ms);
    }
  });
  std::this_thread::sleep_for(500ms);
  Shell(restart);
  std::this_thread::sleep_for(1000ms);
  ASSERT_TRUE(admin_->Delete(kWidgets, ns_, "w-19").ok());
  stop = true;
  writer.join();

  auto server = admin_->ListAll(kWidgets, ns_);
  ASSERT_TRUE(server.ok()) << server.error().ToString();
  std::map<std::string, std::string> want;
  for (const auto& w : server->items) want[ObjectKey(w)] = ResourceVersion(w);
  // Every final version reached the handlers, the deleted object was reported, nothing came twice.
  EXPECT_TRUE(WaitUntil([&] { return rec.last_rv() == want; }, 30s))
      << "handlers saw " << ::testing::PrintToString(rec.last_rv()) << "\nserver has "
      << ::testing::PrintToString(want);
  EXPECT_THAT(rec.deleted(), ::testing::Contains(ns_ + "/w-19"));
  EXPECT_THAT(rec.duplicates(), ::testing::IsEmpty());
  std::map<std::string, std::string> cached;
  for (const auto& w : inf.store().List()) cached[ObjectKey(w)] = ResourceVersion(w);
  EXPECT_EQ(cached, want);
  inf.Stop();
}

TEST_F(KubeIntegration, CompactionGoneRelistReportsDeletesThatHappenedMeanwhile) {
  DG_BED_ENV(restart, "DG_KUBE_APISERVER_RESTART");
  DG_BED_ENV(etcdctl, "DG_ETCDCTL");
  DG_BED_ENV(etcd, "DG_ETCD_ENDPOINT");
  CreateWidgets(10, 2);
  auto gate_inner = http::NewTransport(admin_cfg_.tls);
  ASSERT_TRUE(gate_inner.ok());
  GateTransport gate(**gate_inner);
  Client watched(gate, admin_cfg_, clock_);
  InformerOptions io;
  io.watcher.backoff_base = 100ms;
  io.watcher.backoff_cap = 1000ms;
  Informer inf(watched, kWidgets, ns_, io);
  Recorder rec;
  inf.AddHandlers(rec.Handlers());
  inf.Start();
  ASSERT_TRUE(inf.WaitForSync(30s));
  ASSERT_EQ(inf.lists_started(), 1u);

  // Behind the informer's back: deletes and changes, then compaction past its resourceVersion, and an
  // apiserver restart so the watch cache cannot serve the old resourceVersion either.
  gate.Close();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(admin_->Delete(kWidgets, ns_, "w-" + std::to_string(i)).ok());
  ASSERT_TRUE(admin_->MergePatch(kWidgets, ns_, "w-5", json{{"spec", {{"n", 555}}}}).ok());
  ASSERT_TRUE(admin_->Create(kWidgets, ns_, Widget(ns_, "w-new", 99)).ok());
  auto list = admin_->List(kWidgets, ns_, OnePage());
  ASSERT_TRUE(list.ok());
  Shell(etcdctl + " --endpoints=" + etcd + " compact " + list->resource_version);
  Shell(restart);
  gate.Open();

  EXPECT_TRUE(WaitUntil([&] { return rec.deleted().size() == 3; }, 60s));
  EXPECT_THAT(rec.deleted(), ::testing::UnorderedElementsAre(ns_ + "/w-0", ns_ + "/w-1", ns_ + "/w-2"));
  EXPECT_GE(inf.lists_started(), 2u) << "the resume should have been refused with 410 and led to a relist";
  auto server = admin_->ListAll(kWidgets, ns_);
  ASSERT_TRUE(server.ok());
  std::map<std::string, std::string> want;
  for (const auto& w : server->items) want[ObjectKey(w)] = ResourceVersion(w);
  EXPECT_TRUE(WaitUntil([&] { return rec.last_rv() == want; }, 30s));
  EXPECT_THAT(rec.duplicates(), ::testing::IsEmpty());
  inf.Stop();
}

TEST_F(KubeIntegration, ConflictsRetriedAndStatusOnlyThroughSubresource) {
  auto w = admin_->Create(kWidgets, ns_, Widget(ns_, "c", 1));
  ASSERT_TRUE(w.ok()) << w.error().ToString();
  // A stale write conflicts.
  json stale = *w;
  ASSERT_TRUE(admin_->MergePatch(kWidgets, ns_, "c", json{{"spec", {{"n", 2}}}}).ok());
  stale["spec"]["n"] = 3;
  auto conflict = admin_->Update(kWidgets, stale);
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kAborted) << conflict.error().ToString();

  // UpdateWithRetry wins against a concurrent writer on its first attempt.
  int attempts = 0;
  auto r = admin_->UpdateWithRetry(
      kWidgets, ns_, "c",
      [&](json& obj) {
        if (++attempts == 1) {
          EXPECT_TRUE(admin_->MergePatch(kWidgets, ns_, "c", json{{"spec", {{"n", 10}}}}).ok());
        }
        obj["status"] = {{"observedN", obj["spec"]["n"]}};
        obj["spec"]["n"] = 999;  // must be ignored by the status subresource
        return OkStatus();
      },
      "status");
  ASSERT_TRUE(r.ok()) << r.error().ToString();
  EXPECT_EQ(attempts, 2);
  auto now = admin_->Get(kWidgets, ns_, "c");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ((*now)["status"]["observedN"], 10);
  EXPECT_EQ((*now)["spec"]["n"], 10) << "the status subresource must not write spec";

  // And a main-resource update does not write status.
  json main = *now;
  main["status"]["observedN"] = -1;
  ASSERT_TRUE(admin_->Update(kWidgets, main).ok());
  EXPECT_EQ((*admin_->Get(kWidgets, ns_, "c"))["status"]["observedN"], 10);

  // Server-side apply and 422 with the field named.
  json applied = Widget(ns_, "c", 1);
  applied["metadata"].erase("labels");
  applied["spec"] = {{"applied", true}};
  auto ap = admin_->Apply(kWidgets, applied, "kubetest", true);
  ASSERT_TRUE(ap.ok()) << ap.error().ToString();
  EXPECT_EQ((*ap)["spec"]["applied"], true);
  json bad = Widget(ns_, "Bad_Name", 1);
  auto invalid = admin_->Create(kWidgets, ns_, bad);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(invalid.error().message.find("metadata.name"), std::string::npos) << invalid.error().message;
}

// A service account token from the TokenRequest API, bound to a Secret so deleting the Secret revokes it.
std::string BoundToken(Client& admin, const std::string& ns, const std::string& sa, const std::string& secret) {
  auto s = admin.Create(kSecrets, ns, json{{"apiVersion", "v1"}, {"kind", "Secret"},
                                           {"metadata", {{"name", secret}, {"namespace", ns}}}});
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  if (!s.ok()) return "";
  json req{{"apiVersion", "authentication.k8s.io/v1"},
           {"kind", "TokenRequest"},
           {"spec",
            {{"expirationSeconds", 3600},
             {"boundObjectRef", {{"kind", "Secret"}, {"apiVersion", "v1"}, {"name", secret}, {"uid", Uid(*s)}}}}}};
  auto tr = admin.CreateSubresource(kServiceAccounts, ns, sa, "token", req);
  EXPECT_TRUE(tr.ok()) << tr.error().ToString();
  if (!tr.ok()) return "";
  return (*tr)["status"]["token"].get<std::string>();
}

TEST_F(KubeIntegration, ForbiddenNamesVerbResourceAndNamespace) {
  DG_BED_ENV(ca, "DG_KUBE_CA");
  DG_BED_ENV(server, "DG_KUBE_SERVER");
  ASSERT_TRUE(admin_->Create(kServiceAccounts, ns_, json{{"apiVersion", "v1"}, {"kind", "ServiceAccount"},
                                                         {"metadata", {{"name", "nobody"}}}})
                  .ok());
  RestConfig cfg;
  cfg.server = server;
  cfg.tls.ca_file = ca;
  cfg.token = BoundToken(*admin_, ns_, "nobody", "nobody-token");
  ASSERT_FALSE(cfg.token.empty());
  auto t = http::NewTransport(cfg.tls);
  ASSERT_TRUE(t.ok());
  Client c(**t, cfg, clock_);
  json d{{"apiVersion", "domainguard.io/v1alpha1"},
         {"kind", "Domain"},
         {"metadata", {{"name", "example-com"}, {"namespace", ns_}, {"resourceVersion", "1"}}}};
  auto r = c.Update(kDomains, d, "status");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << r.error().ToString();
  EXPECT_NE(r.error().message.find("forbidden: cannot update domains/status in namespace \"" + ns_ + "\""),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(r.error().message.find(cfg.token), std::string::npos);
}

TEST_F(KubeIntegration, TokenFileRotationKeepsRequestsWorking) {
  DG_BED_ENV(ca, "DG_KUBE_CA");
  DG_BED_ENV(server, "DG_KUBE_SERVER");
  ASSERT_TRUE(admin_->Create(kServiceAccounts, ns_, json{{"apiVersion", "v1"}, {"kind", "ServiceAccount"},
                                                         {"metadata", {{"name", "reader"}}}})
                  .ok());
  ASSERT_TRUE(admin_->Create(kConfigMaps, ns_, json{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                                    {"metadata", {{"name", "probe"}}}, {"data", {{"k", "v"}}}})
                  .ok());
  json role{{"apiVersion", "rbac.authorization.k8s.io/v1"},
            {"kind", "Role"},
            {"metadata", {{"name", "reader"}, {"namespace", ns_}}},
            {"rules", {{{"apiGroups", {""}}, {"resources", {"configmaps"}}, {"verbs", {"get", "list"}}}}}};
  json binding{{"apiVersion", "rbac.authorization.k8s.io/v1"},
               {"kind", "RoleBinding"},
               {"metadata", {{"name", "reader"}, {"namespace", ns_}}},
               {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "reader"}}},
               {"subjects", {{{"kind", "ServiceAccount"}, {"name", "reader"}, {"namespace", ns_}}}}};
  constexpr Resource kRoles{"rbac.authorization.k8s.io", "v1", "roles", "Role", true};
  constexpr Resource kRoleBindings{"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true};
  ASSERT_TRUE(admin_->Create(kRoles, ns_, role).ok());
  ASSERT_TRUE(admin_->Create(kRoleBindings, ns_, binding).ok());

  char path[] = "/tmp/dg-kubetest-token-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  const std::string first = BoundToken(*admin_, ns_, "reader", "reader-1");
  std::ofstream(path) << first;

  RestConfig cfg;
  cfg.server = server;
  cfg.tls.ca_file = ca;
  cfg.token_file = path;
  auto t = http::NewTransport(cfg.tls);
  ASSERT_TRUE(t.ok());
  Client c(**t, cfg, clock_);
  ASSERT_TRUE(WaitUntil([&] { return c.Get(kConfigMaps, ns_, "probe").ok(); }, 10s)) << "RBAC never allowed get";

  // Rotate: a new token in the file, the old one revoked (its bound Secret deleted). The client notices on
  // the 401 and re-reads the file, without waiting for the periodic check.
  std::string second = BoundToken(*admin_, ns_, "reader", "reader-2");
  {
    std::string tmp = std::string(path) + ".new";
    std::ofstream(tmp) << second;
    ASSERT_EQ(rename(tmp.c_str(), path), 0);
  }
  ASSERT_TRUE(admin_->Delete(kSecrets, ns_, "reader-1").ok());
  // Wait until the apiserver really rejects the old token (it caches authentications for a few seconds).
  RestConfig old_cfg = cfg;
  old_cfg.token_file.clear();
  ASSERT_FALSE(first.empty());
  old_cfg.token = first;
  Client old_client(**t, old_cfg, clock_);
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto r = old_client.Get(kConfigMaps, ns_, "probe");
        return !r.ok() && r.error().code == ErrorCode::kUnauthenticated;
      },
      60s))
      << "the revoked token kept working";
  auto after = c.Get(kConfigMaps, ns_, "probe");
  EXPECT_TRUE(after.ok()) << after.error().ToString();
  // A burst of requests after rotation all succeed.
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.Get(kConfigMaps, ns_, "probe").ok());
  unlink(path);
}

}  // namespace
}  // namespace domainguard::kube
