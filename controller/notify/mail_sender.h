// Sending one e-mail over SMTP: the small interface the AlertChannel controller uses, and its libcurl
// implementation (libcurl's SMTP client: STARTTLS, AUTH, dot-stuffing, certificate verification).
//
// Thread-safety: Send may be called from several threads at once (each call uses its own curl handle).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "controller/base/result.h"

namespace domainguard::notify {

struct MailRequest {
  std::string server;  // host:port
  bool starttls = true;  // required: the session fails rather than continue in plain text
  std::string username;  // empty: no AUTH
  std::string password;
  std::string ca_bundle;  // PEM; empty: the system store
  std::string from;
  std::vector<std::string> to;
  std::string message;  // the whole RFC 5322 message, CRLF line ends
  std::chrono::milliseconds timeout{20000};
};

class MailSender {
 public:
  virtual ~MailSender() = default;
  // Sends `request`. kUnavailable for connection, TLS and server refusals (the message says which, never the
  // password); kInvalidArgument for a request libcurl refuses outright.
  virtual Status Send(const MailRequest& request) = 0;
};

// The libcurl implementation. Calls curl_global_init once.
std::unique_ptr<MailSender> NewCurlMailSender();

}  // namespace domainguard::notify
