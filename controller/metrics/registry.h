// A small Prometheus metrics registry: counters, gauges and histograms with label sets, rendered in the text
// exposition format 0.0.4 (what `/metrics` serves and what Prometheus scrapes).
//
// A family (one metric name, one HELP, one TYPE, fixed label names) hands out series by label values. A series is
// a shared_ptr: callers may keep it and update it without further lookups; removing the series from its family
// (a Domain was deleted) stops it being exported while holders may still write to it harmlessly.
//
// Thread-safety: everything here may be used from several threads at once. Counter and gauge updates are lock-free;
// a histogram observation takes the histogram's own mutex; lookups and exposition take the family's mutex.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace domainguard::metrics {

// Label values in the order of the family's label names.
using LabelValues = std::vector<std::string>;
class StateSetFamily;  // state_set.h
// Label name = value pairs a series must carry, e.g. {{"namespace", "web"}, {"domain", "example-com"}}.
using LabelMatch = std::vector<std::pair<std::string, std::string>>;

// A value that only goes up (requests, adds, retries).
class Counter {
 public:
  // REQUIRES: v >= 0 (negative increments are ignored: a counter never goes down).
  void Inc(double v = 1.0);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down (depth, expiry timestamp, 0/1 flags).
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double v = 1.0);
  void Dec(double v = 1.0) { Inc(-v); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Counts observations into cumulative buckets (latencies, durations).
class Histogram {
 public:
  // REQUIRES: `upper_bounds` strictly increasing; +Inf is implicit and must not be listed.
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double v);

  struct Snapshot {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per upper bound, then the +Inf bucket (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> upper_bounds_;
  mutable std::mutex mu_;
  std::vector<std::uint64_t> counts_;  // guarded by mu_; per bucket (not cumulative), last is +Inf
  double sum_ = 0;                     // guarded by mu_
  std::uint64_t count_ = 0;            // guarded by mu_
};

// Bucket helpers, as client_golang defines them.
// `count` buckets: start, start*factor, start*factor^2, ...  REQUIRES: start > 0, factor > 1, count >= 1.
std::vector<double> ExponentialBuckets(double start, double factor, int count);
// Prometheus' default buckets: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultBuckets();

enum class MetricType { kCounter, kGauge, kHistogram };

// Sample lines of one series, appended to `out` (defined in registry.cc; used by Family::Render).
void AppendSeries(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                  const LabelValues& values, const Counter& m);
void AppendSeries(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                  const LabelValues& values, const Gauge& m);
void AppendSeries(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                  const LabelValues& values, const Histogram& m);

// The untyped face of a family, for the registry and its exposition.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, MetricType type)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(type) {}
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  MetricType type() const { return type_; }

  // Appends this family's HELP, TYPE and sample lines to `out`. Series in label-value order. A family with no
  // series writes nothing (as client_golang does).
  virtual void Render(std::string& out) const = 0;
  // Removes every series whose labels equal all of `match`; returns how many. A family lacking one of the
  // labels, or an empty `match`, removes nothing.
  virtual int RemoveMatching(const LabelMatch& match) = 0;

 protected:
  // "# HELP name help\n# TYPE name counter\n".
  void AppendHeader(std::string& out) const;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const MetricType type_;
};

// A series' label values as its key in a family: the values joined by NUL. That sorts as the values do (value
// by value, lexicographically) and is one allocation where a vector of strings was one per value and one for the
// vector: ~20 series per Domain made the families 34 MB of live heap at 10,000 Domains (heaptrack; issue #14:
// RSS <= 150 MB). Label values never hold a NUL (Kubernetes names, zones, reasons); one that did would be cut
// there when read back.
std::string SeriesKey(const LabelValues& values);
// The `n` values of `key` (SeriesKey's inverse; missing trailing values read as "").
LabelValues SeriesValues(std::string_view key, size_t n);

// Erases from `series` (keyed by SeriesKey of the values of the first `n` of `label_names`) every entry whose values
// match every label of `match`; returns how many. An empty match, or one naming a label outside the first `n`
// (the family does not describe such objects), erases nothing.
template <typename V>
size_t EraseMatching(std::map<std::string, V>& series, const std::vector<std::string>& label_names, size_t n,
                     const LabelMatch& match) {
  std::vector<std::pair<size_t, const std::string*>> wanted;
  for (const auto& [label, value] : match) {
    auto it = std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(n), label);
    if (it == label_names.begin() + static_cast<std::ptrdiff_t>(n)) return 0;
    wanted.emplace_back(static_cast<size_t>(it - label_names.begin()), &value);
  }
  if (wanted.empty()) return 0;
  std::sort(wanted.begin(), wanted.end());
  bool leading = true;
  for (size_t i = 0; i < wanted.size(); ++i) leading = leading && wanted[i].first == i;
  size_t removed = 0;
  // The leading labels (a Domain's namespace and name): the map is sorted by its values, so the matching entries
  // are one range, found in O(log n). A scan of every series cost each Domain's Ready reconcile ~10,000 label
  // comparisons at 10,000 Domains (issue #14).
  if (leading) {
    LabelValues values;
    for (const auto& w : wanted) values.push_back(*w.second);
    if (values.size() == n) return series.erase(SeriesKey(values));
    const std::string prefix = SeriesKey(values) + '\0';  // the separator: "web" is no prefix of "web2"
    for (auto it = series.lower_bound(prefix); it != series.end() && std::string_view(it->first).starts_with(prefix);) {
      it = series.erase(it);
      ++removed;
    }
    return removed;
  }
  for (auto it = series.begin(); it != series.end();) {
    const LabelValues values = SeriesValues(it->first, n);
    if (std::all_of(wanted.begin(), wanted.end(), [&](const auto& w) { return values[w.first] == *w.second; })) {
      it = series.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

// One metric name with its series.
template <typename M>
class Family final : public FamilyBase {
 public:
  using Factory = std::function<std::shared_ptr<M>()>;
  Family(std::string name, std::string help, std::vector<std::string> label_names, MetricType type, Factory factory)
      : FamilyBase(std::move(name), std::move(help), std::move(label_names), type), factory_(std::move(factory)) {}

  // The series for `values`, created on first use. Missing trailing values are taken as ""; extra values are
  // dropped (a programming error, but not worth a crash in a controller).
  std::shared_ptr<M> WithLabels(LabelValues values) {
    values.resize(label_names().size());
    std::string key = SeriesKey(values);
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = series_[std::move(key)];
    if (!slot) slot = factory_();
    return slot;
  }
  // Stops exporting the series for `values`; returns whether it existed.
  bool Remove(LabelValues values) {
    values.resize(label_names().size());
    const std::string key = SeriesKey(values);
    std::lock_guard<std::mutex> lock(mu_);
    return series_.erase(key) > 0;
  }
  int RemoveMatching(const LabelMatch& match) override {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(EraseMatching(series_, label_names(), label_names().size(), match));
  }
  // Drops every series (a gauge family rebuilt from scratch at each evaluation).
  void Clear() {
    std::lock_guard<std::mutex> lock(mu_);
    series_.clear();
  }
  size_t SeriesCount() const {
    std::lock_guard<std::mutex> lock(mu_);
    return series_.size();
  }
  void Render(std::string& out) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (series_.empty()) return;
    AppendHeader(out);
    for (const auto& [key, m] : series_) {
      AppendSeries(out, name(), label_names(), SeriesValues(key, label_names().size()), *m);
    }
  }

 private:
  const Factory factory_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<M>> series_;  // guarded by mu_; SeriesKey -> series
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// Owns families and renders them all. Families live as long as the registry; the references handed out stay
// valid until then.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registering the same name twice returns the existing family when type and label names agree (two queues may
  // share the workqueue families); otherwise the second call gets a family that is not exported and a warning
  // is logged, so a clash is visible in logs but never crashes the controller.
  CounterFamily& AddCounter(const std::string& name, const std::string& help, std::vector<std::string> labels);
  GaugeFamily& AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels);
  HistogramFamily& AddHistogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                                std::vector<double> buckets);
  // A gauge family of which one state label value is 1 at a time (state_set.h); `labels` ends with that label.
  StateSetFamily& AddStateSet(const std::string& name, const std::string& help, std::vector<std::string> labels,
                              std::vector<std::string> states);

  // Hooks run at the start of every Expose(), to refresh gauges computed on demand (e.g. the longest-running
  // processor of a work queue). Returns an id for RemoveCollectHook; remove it before what it captures dies.
  int AddCollectHook(std::function<void()> hook);
  void RemoveCollectHook(int id);

  // Removes every series of every family whose labels equal all of `match` (e.g. namespace=web,
  // domain=example-com), for when the object the series describe is gone. Families without all of those labels
  // are left alone. Returns how many series were removed.
  int RemoveSeries(const LabelMatch& match);

  // The text exposition format 0.0.4, families sorted by name. Content-Type:
  // "text/plain; version=0.0.4; charset=utf-8".
  std::string Expose() const;

 private:
  template <typename M>
  Family<M>& Add(const std::string& name, const std::string& help, std::vector<std::string> labels, MetricType type,
                 typename Family<M>::Factory factory);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;  // guarded by mu_; exported
  std::vector<std::unique_ptr<FamilyBase>> orphans_;             // guarded by mu_; clashing, not exported
  std::map<int, std::function<void()>> hooks_;                   // guarded by mu_
  int next_hook_id_ = 1;                                         // guarded by mu_
};

// Exposition helpers, exposed for tests and for other renderers.
// A sample value: integers without a fraction ("3"), others shortest round-trip ("0.005", "1e+06"), "+Inf",
// "-Inf", "NaN".
std::string FormatValue(double v);
// A label value with \ " and newline escaped.
std::string EscapeLabelValue(std::string_view v);
// A HELP text with \ and newline escaped.
std::string EscapeHelp(std::string_view v);

}  // namespace domainguard::metrics
