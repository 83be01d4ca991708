// Scripted transport for unit tests (fake_transport.h).
#include "controller/http/testing/fake_transport.h"

namespace domainguard::http {
namespace {

// Forwards to a shared FakeLineStream so the test keeps feeding the one the code under test reads.
class SharedStream final : public LineStream {
 public:
  explicit SharedStream(std::shared_ptr<FakeLineStream> s) : s_(std::move(s)) {}
  ~SharedStream() override { s_->Cancel(); }
  int status() const override { return s_->status(); }
  Result<std::string> ReadLine(std::chrono::milliseconds timeout) override { return s_->ReadLine(timeout); }
  void Cancel() override { s_->Cancel(); }

 private:
  std::shared_ptr<FakeLineStream> s_;
};

}  // namespace

void FakeLineStream::Push(std::string line) {
  std::lock_guard<std::mutex> lock(mu_);
  lines_.push_back(std::move(line));
  cv_.notify_all();
}

void FakeLineStream::End() {
  std::lock_guard<std::mutex> lock(mu_);
  ended_ = true;
  cv_.notify_all();
}

void FakeLineStream::Break(std::string why) {
  std::lock_guard<std::mutex> lock(mu_);
  broken_ = Error::Unavailable(std::move(why));
  cv_.notify_all();
}

bool FakeLineStream::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

Result<std::string> FakeLineStream::ReadLine(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  bool ready = cv_.wait_for(lock, timeout, [&] { return cancelled_ || !lines_.empty() || ended_ || broken_; });
  if (cancelled_) return Error::Cancelled("stream cancelled");
  if (!lines_.empty()) {
    std::string l = std::move(lines_.front());
    lines_.pop_front();
    return l;
  }
  if (broken_) return *broken_;
  if (ended_) return Error::NotFound("end of stream");
  (void)ready;
  return Error::DeadlineExceeded("no complete line within the read timeout");
}

void FakeLineStream::Cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  cv_.notify_all();
}

void FakeTransport::Expect(std::string method, std::string url_part, Result<HttpResponse> answer) {
  std::lock_guard<std::mutex> lock(mu_);
  sends_.push_back({std::move(method), std::move(url_part), std::move(answer)});
}

void FakeTransport::ExpectJson(std::string method, std::string url_part, int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  Expect(std::move(method), std::move(url_part), std::move(r));
}

std::shared_ptr<FakeLineStream> FakeTransport::ExpectStream(std::string url_part, int status) {
  auto s = std::make_shared<FakeLineStream>(status);
  std::lock_guard<std::mutex> lock(mu_);
  streams_.push_back({std::move(url_part), s});
  return s;
}

void FakeTransport::ExpectStreamError(std::string url_part, Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  streams_.push_back({std::move(url_part), std::move(error)});
}

void FakeTransport::SetSendHandler(SendHandler h) {
  std::lock_guard<std::mutex> lock(mu_);
  send_handler_ = std::move(h);
}

void FakeTransport::SetStreamHandler(StreamHandler h) {
  std::lock_guard<std::mutex> lock(mu_);
  stream_handler_ = std::move(h);
}

std::vector<HttpRequest> FakeTransport::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool FakeTransport::WaitForStreams(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return streams_opened_ >= n; });
}

Result<HttpResponse> FakeTransport::Send(const HttpRequest& request) {
  SendHandler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    for (auto it = sends_.begin(); it != sends_.end(); ++it) {
      if ((it->method.empty() || it->method == request.method) && request.url.find(it->url_part) != std::string::npos) {
        Result<HttpResponse> answer = std::move(it->answer);
        sends_.erase(it);
        return answer;
      }
    }
    handler = send_handler_;
  }
  if (handler) return handler(request);
  return Error::Unavailable("fake: no scripted response for " + request.method + " " + request.url);
}

Result<std::unique_ptr<LineStream>> FakeTransport::OpenStream(const HttpRequest& request) {
  StreamHandler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    ++streams_opened_;
    cv_.notify_all();
    for (auto it = streams_.begin(); it != streams_.end(); ++it) {
      if (request.url.find(it->url_part) != std::string::npos) {
        auto s = std::move(it->stream);
        streams_.erase(it);
        if (!s.ok()) return s.error();
        return std::unique_ptr<LineStream>(new SharedStream(*s));
      }
    }
    handler = stream_handler_;
  }
  if (handler) {
    auto s = handler(request);
    if (!s.ok()) return s.error();
    return std::unique_ptr<LineStream>(new SharedStream(*s));
  }
  return Error::Unavailable("fake: no scripted stream for " + request.url);
}

}  // namespace domainguard::http
