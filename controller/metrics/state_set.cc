#include "controller/metrics/state_set.h"

#include <algorithm>

namespace domainguard::metrics {

namespace {

std::vector<std::string> Sorted(std::vector<std::string> states) {
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  return states;
}

}  // namespace

StateSetFamily::StateSetFamily(std::string name, std::string help, std::vector<std::string> label_names,
                               std::vector<std::string> states)
    : FamilyBase(std::move(name), std::move(help), std::move(label_names), MetricType::kGauge),
      states_(Sorted(std::move(states))) {}

std::string StateSetFamily::KeyOf(LabelValues values) const {
  values.resize(label_names().empty() ? 0 : label_names().size() - 1);
  return SeriesKey(values);
}

void StateSetFamily::Set(LabelValues values, std::string_view state) {
  auto it = std::find(states_.begin(), states_.end(), state);
  const uint8_t index =
      it == states_.end() || it - states_.begin() >= kNone ? kNone : static_cast<uint8_t>(it - states_.begin());
  std::string key = KeyOf(std::move(values));
  std::lock_guard<std::mutex> lock(mu_);
  entries_[std::move(key)] = index;
}

bool StateSetFamily::Remove(LabelValues values) {
  const std::string key = KeyOf(std::move(values));
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.erase(key) > 0;
}

size_t StateSetFamily::SeriesCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size() * states_.size();
}

void StateSetFamily::Render(std::string& out) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.empty() || states_.empty()) return;
  AppendHeader(out);
  const size_t n = label_names().size();
  Gauge sample;
  for (const auto& [key, current] : entries_) {
    LabelValues values = SeriesValues(key, n);
    for (size_t i = 0; i < states_.size(); ++i) {
      values[n - 1] = states_[i];
      sample.Set(i == current ? 1 : 0);
      AppendSeries(out, name(), label_names(), values, sample);
    }
  }
}

int StateSetFamily::RemoveMatching(const LabelMatch& match) {
  if (match.empty() || label_names().empty()) return 0;
  std::vector<std::pair<size_t, const std::string*>> wanted;
  for (const auto& [label, value] : match) {
    auto it = std::find(label_names().begin(), label_names().end() - 1, label);
    if (it == label_names().end() - 1) return 0;  // not an entry's label (the state label, or none of ours)
    wanted.emplace_back(static_cast<size_t>(it - label_names().begin()), &value);
  }
  std::sort(wanted.begin(), wanted.end());
  bool leading = true;
  for (size_t i = 0; i < wanted.size(); ++i) leading = leading && wanted[i].first == i;
  const size_t n = label_names().size() - 1;
  std::lock_guard<std::mutex> lock(mu_);
  size_t removed = 0;
  if (leading) {
    // Entries are sorted by their values: those of one Domain (namespace, name) are one range.
    LabelValues prefix_values;
    for (const auto& w : wanted) prefix_values.push_back(*w.second);
    const std::string prefix = SeriesKey(prefix_values);
    if (prefix_values.size() == n) {
      removed = entries_.erase(prefix);
    } else {
      const std::string range = prefix + '\0';  // "web" is no prefix of "web2"
      for (auto it = entries_.lower_bound(range); it != entries_.end() && it->first.starts_with(range);) {
        it = entries_.erase(it);
        ++removed;
      }
    }
  } else {
    for (auto it = entries_.begin(); it != entries_.end();) {
      const LabelValues values = SeriesValues(it->first, n);
      if (std::all_of(wanted.begin(), wanted.end(), [&](const auto& w) { return values[w.first] == *w.second; })) {
        it = entries_.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
  }
  return static_cast<int>(removed * states_.size());
}

}  // namespace domainguard::metrics
