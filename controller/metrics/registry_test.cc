#include "controller/metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::metrics {
namespace {

struct ValueCase {
  std::string name;
  double value;
  std::string want;
};
class FormatValueTest : public ::testing::TestWithParam<ValueCase> {};
TEST_P(FormatValueTest, Formats) { EXPECT_EQ(FormatValue(GetParam().value), GetParam().want); }
INSTANTIATE_TEST_SUITE_P(Values, FormatValueTest,
                         ::testing::ValuesIn(std::vector<ValueCase>{
                             {"zero", 0, "0"},
                             {"integer", 42, "42"},
                             {"negative_integer", -3, "-3"},
                             {"fraction", 0.005, "0.005"},
                             {"large_integer_stays_integer", 1e6, "1000000"},
                             {"unix_time", 1795536055, "1795536055"},
                             {"tiny", 1e-8, "1e-08"},
                             {"plus_inf", std::numeric_limits<double>::infinity(), "+Inf"},
                             {"minus_inf", -std::numeric_limits<double>::infinity(), "-Inf"},
                             {"nan", std::nan(""), "NaN"},
                         }),
                         [](const auto& info) { return info.param.name; });

TEST(Escape, LabelValueEscapesBackslashQuoteNewline) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(EscapeLabelValue("plain.example.com."), "plain.example.com.");
}

TEST(Escape, HelpEscapesBackslashNewlineButNotQuote) { EXPECT_EQ(EscapeHelp("say \"hi\"\\\n"), "say \"hi\"\\\\\\n"); }

TEST(Registry, EmptyRegistryExposesNothing) {
  Registry r;
  r.AddCounter("never_used_total", "Nothing.", {"a"});
  EXPECT_EQ(r.Expose(), "");
}

TEST(Registry, CounterExpositionIsExact) {
  Registry r;
  auto& f = r.AddCounter("domainguard_provider_requests_total", "Requests sent to DNS providers.",
                         {"provider", "method", "code"});
  f.WithLabels({"pdns-a", "PATCH", "204"})->Inc();
  f.WithLabels({"pdns-a", "PATCH", "204"})->Inc(2);
  f.WithLabels({"pdns-a", "GET", "200"})->Inc();
  EXPECT_EQ(r.Expose(),
            "# HELP domainguard_provider_requests_total Requests sent to DNS providers.\n"
            "# TYPE domainguard_provider_requests_total counter\n"
            "domainguard_provider_requests_total{provider=\"pdns-a\",method=\"GET\",code=\"200\"} 1\n"
            "domainguard_provider_requests_total{provider=\"pdns-a\",method=\"PATCH\",code=\"204\"} 3\n");
}

TEST(Registry, CounterIgnoresNegativeIncrements) {
  Counter c;
  c.Inc(2);
  c.Inc(-5);
  EXPECT_EQ(c.Value(), 2);
}

TEST(Registry, GaugeWithoutLabelsAndEscapedValues) {
  Registry r;
  r.AddGauge("up_flag", "A flag.\nSecond line.", {}).WithLabels({})->Set(1);
  auto& g = r.AddGauge("weird", "Weird labels.", {"v"});
  g.WithLabels({"a\"b\\c\nd"})->Set(-2.5);
  EXPECT_EQ(r.Expose(),
            "# HELP up_flag A flag.\\nSecond line.\n"
            "# TYPE up_flag gauge\n"
            "up_flag 1\n"
            "# HELP weird Weird labels.\n"
            "# TYPE weird gauge\n"
            "weird{v=\"a\\\"b\\\\c\\nd\"} -2.5\n");
}

TEST(Registry, HistogramBucketsAreCumulativeAndLeInclusive) {
  Registry r;
  auto& h = r.AddHistogram("work_seconds", "Work.", {"name"}, {0.1, 1, 10});
  auto s = h.WithLabels({"q"});
  s->Observe(0.1);   // le="0.1" is inclusive
  s->Observe(0.5);
  s->Observe(5);
  s->Observe(100);   // only +Inf
  EXPECT_EQ(r.Expose(),
            "# HELP work_seconds Work.\n"
            "# TYPE work_seconds histogram\n"
            "work_seconds_bucket{name=\"q\",le=\"0.1\"} 1\n"
            "work_seconds_bucket{name=\"q\",le=\"1\"} 2\n"
            "work_seconds_bucket{name=\"q\",le=\"10\"} 3\n"
            "work_seconds_bucket{name=\"q\",le=\"+Inf\"} 4\n"
            "work_seconds_sum{name=\"q\"} 105.6\n"
            "work_seconds_count{name=\"q\"} 4\n");
}

