// StateSetFamily: gauges of which exactly one of a fixed set of label values is 1 at a time — a Domain
// condition's status (True, False, Unknown) as kube-state-metrics exports conditions, an OpenMetrics StateSet.
//
// The exposition is that of a GaugeFamily holding one series per state (1 for the current, 0 for the others, in
// label-value order), but an entry holds only the other labels' values and the current state's index: a
// GaugeFamily spends a map entry, a key and a Gauge per series, ~170 bytes, 3 series per condition; here ~140
// bytes per condition (issue #14: ~4 conditions of each of 10,000 Domains were ~20 MB of the controller's heap).
//
// Thread-safety: every method may be called from several threads at once (the family's mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "controller/metrics/registry.h"

namespace domainguard::metrics {

class StateSetFamily final : public FamilyBase {
 public:
  // `label_names`: the labels of an entry, then the state label last. `states`: the values the state label takes.
  StateSetFamily(std::string name, std::string help, std::vector<std::string> label_names,
                 std::vector<std::string> states);

  // Sets the current state of the entry `values` (the labels before the state label; missing trailing values are
  // taken as "", extra ones dropped). A state not in the set exports every state at 0.
  void Set(LabelValues values, std::string_view state);
  // Stops exporting the entry's series; returns whether it existed.
  bool Remove(LabelValues values);
  // Series exported (entries x states).
  size_t SeriesCount() const;

  void Render(std::string& out) const override;
  // As a GaugeFamily's, counting series; a match naming the state label removes nothing (an entry's states go
  // together).
  int RemoveMatching(const LabelMatch& match) override;

 private:
  static constexpr uint8_t kNone = 0xff;  // a state not in the set

  std::string KeyOf(LabelValues values) const;

  const std::vector<std::string> states_;  // sorted: the exposition's order
  mutable std::mutex mu_;
  std::map<std::string, uint8_t> entries_;  // guarded by mu_; SeriesKey of the entry's labels -> state index
};

}  // namespace domainguard::metrics
