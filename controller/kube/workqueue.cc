#include "controller/kube/workqueue.h"

#include <algorithm>
#include <exception>

#include "controller/base/log.h"

namespace domainguard::kube {

namespace {

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Longest a blocked Get sleeps before looking at the clock again. Only matters when the Clock is not the steady
// clock the condition variable waits on (a FakeClock advanced without Tick); a real clock wakes exactly on time.
constexpr std::chrono::milliseconds kMaxIdleWait{1000};

}  // namespace

std::chrono::nanoseconds BackoffDelay(int failures, const BackoffConfig& config) {
  if (failures < 0) failures = 0;
  // 2^failures overflows long before it matters: past 2^40 * 5 ms we are far beyond any sane max.
  if (failures >= 40) return config.max;
  auto delay = config.base * (int64_t{1} << failures);
  return std::min<std::chrono::nanoseconds>(delay, config.max);
}

WorkQueue::WorkQueue(std::string name, const Clock& clock, QueueMetricsProvider* metrics, BackoffConfig backoff)
    : name_(std::move(name)), clock_(clock), backoff_(backoff) {
  if (metrics != nullptr) metrics_ = metrics->ForQueue(name_, [this] { return InFlight(); });
}

WorkQueue::~WorkQueue() {
  metrics_.reset();  // no more InFlight() calls from a gatherer
  ShutDown();
}

void WorkQueue::UpdateDepthLocked() {
  if (metrics_) metrics_->SetDepth(queue_.size());
}

void WorkQueue::AddLocked(const std::string& key, MonotonicTime now) {
  if (shutting_down_) return;
  if (dirty_.count(key) > 0) return;  // already queued (or re-queued on Done): de-duplicated
  if (metrics_) metrics_->CountAdd();
  dirty_.insert(key);
  enqueued_at_.emplace(key, now);
  if (processing_.count(key) > 0) return;  // Done puts it back; never two workers on one key
  queue_.push_back(key);
  UpdateDepthLocked();
  ready_cv_.notify_one();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(key, clock_.Monotonic());
}

void WorkQueue::AddAfter(const std::string& key, std::chrono::nanoseconds delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  MonotonicTime now = clock_.Monotonic();
  if (delay <= std::chrono::nanoseconds::zero()) {
    AddLocked(key, now);
    return;
  }
  MonotonicTime due = now + std::chrono::duration_cast<MonotonicTime::duration>(delay);
  const bool soonest = waiting_order_.empty() || due < waiting_order_.begin()->first;
  auto it = waiting_.find(key);
  if (it != waiting_.end()) {
    if (it->second <= due) return;  // already due earlier
    waiting_order_.erase({it->second, &it->first});
    it->second = due;
  } else {
    it = waiting_.emplace(key, due).first;
  }
  waiting_order_.emplace(due, &it->first);
  // A blocked Get sleeps at most until the soonest due time (or without a deadline while nothing waits): only a key
  // due sooner than every waiting one changes when a sleeper must look again. Waking every worker for every delayed
  // key was a large part of the controller's CPU while 1,000 new Domains arrived: each records pass ends in a
  // requeue, later than the ones before it, and its 16 workers woke to find nothing due (issue #14).
  if (soonest) ready_cv_.notify_all();
}

void WorkQueue::AddRateLimited(const std::string& key) {
  std::chrono::nanoseconds delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) return;
    int& failures = failures_[key];
    delay = BackoffDelay(failures, backoff_);
    ++failures;
    if (metrics_) metrics_->CountRetry();
  }
  AddAfter(key, delay);
}

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  failures_.erase(key);
}

int WorkQueue::NumRequeues(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::MoveDueLocked(MonotonicTime now) {
  while (!waiting_order_.empty() && waiting_order_.begin()->first <= now) {
    std::string key = *waiting_order_.begin()->second;
    waiting_order_.erase(waiting_order_.begin());  // before its key in waiting_, which it points at
    waiting_.erase(key);
    AddLocked(key, now);
  }
}

std::optional<std::string> WorkQueue::PopLocked(MonotonicTime now) {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  dirty_.erase(key);
  processing_[key] = now;
  auto it = enqueued_at_.find(key);
  if (it != enqueued_at_.end()) {
    if (metrics_) metrics_->ObserveQueueLatency(Seconds(now - it->second));
    enqueued_at_.erase(it);
  }
  UpdateDepthLocked();
  return key;
}

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (shutting_down_) return std::nullopt;
    MonotonicTime now = clock_.Monotonic();
    MoveDueLocked(now);
    if (!queue_.empty()) return PopLocked(now);
    if (waiting_order_.empty()) {
      ready_cv_.wait(lock);
    } else {
      auto until_due = waiting_order_.begin()->first - now;
      ready_cv_.wait_for(lock, std::min<std::chrono::nanoseconds>(until_due, kMaxIdleWait));
    }
  }
}

