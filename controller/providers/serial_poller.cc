#include "controller/providers/serial_poller.h"

#include <spdlog/spdlog.h>

namespace domainguard::providers {

SerialPoller::SerialPoller(std::shared_ptr<Provider> provider, const Clock& clock, MovedHandler on_moved)
    : clock_(clock), on_moved_(std::move(on_moved)), provider_(std::move(provider)) {}

SerialPoller::~SerialPoller() { Stop(); }

void SerialPoller::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SerialPoller::Start(std::chrono::milliseconds interval) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_ || thread_.joinable()) return;
  thread_ = std::thread([this, interval] { Run(interval); });
}

void SerialPoller::SetProvider(std::shared_ptr<Provider> provider) {
  std::lock_guard<std::mutex> lock(mu_);
  provider_ = std::move(provider);
  last_round_.reset();  // it asked the provider as it was
}

void SerialPoller::Watch(const std::string& zone, uint32_t serial) {
  std::lock_guard<std::mutex> lock(mu_);
  armed_[zone] = serial;
}

void SerialPoller::Unwatch(const std::string& zone) {
  std::lock_guard<std::mutex> lock(mu_);
  armed_.erase(zone);
}

size_t SerialPoller::watched() const {
  std::lock_guard<std::mutex> lock(mu_);
  return armed_.size();
}

std::optional<SerialPoller::Round> SerialPoller::LastRound() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_round_;
}

std::vector<std::string> SerialPoller::PollOnce() {
  std::vector<std::string> zones;
  std::shared_ptr<Provider> provider;
  {
    std::lock_guard<std::mutex> lock(mu_);
    provider = provider_;
    for (const auto& [zone, serial] : armed_) zones.push_back(zone);
  }
  if (zones.empty() || !provider) return {};
  Result<std::map<std::string, Result<uint32_t>>> got = provider->Serials(zones);
  std::vector<std::pair<std::string, std::string>> moved;  // zone, why
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_round_ = Round{clock_.Monotonic(), got.ok() ? "" : got.error().ToString()};
    for (const std::string& zone : zones) {
      auto armed = armed_.find(zone);
      if (armed == armed_.end()) continue;  // unwatched during the round
      std::string why;
      if (!got.ok()) {
        why = got.error().ToString();
      } else if (auto it = got->find(zone); it == got->end()) {
        why = "not in the provider's answer";
      } else if (!it->second.ok()) {
        why = it->second.error().ToString();
      } else if (*it->second != armed->second) {
        why = "serial " + std::to_string(armed->second) + " -> " + std::to_string(*it->second);
      } else {
        continue;
      }
      moved.emplace_back(zone, why);
      armed_.erase(armed);  // reported once; the records pass re-arms it
    }
  }
  if (!got.ok()) {
    spdlog::warn("records provider={} decision=serial-poll-failed zones={} error=\"{}\"", provider->Name(),
                 zones.size(), got.error().ToString());
  } else if (!moved.empty()) {
    spdlog::info("records provider={} decision=serial-poll zones={} moved={}", provider->Name(), zones.size(),
                 moved.size());
  }
  std::vector<std::string> out;
  for (auto& [zone, why] : moved) {
    if (on_moved_) on_moved_(zone, why);
    out.push_back(std::move(zone));
  }
  return out;
}

void SerialPoller::Run(std::chrono::milliseconds interval) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (wake_.wait_for(lock, interval, [this] { return stop_; })) break;
    lock.unlock();
    PollOnce();
    lock.lock();
  }
}

}  // namespace domainguard::providers
