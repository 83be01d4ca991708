#include "controller/notify/render.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <ctime>
#include <functional>

#include <nlohmann/json.hpp>

#include "controller/base/time_format.h"

namespace domainguard::notify {

using nlohmann::json;

namespace {

std::string Upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// RFC 5322 date: "Sun, 06 Dec 2026 03:04:05 +0000".
std::string MailDate(SystemTime t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// Header values must stay on one line (no header injection from a finding message).
std::string OneLine(std::string s) {
  for (char& ch : s) {
    if (ch == '\r' || ch == '\n') ch = ' ';
  }
  return s;
}

}  // namespace

std::string Headline(const Notice& n, const ChannelRef& c) {
  if (n.status == "test") return "domainguard test notice: AlertChannel " + c.namespace_ + "/" + c.name + " delivers";
  std::string head = Upper(n.status) + " " + n.severity + " " + n.reason + " on " + n.zone + " (" + c.namespace_ +
                     "/" + n.domain + ")";
  if (!n.previous_severity.empty()) head += " escalated from " + n.previous_severity;
  return head + ": " + n.message;
}

std::string WebhookBody(const Notice& n, const ChannelRef& c) {
  json j = {{"kind", "DomainguardNotice"}, {"version", 1},       {"id", n.id},
            {"status", n.status},          {"namespace", c.namespace_}, {"channel", c.name},
            {"domain", n.domain},          {"zone", n.zone},     {"reason", n.reason},
            {"severity", n.severity},      {"message", n.message}, {"since", n.since},
            {"time", n.at},                {"summary", Headline(n, c)}};
  if (!n.previous_severity.empty()) j["previousSeverity"] = n.previous_severity;
  return j.dump();
}

std::string SlackBody(const Notice& n, const ChannelRef& c) {
  return json{{"text", Headline(n, c)}}.dump();
}

std::string AlertmanagerBody(const std::vector<Notice>& notices, const ChannelRef& c, SystemTime now,
                             std::chrono::seconds hold) {
  json alerts = json::array();
  for (const Notice& n : notices) {
    json a;
    a["labels"] = {{"alertname", n.reason}, {"severity", n.severity}, {"namespace", c.namespace_},
                   {"domain", n.domain},    {"zone", n.zone},         {"source", "domainguard"}};
    a["annotations"] = {{"summary", Headline(n, c)}, {"message", n.message}};
    if (!n.since.empty()) a["startsAt"] = n.since;
    a["endsAt"] = FormatRfc3339(n.status == "resolved" ? now : now + hold);
    alerts.push_back(std::move(a));
  }
  return alerts.dump();
}

std::string EmailMessage(const Notice& n, const ChannelRef& c, const std::string& from,
                         const std::vector<std::string>& to, SystemTime now) {
  std::string to_line;
  for (const std::string& t : to) to_line += (to_line.empty() ? "" : ", ") + t;
  const std::string subject =
      n.status == "test" ? "[domainguard] test notice"
                         : "[domainguard] " + Upper(n.status) + " " + n.severity + " " + n.reason + " " + n.zone;
  std::string msg;
  msg += "Date: " + MailDate(now) + "\r\n";
  msg += "From: " + from + "\r\n";
  msg += "To: " + to_line + "\r\n";
  msg += "Subject: " + OneLine(subject) + "\r\n";
  msg += "Message-ID: <" + std::to_string(std::hash<std::string>{}(c.namespace_ + "/" + c.name + "/" + n.id + n.at)) +
         "@domainguard>\r\n";
  msg += "X-Domainguard-Notice: " + OneLine(n.id.empty() ? "test" : n.id) + "\r\n";
  msg += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
  std::string body = Headline(n, c) + "\n\n";
  if (n.status != "test") {
    body += "Domain:   " + c.namespace_ + "/" + n.domain + "\nZone:     " + n.zone + "\nReason:   " + n.reason +
            "\nSeverity: " + n.severity + "\nSince:    " + n.since + "\n\nkubectl describe domain -n " +
            c.namespace_ + " " + n.domain + "\n";
  }
  // CRLF line ends, and a line starting with "." doubled (RFC 5321 4.5.2) is left to libcurl, which does it.
  for (char ch : body) {
    if (ch == '\r') continue;  // bare CRs from a finding message would end lines early
    if (ch == '\n') {
      msg += "\r\n";
    } else {
      msg += ch;
    }
  }
  return msg;
}

std::string SignBody(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xf];
  }
  return out;
}

Notice TestNotice(const ChannelRef& c, SystemTime now) {
  Notice n;
  n.status = "test";
  n.reason = "Test";
  n.severity = "Info";
  n.at = FormatRfc3339(now);
  n.id = "test/" + n.at;
  n.message = "test notice from domainguard: AlertChannel " + c.namespace_ + "/" + c.name + " delivers";
  return n;
}

}  // namespace domainguard::notify
