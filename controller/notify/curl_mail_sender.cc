#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "controller/notify/mail_sender.h"

namespace domainguard::notify {

namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadChunk(char* buffer, size_t size, size_t nitems, void* userp) {
  auto* up = static_cast<Upload*>(userp);
  const size_t room = size * nitems;
  const size_t n = std::min(room, up->data->size() - up->offset);
  std::memcpy(buffer, up->data->data() + up->offset, n);
  up->offset += n;
  return n;
}

// RAII owners of curl handles.
struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

class CurlMailSender final : public MailSender {
 public:
  CurlMailSender() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Status Send(const MailRequest& r) override {
    std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
    if (!curl) return Error::Internal("smtp: curl_easy_init failed");
    CURL* c = curl.get();
    const std::string url = "smtp://" + r.server;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
    if (r.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_blob ca{};
    if (!r.ca_bundle.empty()) {
      ca.data = const_cast<char*>(r.ca_bundle.data());
      ca.len = r.ca_bundle.size();
      ca.flags = CURL_BLOB_COPY;
      curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca);
    }
    if (!r.username.empty()) {
      curl_easy_setopt(c, CURLOPT_USERNAME, r.username.c_str());
      curl_easy_setopt(c, CURLOPT_PASSWORD, r.password.c_str());
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + r.from + ">").c_str());
    curl_slist* raw = nullptr;
    for (const std::string& to : r.to) raw = curl_slist_append(raw, ("<" + to + ">").c_str());
    std::unique_ptr<curl_slist, SlistDeleter> rcpt(raw);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    Upload up{&r.message};
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadChunk);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) return OkStatus();
    long smtp_code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &smtp_code);
    // curl's messages name the server and the SMTP step, never the credentials.
    std::string what = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    if (smtp_code > 0) what += " (SMTP " + std::to_string(smtp_code) + ")";
    std::string message = "smtp " + r.server + ": " + what;
    if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) return Error::InvalidArgument(message);
    return Error::Unavailable(message);
  }
};

}  // namespace

std::unique_ptr<MailSender> NewCurlMailSender() { return std::make_unique<CurlMailSender>(); }

}  // namespace domainguard::notify