TEST(Registry, HistogramWithoutLabels) {
  Registry r;
  r.AddHistogram("h", "H.", {}, {1}).WithLabels({})->Observe(2);
  EXPECT_EQ(r.Expose(),
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 2\nh_count 1\n");
}

TEST(Registry, FamiliesSortedByName) {
  Registry r;
  r.AddGauge("b", "B.", {}).WithLabels({})->Set(1);
  r.AddGauge("a", "A.", {}).WithLabels({})->Set(1);
  EXPECT_EQ(r.Expose(), "# HELP a A.\n# TYPE a gauge\na 1\n# HELP b B.\n# TYPE b gauge\nb 1\n");
}

TEST(Registry, SameNameSameShapeSharesFamily) {
  Registry r;
  auto& a = r.AddCounter("adds_total", "Adds.", {"name"});
  auto& b = r.AddCounter("adds_total", "Adds.", {"name"});
  EXPECT_EQ(&a, &b);
}

TEST(Registry, ClashingRegistrationIsNotExported) {
  Registry r;
  r.AddCounter("x", "X.", {"a"}).WithLabels({"1"})->Inc();
  auto& clash = r.AddGauge("x", "X as gauge.", {"a"});
  clash.WithLabels({"2"})->Set(7);
  EXPECT_EQ(r.Expose(), "# HELP x X.\n# TYPE x counter\nx{a=\"1\"} 1\n");
}

TEST(Registry, RemoveDeletesOneSeriesAndHoldersStillWork) {
  Registry r;
  auto& g = r.AddGauge("domainguard_failover_active", "Failover.", {"namespace", "domain"});
  auto held = g.WithLabels({"web", "a"});
  held->Set(1);
  g.WithLabels({"web", "b"})->Set(0);
  EXPECT_TRUE(g.Remove({"web", "a"}));
  EXPECT_FALSE(g.Remove({"web", "a"}));
  held->Set(5);  // harmless: no longer exported
  EXPECT_EQ(r.Expose(),
            "# HELP domainguard_failover_active Failover.\n# TYPE domainguard_failover_active gauge\n"
            "domainguard_failover_active{namespace=\"web\",domain=\"b\"} 0\n");
}

TEST(Registry, RemoveSeriesAcrossFamiliesMatchesAllLabels) {
  Registry r;
  auto& g = r.AddGauge("g", "G.", {"namespace", "domain", "zone"});
  auto& f = r.AddGauge("f", "F.", {"namespace", "domain", "reason"});
  auto& other = r.AddCounter("c", "C.", {"provider"});
  g.WithLabels({"web", "a", "a.test"})->Set(1);
  g.WithLabels({"ops", "a", "a.test"})->Set(1);  // same name, other namespace: kept
  f.WithLabels({"web", "a", "GlueMissing"})->Set(1);
  f.WithLabels({"web", "a", "LameNameserver"})->Set(1);
  f.WithLabels({"web", "b", "GlueMissing"})->Set(1);
  other.WithLabels({"pdns-a"})->Inc();
  EXPECT_EQ(r.RemoveSeries({{"namespace", "web"}, {"domain", "a"}}), 3);
  EXPECT_EQ(g.SeriesCount(), 1u);
  EXPECT_EQ(f.SeriesCount(), 1u);
  EXPECT_EQ(other.SeriesCount(), 1u);
  EXPECT_EQ(r.RemoveSeries({}), 0);
}

// Matches on the leading labels take the sorted range, others scan: both remove exactly the matching series.
TEST(Registry, RemoveMatchingLeadingOrNotRemovesTheSame) {
  struct Case {
    std::string what;
    LabelMatch match;
    std::vector<LabelValues> kept;
  };
  const std::vector<Case> cases = {
      {"namespace and domain", {{"namespace", "web"}, {"domain", "a"}},
       {{"ops", "a", "R1"}, {"web", "", "R1"}, {"web", "ab", "R1"}, {"web", "b", "R1"}}},
      {"the same, in another order", {{"domain", "a"}, {"namespace", "web"}},
       {{"ops", "a", "R1"}, {"web", "", "R1"}, {"web", "ab", "R1"}, {"web", "b", "R1"}}},
      {"namespace only", {{"namespace", "web"}}, {{"ops", "a", "R1"}}},
      {"domain only (not leading)", {{"domain", "a"}},
       {{"web", "", "R1"}, {"web", "ab", "R1"}, {"web", "b", "R1"}}},
      {"every label", {{"namespace", "web"}, {"domain", "a"}, {"reason", "R2"}},
       {{"ops", "a", "R1"}, {"web", "", "R1"}, {"web", "a", "R1"}, {"web", "ab", "R1"}, {"web", "b", "R1"}}},
      {"no such value", {{"namespace", "dev"}},
       {{"ops", "a", "R1"}, {"web", "", "R1"}, {"web", "a", "R1"}, {"web", "a", "R2"}, {"web", "ab", "R1"},
        {"web", "b", "R1"}}},
  };
  for (const Case& c : cases) {
    Registry r;
    auto& f = r.AddGauge("f", "F.", {"namespace", "domain", "reason"});
    for (const LabelValues& v : std::vector<LabelValues>{{"web", "a", "R1"}, {"web", "a", "R2"}, {"web", "ab", "R1"},
                                                          {"web", "b", "R1"}, {"web", "", "R1"}, {"ops", "a", "R1"}}) {
      f.WithLabels(v)->Set(1);
    }
    f.RemoveMatching(c.match);
    std::vector<LabelValues> kept;
    for (const LabelValues& v : std::vector<LabelValues>{{"ops", "a", "R1"}, {"web", "", "R1"}, {"web", "a", "R1"},
                                                          {"web", "a", "R2"}, {"web", "ab", "R1"}, {"web", "b", "R1"}}) {
      if (f.Remove(v)) kept.push_back(v);
    }
    EXPECT_EQ(kept, c.kept) << c.what;
  }
}

TEST(SeriesKey, ReadsBackAndSortsAsTheValuesDo) {
  std::vector<LabelValues> values = {{"web", "a", "R1"}, {"web", "ab", ""}, {"web", "", "R1"}, {"we", "b", "R1"},
                                     {"web", "a", ""},   {"", "", ""},      {"web-2", "a", "R"}, {"web", "a b", "R"}};
  std::vector<std::string> keys;
  for (const LabelValues& v : values) {
    keys.push_back(SeriesKey(v));
    EXPECT_EQ(SeriesValues(keys.back(), 3), v);
  }
  std::sort(values.begin(), values.end());
  std::sort(keys.begin(), keys.end());
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(SeriesValues(keys[i], 3), values[i]) << i;
  EXPECT_EQ(SeriesValues("", 0), LabelValues{});
  EXPECT_EQ(SeriesValues("only", 3), (LabelValues{"only", "", ""})) << "missing values read as empty";
  EXPECT_EQ(SeriesKey({std::string("cut\0here", 8), "b"}), std::string("cut\0b", 5)) << "a NUL ends a value";
}

TEST(Registry, CollectHooksRunBeforeExposeAndCanBeRemoved) {
  Registry r;
  auto& g = r.AddGauge("computed", "Computed at scrape.", {});
  int calls = 0;
  int id = r.AddCollectHook([&] { g.WithLabels({})->Set(++calls); });
  EXPECT_EQ(r.Expose(), "# HELP computed Computed at scrape.\n# TYPE computed gauge\ncomputed 1\n");
  EXPECT_EQ(r.Expose(), "# HELP computed Computed at scrape.\n# TYPE computed gauge\ncomputed 2\n");
  r.RemoveCollectHook(id);
  r.Expose();
  EXPECT_EQ(calls, 2);
}

TEST(Registry, MissingLabelValuesBecomeEmpty) {
  Registry r;
  r.AddGauge("g", "G.", {"a", "b"}).WithLabels({"x"})->Set(1);
  EXPECT_THAT(r.Expose(), ::testing::HasSubstr("g{a=\"x\",b=\"\"} 1\n"));
}

TEST(Registry, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& c = r.AddCounter("c_total", "C.", {"t"});
  auto& h = r.AddHistogram("h", "H.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.WithLabels({"x"})->Inc();
        h.WithLabels({})->Observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.WithLabels({"x"})->Value(), 40000);
  EXPECT_EQ(h.WithLabels({})->Read().count, 40000u);
}

TEST(Buckets, ExponentialAndDefault) {
  EXPECT_THAT(ExponentialBuckets(1, 10, 3), ::testing::ElementsAre(1, 10, 100));
  EXPECT_EQ(DefaultBuckets().size(), 11u);
}

}  // namespace
}  // namespace domainguard::metrics
