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
  if (label_names().empty()) return 0;
  std::lock_guard<std::mutex> lock(mu_);
  // An entry's labels are all but the state label: a match naming that erases nothing (its states go together).
  return static_cast<int>(EraseMatching(entries_, label_names(), label_names().size() - 1, match) * states_.size());
}

}  // namespace domainguard::metrics
