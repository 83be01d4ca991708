// The failover controller's Reconcile against a scripted apiserver: what it writes, in which order, and what it
// never writes (the user's own Ingress).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/domain/testing/controller_test.h"
#include "controller/failover/failover_controller.h"
#include "controller/failover/sibling.h"

namespace domainguard::failover {
namespace {

using nlohmann::json;
using std::chrono_literals::operator""s;
using ::testing::HasSubstr;

json Cond(const std::string& type, const std::string& status, const std::string& reason) {
  return {{"type", type}, {"status", status}, {"reason", reason}, {"message", ""},
          {"lastTransitionTime", "2026-01-01T00:00:00Z"}};
}

json Domain(const std::string& name, const std::string& zone, const std::string& uid, json failover = nullptr) {
  json d = {{"apiVersion", "domainguard.io/v1alpha1"},
            {"kind", "Domain"},
            {"metadata", {{"name", name}, {"namespace", "web"}, {"uid", uid}, {"generation", 1},
                          {"creationTimestamp", "2026-01-01T00:00:00Z"}}},
            {"spec", {{"zone", zone}, {"providers", {{{"name", name == "backup" ? "bind-c" : "pdns-a"}}}},
                      {"checks", {{"delegation", {{"interval", "10s"}}}}}}},
            {"status", {{"conditions", {Cond("RegistrationHealthy", "True", "Registered"),
                                        Cond("DelegationHealthy", "True", "DelegationHealthy"),
                                        Cond("RecordsSynced", "True", "Synced")}}}}};
  if (!failover.is_null()) d["spec"]["failover"] = failover;
  return d;
}

json Lost(json d) {
  d["status"]["findings"] = {{{"reason", "DelegationMissing"}, {"severity", "Critical"},
                              {"message", "a.nic.test.: NXDOMAIN, b.nic.test.: NXDOMAIN"}}};
  d["status"]["conditions"][1] = Cond("DelegationHealthy", "False", "DelegationMissing");
  return d;
}

json UserIngress() {
  return json::parse(R"({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
    "metadata": {"name": "web", "namespace": "web", "uid": "i-1", "labels": {"failover": "true"}},
    "spec": {"rules": [{"host": "app.shop.test"}]},
    "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.80"}]}}})");
}

class ReconcileTest : public domain::testing::ControllerTest {
 protected:
  ReconcileTest() {
    kube_.SetSendHandler([this](const http::HttpRequest& r) -> Result<http::HttpResponse> {
      const std::string path = r.url.substr(0, r.url.find('?'));
      if (path.find("/ingresses") != std::string::npos) {
        std::lock_guard<std::mutex> lock(mu_);
        writes_.push_back(r.method + " " + path.substr(path.find("/apis/")));
        if (r.method == "POST") {
          json obj = json::parse(r.body);
          obj["metadata"]["uid"] = "s-" + std::to_string(writes_.size());
          ingresses_.Upsert(obj);
          return http::HttpResponse{201, {}, obj.dump()};
        }
        if (r.method == "DELETE") {
          std::optional<json> gone = ingresses_.Get("web/" + path.substr(path.rfind('/') + 1));
          if (gone) ingresses_.Remove(*gone);
          return http::HttpResponse{200, {}, "{}"};
        }
        return http::HttpResponse{200, {}, r.body};
      }
      if (r.method == "PATCH") {
        std::lock_guard<std::mutex> lock(mu_);
        writes_.push_back("PATCH status");
      }
      return api_.Handle(r);
    });
    domains_.Upsert(Domain("backup", "shop-backup.sm", "u-2"));
    ingresses_.Upsert(UserIngress());
    controller_ = std::make_unique<FailoverController>(context(), FailoverStores{ingresses_},
                                                       FailoverControllerOptions{});
  }
  // The status the last apply wrote, merged into the cached Domain as the apiserver would.
  void MergeLastStatus(const std::string& name) { MergeLastApply(domains_, "web/" + name); }
  std::vector<std::string> Writes() {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_;
  }
  std::vector<std::string> EventReasons() {
    std::vector<std::string> out;
    for (const json& e : SentEvents()) out.push_back(e.value("reason", ""));
    return out;
  }
  json LastFailover() { return api_.applies().back()["status"]["failover"]; }

  kube::Store ingresses_;
  std::mutex mu_;
  std::vector<std::string> writes_;
  std::unique_ptr<FailoverController> controller_;
};

json Failover(const std::string& mode, int confirmations = 1) {
  return {{"domain", "shop-backup.sm"}, {"mode", mode}, {"confirmations", confirmations}, {"holdDown", "0s"},
          {"ingressSelector", {{"matchLabels", {{"failover", "true"}}}}}};
}

TEST_F(ReconcileTest, StandbyCreatesTheSiblingAndNeverWritesTheUsersIngress) {
  domains_.Upsert(Domain("shop", "shop.test", "u-1", Failover("Standby")));
  controller_->Reconcile("web/shop");
  EXPECT_EQ(Writes(), (std::vector<std::string>{"POST /apis/networking.k8s.io/v1/namespaces/web/ingresses",
                                                "PATCH status"}));
  ASSERT_TRUE(ingresses_.Get("web/web-failover"));
  EXPECT_EQ(LastFailover()["objects"][0]["hosts"], json({"app.shop-backup.sm"}));
  EXPECT_EQ(LastFailover()["active"], false);
  // Converged: a second pass writes nothing at all.
  MergeLastStatus("shop");
  controller_->Reconcile("web/shop");
  EXPECT_EQ(Writes().size(), 2u);
  for (const std::string& w : Writes()) EXPECT_THAT(w, ::testing::Not(HasSubstr("/ingresses/web")));
}

