// The libcurl LineStream (curl_line_stream.h).
//
// No thread of its own: the transfer lives on a multi handle that whoever waits drives (OpenCurlLineStream until
// the headers are in, ReadLine until a line is complete), polling the socket with curl_multi_poll. Between reads
// nothing is read and TCP holds the server back. Cancel sets a flag and wakes a poll in progress with
// curl_multi_wakeup; the reader then closes the transfer, or Cancel closes it itself when nobody is reading.
#include "controller/http/curl_line_stream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "controller/http/curl_exchange.h"
#include "controller/http/line_buffer.h"

namespace domainguard::http {
namespace {

using Clock = std::chrono::steady_clock;

class CurlLineStream final : public LineStream {
 public:
  CurlLineStream(CurlMulti multi, CurlEasy easy, std::string what)
      : multi_(std::move(multi)), easy_(std::move(easy)), what_(std::move(what)) {}
  ~CurlLineStream() override {
    Cancel();
    std::lock_guard<std::mutex> lock(drive_mu_);
    Close();
  }
  CurlLineStream(const CurlLineStream&) = delete;
  CurlLineStream& operator=(const CurlLineStream&) = delete;

  // Applies the request and waits for the response headers.
  Status Open(const TlsConfig& tls, const HttpRequest& request, const CurlTarget& target) {
    std::lock_guard<std::mutex> lock(drive_mu_);
    CURL* easy = easy_.get();
    if (auto s = request_.Apply(easy, tls, request, target); !s.ok()) return s.error().Wrap(what_);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    // Only the connection has a library deadline; the body may run for as long as the server keeps it open, and
    // the reader's ReadLine timeout decides when a quiet stream is stalled.
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max<int64_t>(1, request.timeout.count())));
    if (curl_multi_add_handle(multi_.get(), easy) != CURLM_OK) return Error::Internal(what_ + ": curl_multi_add_handle");
    added_ = true;
    const auto deadline = Clock::now() + request.timeout;
    switch (DriveUntil(deadline, [this] { return request_.head().complete; })) {
      case Wake::kReady:
        status_ = request_.head().status;
        return OkStatus();
      case Wake::kDone:
        if (result_ == CURLE_OK) return Error::Unavailable(what_ + ": the response ended before its headers");
        return CurlError(result_, what_, request_.error_detail());
      case Wake::kCancelled:
        return Error::Cancelled(what_ + ": cancelled");
      case Wake::kDeadline:
        break;
    }
    return Error::DeadlineExceeded(what_ + ": no response headers within " + std::to_string(request.timeout.count()) +
                                   "ms");
  }

  int status() const override { return status_; }

  Result<std::string> ReadLine(std::chrono::milliseconds timeout) override {
    std::lock_guard<std::mutex> lock(drive_mu_);
    std::optional<std::string> line;
    const Wake wake = DriveUntil(Clock::now() + timeout, [&] {
      line = lines_.Next();
      return line.has_value();
    });
    switch (wake) {
      case Wake::kReady:
        return std::move(*line);
      case Wake::kCancelled:
        Close();
        return Error::Cancelled("stream cancelled");
      case Wake::kDeadline:
        return Error::DeadlineExceeded("no complete line within the read timeout");
      case Wake::kDone:
        break;
    }
    if (result_ != CURLE_OK) {
      // A broken body read is a broken connection to the reader, whatever libcurl called it.
      return Error::Unavailable(CurlError(result_, what_, request_.error_detail()).message);
    }
    if (lines_.pending() > 0) return lines_.TakeRest();
    return Error::NotFound("end of stream");
  }

  void Cancel() override {
    cancelled_.store(true);
    curl_multi_wakeup(multi_.get());
    std::unique_lock<std::mutex> lock(drive_mu_, std::try_to_lock);
    if (lock.owns_lock()) Close();  // nobody is reading: close the connection now
  }

 private:
  enum class Wake { kReady, kDone, kCancelled, kDeadline };

  static size_t OnBody(char* data, size_t size, size_t n, void* userp) {
    static_cast<CurlLineStream*>(userp)->lines_.Append(std::string_view(data, size * n));
    return size * n;
  }

  // Drives the transfer until `ready` holds, it ends, the deadline passes or the stream is cancelled.
  // REQUIRES: drive_mu_ held.
  Wake DriveUntil(Clock::time_point deadline, const std::function<bool()>& ready) {
    for (;;) {
      if (cancelled_.load()) return Wake::kCancelled;
      if (ready()) return Wake::kReady;
      if (done_ || !easy_) return Wake::kDone;
      int running = 0;
      if (CURLMcode mc = curl_multi_perform(multi_.get(), &running); mc != CURLM_OK) {
        Finish(CURLE_RECV_ERROR);
        continue;
      }
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
        if (msg->msg == CURLMSG_DONE) Finish(msg->data.result);
      }
      if (ready()) return Wake::kReady;
      if (done_) return Wake::kDone;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return Wake::kDeadline;
      // curl_multi_poll also returns early for libcurl's own timers and for curl_multi_wakeup.
      curl_multi_poll(multi_.get(), nullptr, 0, static_cast<int>(std::min<int64_t>(left.count(), 60000)), nullptr);
    }
  }

  void Finish(CURLcode result) {
    if (done_) return;
    done_ = true;
    result_ = result;
  }

  // Ends the transfer: removing an unfinished one closes its connection. REQUIRES: drive_mu_ held.
  void Close() {
    if (!easy_) return;
    if (added_) curl_multi_remove_handle(multi_.get(), easy_.get());
    easy_.reset();
    if (!done_) Finish(CURLE_ABORTED_BY_CALLBACK);
  }

  CurlMulti multi_;  // the same for the stream's life: Cancel may wake it from any thread
  std::mutex drive_mu_;  // held by whoever drives the transfer (Open, ReadLine, Close)
  CurlEasy easy_;        // guarded by drive_mu_; null once closed
  CurlRequest request_;  // guarded by drive_mu_
  LineBuffer lines_;     // guarded by drive_mu_ (filled by OnBody, which runs inside DriveUntil)
  bool added_ = false;   // guarded by drive_mu_
  bool done_ = false;    // guarded by drive_mu_
  CURLcode result_ = CURLE_OK;  // guarded by drive_mu_; meaningful once done_
  std::atomic<bool> cancelled_{false};
  int status_ = 0;  // set by Open, fixed after
  const std::string what_;
};

}  // namespace

Result<std::unique_ptr<LineStream>> OpenCurlLineStream(const TlsConfig& tls, const HttpRequest& request) {
  const std::string what = DescribeExchange(request.method, request.url);
  Result<CurlTarget> target = PlanTarget(request.url, tls.server_name);
  if (!target.ok()) return target.error().Wrap(what);
  EnsureCurlGlobalInit();
  CurlMulti multi(curl_multi_init());
  CurlEasy easy(curl_easy_init());
  if (!multi || !easy) return Error::Internal(what + ": curl handles could not be made");
  auto stream = std::make_unique<CurlLineStream>(std::move(multi), std::move(easy), what);
  if (auto s = stream->Open(tls, request, *target); !s.ok()) return s.error();
  return std::unique_ptr<LineStream>(std::move(stream));
}

}  // namespace domainguard::http