std::optional<std::string> WorkQueue::TryGet() {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return std::nullopt;
  MonotonicTime now = clock_.Monotonic();
  MoveDueLocked(now);
  return PopLocked(now);
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = processing_.find(key);
  if (it == processing_.end()) return;  // Done twice, or never handed out: nothing to do
  if (metrics_) metrics_->ObserveWorkDuration(Seconds(clock_.Monotonic() - it->second));
  processing_.erase(it);
  if (dirty_.count(key) > 0 && !shutting_down_) {
    queue_.push_back(key);
    UpdateDepthLocked();
    ready_cv_.notify_one();
  }
  if (processing_.empty()) idle_cv_.notify_all();
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  queue_.clear();
  dirty_.clear();
  enqueued_at_.clear();
  waiting_order_.clear();  // first: it points into waiting_
  waiting_.clear();
  UpdateDepthLocked();
  ready_cv_.notify_all();
}

void WorkQueue::ShutDownWithDrain() {
  ShutDown();
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return processing_.empty(); });
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

void WorkQueue::Tick() {
  std::lock_guard<std::mutex> lock(mu_);
  MoveDueLocked(clock_.Monotonic());
  ready_cv_.notify_all();
}

size_t WorkQueue::Len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t WorkQueue::NumWaiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_.size();
}

size_t WorkQueue::NumProcessing() const {
  std::lock_guard<std::mutex> lock(mu_);
  return processing_.size();
}

InFlightWork WorkQueue::InFlight() const {
  std::lock_guard<std::mutex> lock(mu_);
  MonotonicTime now = clock_.Monotonic();
  InFlightWork w;
  for (const auto& [key, since] : processing_) {
    double s = Seconds(now - since);
    w.total_seconds += s;
    w.longest_seconds = std::max(w.longest_seconds, s);
  }
  return w;
}

Workers::Workers(WorkQueue& queue, std::string controller, Reconcile reconcile, const Clock& clock,
                 ReconcileMetricsProvider* metrics)
    : queue_(queue),
      controller_(std::move(controller)),
      reconcile_(std::move(reconcile)),
      clock_(clock),
      metrics_(metrics != nullptr ? metrics->ForController(controller_) : nullptr) {}

Workers::~Workers() {
  queue_.ShutDown();
  Wait();
}

void Workers::Start(int n) {
  if (metrics_) metrics_->SetMaxConcurrentReconciles(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Loop(); });
}

void Workers::Wait() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void Workers::Loop() {
  while (std::optional<std::string> key = queue_.Get()) {
    if (metrics_) metrics_->AddActiveWorkers(1);
    MonotonicTime start = clock_.Monotonic();
    ReconcileResult r;
    try {
      r = reconcile_(*key);
    } catch (const std::exception& e) {
      // Reconcilers return errors as values; an exception is a bug, but it must not kill the worker.
      r.status = Error::Internal(std::string("reconcile threw: ") + e.what());
    } catch (...) {
      r.status = Error::Internal("reconcile threw a non-standard exception");
    }
    std::string_view result;
    if (!r.status.ok()) {
      result = "error";
      const Error& err = r.status.error();
      spdlog::info("{} key={} decision=retry requeues={} error=\"{}\"", controller_, *key,
                   queue_.NumRequeues(*key) + 1, err.ToString());
      if (err.retry_after) {
        queue_.AddAfter(*key, *err.retry_after);
      } else {
        queue_.AddRateLimited(*key);
      }
    } else {
      queue_.Forget(*key);
      if (r.requeue_after && *r.requeue_after > std::chrono::nanoseconds::zero()) {
        result = "requeue_after";
        queue_.AddAfter(*key, *r.requeue_after);
      } else {
        result = "success";
      }
    }
    if (metrics_) {
      metrics_->CountReconcile(result, Seconds(clock_.Monotonic() - start));
      metrics_->AddActiveWorkers(-1);
    }
    queue_.Done(*key);
  }
}

}  // namespace domainguard::kube
