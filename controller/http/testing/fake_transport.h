// FakeTransport: a scripted http::Transport for unit tests. Tests queue responses (or failures) for requests
// matching a method and a URL substring, in order, and feed watch streams line by line from the test thread.
// Every request is recorded so tests can assert what was sent.
//
// Thread-safety: all methods may be called from several threads (the code under test on its threads, the test
// on its own). FakeLineStream's Push/End/Break may be called while a reader blocks in ReadLine.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/http/transport.h"

namespace domainguard::http {

// A stream whose lines the test supplies.
class FakeLineStream final : public LineStream {
 public:
  explicit FakeLineStream(int status = 200) : status_(status) {}

  // Queues a line for the reader.
  void Push(std::string line);
  // The server closes the stream cleanly after the queued lines.
  void End();
  // The connection breaks after the queued lines.
  void Break(std::string why = "connection reset by peer");
  bool cancelled() const;

  int status() const override { return status_; }
  Result<std::string> ReadLine(std::chrono::milliseconds timeout) override;
  void Cancel() override;

 private:
  const int status_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;  // guarded by mu_
  bool ended_ = false;             // guarded by mu_
  std::optional<Error> broken_;    // guarded by mu_
  bool cancelled_ = false;         // guarded by mu_
};

class FakeTransport final : public Transport {
 public:
  using SendHandler = std::function<Result<HttpResponse>(const HttpRequest&)>;
  using StreamHandler = std::function<Result<std::shared_ptr<FakeLineStream>>(const HttpRequest&)>;

  // Queues one answer for the next Send whose method equals `method` ("" = any) and whose URL contains
  // `url_part`. Queued answers are used once each, oldest first among the matching ones.
  void Expect(std::string method, std::string url_part, Result<HttpResponse> answer);
  // Convenience: a JSON body answer with the given status.
  void ExpectJson(std::string method, std::string url_part, int status, std::string body);
  // Queues a stream for the next OpenStream whose URL contains `url_part`; returns it so the test can feed it.
  std::shared_ptr<FakeLineStream> ExpectStream(std::string url_part, int status = 200);
  // Queues a failure for the next OpenStream whose URL contains `url_part`.
  void ExpectStreamError(std::string url_part, Error error);
  // Fallbacks used when nothing queued matches. Without them such a request fails with kUnavailable
  // "fake: no scripted response".
  void SetSendHandler(SendHandler h);
  void SetStreamHandler(StreamHandler h);

  // Every request seen, Send and OpenStream alike, in order.
  std::vector<HttpRequest> requests() const;
  // Blocks until at least `n` OpenStream calls were made or `timeout` passes; true when reached.
  bool WaitForStreams(size_t n, std::chrono::milliseconds timeout) const;

  Result<HttpResponse> Send(const HttpRequest& request) override;
  Result<std::unique_ptr<LineStream>> OpenStream(const HttpRequest& request) override;

 private:
  struct Scripted {
    std::string method;
    std::string url_part;
    Result<HttpResponse> answer;
  };
  struct ScriptedStream {
    std::string url_part;
    Result<std::shared_ptr<FakeLineStream>> stream;
  };
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<Scripted> sends_;           // guarded by mu_
  std::deque<ScriptedStream> streams_;   // guarded by mu_
  SendHandler send_handler_;             // guarded by mu_
  StreamHandler stream_handler_;         // guarded by mu_
  std::vector<HttpRequest> requests_;    // guarded by mu_
  size_t streams_opened_ = 0;            // guarded by mu_
};

}  // namespace domainguard::http
