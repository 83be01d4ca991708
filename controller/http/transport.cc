// Shared pieces of the HTTP interface (transport.h). Pure; thread-safe.
#include "controller/http/transport.h"

#include <strings.h>

namespace domainguard::http {

std::optional<std::string> HttpResponse::Header(const std::string& name) const {
  for (const auto& h : headers) {
    if (h.name.size() == name.size() && strncasecmp(h.name.c_str(), name.c_str(), name.size()) == 0) return h.value;
  }
  return std::nullopt;
}

}  // namespace domainguard::http
