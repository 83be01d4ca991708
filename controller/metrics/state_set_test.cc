#include "controller/metrics/state_set.h"

#include <gtest/gtest.h>

namespace domainguard::metrics {
namespace {

const std::vector<std::string> kLabels = {"namespace", "domain", "type", "status"};
const std::vector<std::string> kStates = {"True", "False", "Unknown"};

// What a GaugeFamily of one series per state exports: the form a StateSetFamily must keep.
std::string AsGauges(const std::vector<std::pair<LabelValues, std::string>>& entries) {
  Registry r;
  GaugeFamily& g = r.AddGauge("cond", "help", kLabels);
  for (const auto& [values, current] : entries) {
    for (const std::string& s : kStates) {
      LabelValues v = values;
      v.push_back(s);
      g.WithLabels(v)->Set(s == current ? 1 : 0);
    }
  }
  return r.Expose();
}

TEST(StateSetFamily, ExportsAsOneGaugePerStateInLabelOrder) {
  const std::vector<std::pair<LabelValues, std::string>> entries = {
      {{"web", "b", "Ready"}, "True"},
      {{"web", "a", "Ready"}, "False"},
      {{"web", "a", "RecordsSynced"}, "Unknown"},
      {{"ops", "a", "Ready"}, "True"},
  };
  Registry r;
  StateSetFamily& f = r.AddStateSet("cond", "help", kLabels, kStates);
  for (const auto& [values, current] : entries) f.Set(values, "Unknown");  // overwritten below
  for (const auto& [values, current] : entries) f.Set(values, current);
  EXPECT_EQ(r.Expose(), AsGauges(entries));
  EXPECT_EQ(f.SeriesCount(), 12u);
}

TEST(StateSetFamily, AStateOutsideTheSetExportsEveryStateAtZero) {
  Registry r;
  StateSetFamily& f = r.AddStateSet("cond", "help", kLabels, kStates);
  f.Set({"web", "a", "Ready"}, "Maybe");
  EXPECT_EQ(r.Expose(), AsGauges({{{"web", "a", "Ready"}, "Maybe"}}));
  EXPECT_NE(r.Expose().find("status=\"True\"} 0\n"), std::string::npos);
}

TEST(StateSetFamily, RemoveAndRemoveMatchingCountSeries) {
  Registry r;
  StateSetFamily& f = r.AddStateSet("cond", "help", kLabels, kStates);
  f.Set({"web", "a", "Ready"}, "True");
  f.Set({"web", "a", "RecordsSynced"}, "True");
  f.Set({"web", "a2", "Ready"}, "True");  // "a" is no prefix of "a2"
  f.Set({"ops", "a", "Ready"}, "False");
  EXPECT_EQ(f.RemoveMatching({{"status", "True"}}), 0);  // an entry's states go together
  EXPECT_EQ(f.RemoveMatching({{"zone", "x"}}), 0);       // not a label of this family
  EXPECT_EQ(f.RemoveMatching({}), 0);
  EXPECT_EQ(r.RemoveSeries({{"namespace", "web"}, {"domain", "a"}}), 6);
  EXPECT_EQ(f.SeriesCount(), 6u);
  EXPECT_EQ(f.RemoveMatching({{"domain", "a"}}), 3);  // not the leading labels: a scan
  EXPECT_EQ(r.Expose(), AsGauges({{{"web", "a2", "Ready"}, "True"}}));
  EXPECT_FALSE(f.Remove({"web", "a", "Ready"}));
  EXPECT_TRUE(f.Remove({"web", "a2", "Ready"}));
  EXPECT_EQ(f.RemoveMatching({{"namespace", "web"}, {"domain", "a2"}, {"type", "Ready"}}), 0);
  EXPECT_EQ(r.Expose(), "");
}

TEST(StateSetFamily, RemoveMatchingEveryEntryLabelRemovesThatEntry) {
  Registry r;
  StateSetFamily& f = r.AddStateSet("cond", "help", kLabels, kStates);
  f.Set({"web", "a", "Ready"}, "True");
  f.Set({"web", "a", "RecordsSynced"}, "True");
  EXPECT_EQ(f.RemoveMatching({{"type", "Ready"}, {"namespace", "web"}, {"domain", "a"}}), 3);
  EXPECT_EQ(r.Expose(), AsGauges({{{"web", "a", "RecordsSynced"}, "True"}}));
}

TEST(StateSetFamily, RegisteredTwice) {
  Registry r;
  StateSetFamily& f = r.AddStateSet("cond", "help", kLabels, kStates);
  EXPECT_EQ(&r.AddStateSet("cond", "help", kLabels, kStates), &f);
  r.AddGauge("gauge", "help", {"a"});
  StateSetFamily& clash = r.AddStateSet("gauge", "help", {"a", "state"}, kStates);  // not exported
  clash.Set({"x"}, "True");
  f.Set({"web", "a", "Ready"}, "True");
  EXPECT_EQ(r.Expose(), AsGauges({{{"web", "a", "Ready"}, "True"}}));
}

}  // namespace
}  // namespace domainguard::metrics
