#include "controller/metrics/domain_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const DomainRef kWeb{"web", "example-com", "example.com"};

TEST(DomainMetrics, ConditionExportsAllThreeStatuses) {
  Registry r;
  DomainMetrics m(r);
  m.SetCondition(kWeb, "Ready", "False");
  EXPECT_EQ(r.Expose(),
            "# HELP domainguard_domain_condition 1 for the current status of each Domain condition, 0 for the other "
            "statuses.\n"
            "# TYPE domainguard_domain_condition gauge\n"
            "domainguard_domain_condition{namespace=\"web\",domain=\"example-com\",zone=\"example.com\",type=\"Ready\","
            "status=\"False\"} 1\n"
            "domainguard_domain_condition{namespace=\"web\",domain=\"example-com\",zone=\"example.com\",type=\"Ready\","
            "status=\"True\"} 0\n"
            "domainguard_domain_condition{namespace=\"web\",domain=\"example-com\",zone=\"example.com\",type=\"Ready\","
            "status=\"Unknown\"} 0\n");
}

TEST(DomainMetrics, ExpiryUnknownRemovesTheSeries) {
  Registry r;
  DomainMetrics m(r);
  m.SetExpiry(kWeb, SystemTime{} + std::chrono::seconds(1795536055));
  EXPECT_THAT(r.Expose(), HasSubstr("domainguard_domain_expiry_timestamp_seconds{namespace=\"web\",domain=\"example-"
                                    "com\",zone=\"example.com\"} 1795536055\n"));
  m.SetExpiry(kWeb, std::nullopt);
  EXPECT_THAT(r.Expose(), Not(HasSubstr("domainguard_domain_expiry_timestamp_seconds")));
}

TEST(DomainMetrics, FindingsAreReplacedAsASet) {
  Registry r;
  DomainMetrics m(r);
  DomainRef other{"web", "other", "other.test"};
  m.SetFindings(kWeb, {{"GlueMissing", "Critical"}, {"SerialDrift", "Warning"}});
  m.SetFindings(other, {{"ExpiringSoon", "Warning"}});
  m.SetFindings(kWeb, {{"SerialDrift", "Warning"}});
  std::string text = r.Expose();
  EXPECT_THAT(text, Not(HasSubstr("GlueMissing")));
  EXPECT_THAT(text, HasSubstr("reason=\"SerialDrift\",severity=\"Warning\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("domain=\"other\",zone=\"other.test\",reason=\"ExpiringSoon\""));
}

TEST(DomainMetrics, ForgetDomainRemovesOnlyThatDomain) {
  Registry r;
  DomainMetrics m(r);
  DomainRef same_name_other_ns{"ops", "example-com", "example.com"};
  m.SetCondition(kWeb, "Ready", "True");
  m.SetFindings(kWeb, {{"GlueMissing", "Critical"}});
  m.SetFailoverActive(kWeb, true);
  m.SetExpiry(kWeb, SystemTime{} + std::chrono::hours(1));
  m.SetFailoverActive(same_name_other_ns, false);
  m.SetUnmonitored("web", "example-com", true);  // a registrable domain label, not a Domain: kept
  EXPECT_EQ(m.ForgetDomain("web", "example-com"), 3 + 1 + 1 + 1);
  std::string text = r.Expose();
  EXPECT_THAT(text, Not(HasSubstr("namespace=\"web\",domain=\"example-com\",zone")));
  EXPECT_THAT(text, HasSubstr("domainguard_failover_active{namespace=\"ops\""));
  EXPECT_THAT(text, HasSubstr("domainguard_unmonitored_domain{namespace=\"web\",domain=\"example-com\"} 1"));
}

TEST(DomainMetrics, FailoverReadyOnlyWithFailover) {
  Registry r;
  DomainMetrics m(r);
  m.SetFailoverReady(kWeb, true);
  EXPECT_THAT(r.Expose(), HasSubstr("domainguard_failover_ready{namespace=\"web\",domain=\"example-com\",zone=\"example.com\"} 1"));
  m.SetFailoverReady(kWeb, false);
  EXPECT_THAT(r.Expose(), HasSubstr("zone=\"example.com\"} 0"));
  m.SetFailoverReady(kWeb, std::nullopt);
  EXPECT_THAT(r.Expose(), Not(HasSubstr("domainguard_failover_ready{")));
  m.SetFailoverReady(kWeb, true);
  EXPECT_EQ(m.ForgetDomain("web", "example-com"), 1);
}

TEST(DomainMetrics, ProviderSeries) {
  Registry r;
  DomainMetrics m(r);
  m.CountProviderRequest("web", "pdns-a", "PATCH", "204");
  m.CountProviderRequest("web", "pdns-a", "PATCH", "204");
  m.SetPendingChanges("web", "pdns-a", 7);
  m.CountDnsQuery("delegation", "NOERROR");
  std::string text = r.Expose();
  EXPECT_THAT(text, HasSubstr("domainguard_provider_requests_total{namespace=\"web\",provider=\"pdns-a\",method=\"PATCH\","
                              "code=\"204\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("domainguard_provider_pending_changes{namespace=\"web\",provider=\"pdns-a\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("domainguard_dns_queries_total{purpose=\"delegation\",rcode=\"NOERROR\"} 1\n"));
  EXPECT_EQ(m.ForgetProvider("web", "pdns-a"), 2);
}

}  // namespace
}  // namespace domainguard::metrics
