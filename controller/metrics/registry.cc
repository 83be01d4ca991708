#include "controller/metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "controller/base/log.h"
#include "controller/metrics/state_set.h"

namespace domainguard::metrics {

std::string SeriesKey(const LabelValues& values) {
  size_t size = values.size();
  for (const std::string& v : values) size += v.size();
  std::string key;
  key.reserve(size);
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) key.push_back('\0');
    key.append(values[i].data(), std::min(values[i].size(), values[i].find('\0')));
  }
  return key;
}

LabelValues SeriesValues(std::string_view key, size_t n) {
  LabelValues out(n);
  size_t start = 0;
  for (size_t i = 0; i < n && start <= key.size(); ++i) {
    const size_t end = std::min(key.find('\0', start), key.size());
    out[i] = std::string(key.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void Counter::Inc(double v) {
  if (!(v >= 0)) return;  // also drops NaN
  value_.fetch_add(v, std::memory_order_relaxed);
}

void Gauge::Inc(double v) { value_.fetch_add(v, std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)), counts_(upper_bounds_.size() + 1, 0) {}

void Histogram::Observe(double v) {
  // The first bucket whose upper bound is >= v ("le" is inclusive); past the last: +Inf.
  size_t i = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), v) - upper_bounds_.begin();
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[i];
  sum_ += v;
  ++count_;
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.upper_bounds = upper_bounds_;
  std::lock_guard<std::mutex> lock(mu_);
  std::uint64_t running = 0;
  for (std::uint64_t c : counts_) {
    running += c;
    s.cumulative_counts.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> out;
  double v = start;
  for (int i = 0; i < count; ++i) {
    out.push_back(v);
    v *= factor;
  }
  return out;
}

std::vector<double> DefaultBuckets() { return {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}; }

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Whole numbers below 2^53 print as integers, the way people read counters ("42", not "4.2e+01").
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v));
    return std::string(buf, end);
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip
  return std::string(buf, end);
}

std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

std::string_view TypeName(MetricType t) {
  switch (t) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

// `{a="x",b="y"}` (with `extra_name`="extra_value" appended when given), or "" when there are no labels.
void AppendLabels(std::string& out, const std::vector<std::string>& names, const LabelValues& values,
                  std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    out += names[i];
    out += "=\"";
    out += EscapeLabelValue(i < values.size() ? values[i] : std::string());
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
}

void AppendSample(std::string& out, std::string_view name, const std::vector<std::string>& names,
                  const LabelValues& values, double v) {
  out += name;
  AppendLabels(out, names, values);
  out += ' ';
  out += FormatValue(v);
  out += '\n';
}

}  // namespace

void FamilyBase::AppendHeader(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  out += EscapeHelp(help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += TypeName(type_);
  out += '\n';
}

void AppendSeries(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                  const LabelValues& values, const Counter& m) {
  AppendSample(out, name, label_names, values, m.Value());
}

void AppendSeries(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                  const LabelValues& values, const Gauge& m) {
  AppendSample(out, name, label_names, values, m.Value());
}

void AppendSeries(std::string& out, const std::string& name, const std::vector<std::string>& label_names,
                  const LabelValues& values, const Histogram& m) {
  Histogram::Snapshot s = m.Read();
  const std::string bucket = name + "_bucket";
  for (size_t i = 0; i <= s.upper_bounds.size(); ++i) {
    out += bucket;
    AppendLabels(out, label_names, values, "le", i < s.upper_bounds.size() ? FormatValue(s.upper_bounds[i]) : "+Inf");
    out += ' ';
    out += FormatValue(static_cast<double>(s.cumulative_counts[i]));
    out += '\n';
  }
  AppendSample(out, name + "_sum", label_names, values, s.sum);
  AppendSample(out, name + "_count", label_names, values, static_cast<double>(s.count));
}

template <typename M>
Family<M>& Registry::Add(const std::string& name, const std::string& help, std::vector<std::string> labels,
                         MetricType type, typename Family<M>::Factory factory) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->type() == type && it->second->label_names() == labels) {
      return static_cast<Family<M>&>(*it->second);
    }
    spdlog::warn("metrics decision=not_exported metric={} reason=registered_twice_with_other_type_or_labels", name);
    orphans_.push_back(std::make_unique<Family<M>>(name, help, std::move(labels), type, std::move(factory)));
    return static_cast<Family<M>&>(*orphans_.back());
  }
  auto family = std::make_unique<Family<M>>(name, help, std::move(labels), type, std::move(factory));
  Family<M>& ref = *family;
  families_.emplace(name, std::move(family));
  return ref;
}

CounterFamily& Registry::AddCounter(const std::string& name, const std::string& help,
                                    std::vector<std::string> labels) {
  return Add<Counter>(name, help, std::move(labels), MetricType::kCounter, [] { return std::make_shared<Counter>(); });
}

GaugeFamily& Registry::AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  return Add<Gauge>(name, help, std::move(labels), MetricType::kGauge, [] { return std::make_shared<Gauge>(); });
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels, std::vector<double> buckets) {
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  while (!buckets.empty() && std::isinf(buckets.back())) buckets.pop_back();
  return Add<Histogram>(name, help, std::move(labels), MetricType::kHistogram,
                        [buckets] { return std::make_shared<Histogram>(buckets); });
}

StateSetFamily& Registry::AddStateSet(const std::string& name, const std::string& help,
                                      std::vector<std::string> labels, std::vector<std::string> states) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    auto* existing = dynamic_cast<StateSetFamily*>(it->second.get());
    if (existing != nullptr && existing->label_names() == labels) return *existing;
    spdlog::warn("metrics decision=not_exported metric={} reason=registered_twice_with_other_type_or_labels", name);
    orphans_.push_back(std::make_unique<StateSetFamily>(name, help, std::move(labels), std::move(states)));
    return static_cast<StateSetFamily&>(*orphans_.back());
  }
  auto family = std::make_unique<StateSetFamily>(name, help, std::move(labels), std::move(states));
  StateSetFamily& ref = *family;
  families_.emplace(name, std::move(family));
  return ref;
}

int Registry::AddCollectHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  int id = next_hook_id_++;
  hooks_.emplace(id, std::move(hook));
  return id;
}

void Registry::RemoveCollectHook(int id) {
  std::lock_guard<std::mutex> lock(mu_);
  hooks_.erase(id);
}

int Registry::RemoveSeries(const LabelMatch& match) {
  std::lock_guard<std::mutex> lock(mu_);
  int removed = 0;
  for (auto& [name, family] : families_) removed += family->RemoveMatching(match);
  return removed;
}

std::string Registry::Expose() const {
  std::lock_guard<std::mutex> lock(mu_);
  // Hooks run under mu_ so one cannot be removed (and its captures destroyed) while it runs. They must not call
  // back into the registry's registration methods; updating series is fine (families have their own mutexes).
  for (const auto& [id, hook] : hooks_) hook();
  std::string out;
  for (const auto& [name, family] : families_) family->Render(out);
  return out;
}

}  // namespace domainguard::metrics