TEST_F(ReconcileTest, OtherNamespacesAndUnlabelledIngressesAreNeverSelected) {
  json other_ns = UserIngress();
  other_ns["metadata"]["namespace"] = "other";
  other_ns["metadata"]["uid"] = "i-2";
  ingresses_.Upsert(other_ns);
  json unlabelled = UserIngress();
  unlabelled["metadata"]["name"] = "plain";
  unlabelled["metadata"]["uid"] = "i-3";
  unlabelled["metadata"].erase("labels");
  ingresses_.Upsert(unlabelled);
  domains_.Upsert(Domain("shop", "shop.test", "u-1", Failover("Standby")));
  controller_->Reconcile("web/shop");
  EXPECT_EQ(Writes(), (std::vector<std::string>{"POST /apis/networking.k8s.io/v1/namespaces/web/ingresses",
                                                "PATCH status"}));
  EXPECT_TRUE(ingresses_.Get("web/web-failover"));
  EXPECT_FALSE(ingresses_.Get("web/plain-failover"));
  EXPECT_FALSE(ingresses_.Get("other/web-failover"));
  EXPECT_EQ(LastFailover()["objects"].size(), 1u);
}

TEST_F(ReconcileTest, SwitchWritesTheDecisionBeforeCreatingAnything) {
  domains_.Upsert(Lost(Domain("shop", "shop.test", "u-1", Failover("OnFailure"))));
  controller_->Reconcile("web/shop");
  EXPECT_EQ(Writes(), (std::vector<std::string>{"PATCH status",
                                                "POST /apis/networking.k8s.io/v1/namespaces/web/ingresses",
                                                "PATCH status"}));
  EXPECT_EQ(api_.applies()[0]["status"]["failover"]["active"], true);
  EXPECT_EQ(LastFailover()["state"], "Active");
  EXPECT_EQ(LastFailover()["trigger"], "DelegationMissing");
  EXPECT_THAT(LastFailover()["evidence"].get<std::string>(), HasSubstr("b.nic.test.: NXDOMAIN"));
  EXPECT_EQ(EventReasons(), std::vector<std::string>{"FailoverActivated"});
}

TEST_F(ReconcileTest, UnhealthyBackupBlocksAndCreatesNothing) {
  domains_.Upsert(Lost(Domain("backup", "shop-backup.sm", "u-2")));
  domains_.Upsert(Lost(Domain("shop", "shop.test", "u-1", Failover("OnFailure"))));
  controller_->Reconcile("web/shop");
  EXPECT_EQ(Writes(), std::vector<std::string>{"PATCH status"});
  EXPECT_EQ(LastFailover()["state"], "Blocked");
  EXPECT_EQ(api_.applies().back()["status"]["conditions"][0]["reason"], "FailoverBlocked");
  EXPECT_EQ(EventReasons(), std::vector<std::string>{"FailoverBlocked"});
}

TEST_F(ReconcileTest, OnFailureFailbackDeletesExactlyTheSibling) {
  domains_.Upsert(Lost(Domain("shop", "shop.test", "u-1", Failover("OnFailure"))));
  controller_->Reconcile("web/shop");
  MergeLastStatus("shop");
  ASSERT_TRUE(ingresses_.Get("web/web-failover"));
  json healthy = Domain("shop", "shop.test", "u-1", Failover("OnFailure"));
  healthy["status"]["failover"] = domains_.Get("web/shop").value()["status"]["failover"];
  domains_.Upsert(healthy);
  controller_->Reconcile("web/shop");
  const std::vector<std::string> w = Writes();
  ASSERT_GE(w.size(), 5u);
  EXPECT_EQ(w[3], "PATCH status");  // the failback decision first
  EXPECT_EQ(w[4], "DELETE /apis/networking.k8s.io/v1/namespaces/web/ingresses/web-failover");
  EXPECT_FALSE(ingresses_.Get("web/web-failover"));
  ASSERT_TRUE(ingresses_.Get("web/web"));
  EXPECT_EQ(LastFailover()["active"], false);
  EXPECT_EQ(EventReasons(), (std::vector<std::string>{"FailoverActivated", "FailbackCompleted"}));
}

TEST_F(ReconcileTest, InvalidSpecChangesNothingButSaysWhy) {
  json f = Failover("Standby");
  f["holdDown"] = "soon";
  domains_.Upsert(Domain("shop", "shop.test", "u-1", f));
  controller_->Reconcile("web/shop");
  EXPECT_EQ(Writes(), std::vector<std::string>{"PATCH status"});
  EXPECT_THAT(api_.applies().back()["status"]["conditions"][0]["message"].get<std::string>(),
              HasSubstr("spec.failover.holdDown"));
}

TEST_F(ReconcileTest, DeletedDomainsSiblingsAreDeleted) {
  domains_.Upsert(Domain("shop", "shop.test", "u-1", Failover("Standby")));
  controller_->Reconcile("web/shop");
  ASSERT_TRUE(ingresses_.Get("web/web-failover"));
  domains_.Remove(*domains_.Get("web/shop"));
  controller_->Reconcile("web/shop");
  EXPECT_FALSE(ingresses_.Get("web/web-failover"));
  EXPECT_TRUE(ingresses_.Get("web/web"));
}

}  // namespace
}  // namespace domainguard::failover
