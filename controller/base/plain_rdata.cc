#include "controller/base/plain_rdata.h"

#include <arpa/inet.h>

#include <cstdint>

#include "controller/base/ip_address.h"

namespace domainguard {
namespace {

// Well inside 253 even with a long origin appended: longer names take ldns's path, which checks the limit.
constexpr size_t kMaxSimpleName = 200;
// Well inside a character-string's 255 octets.
constexpr size_t kMaxSimpleText = 240;

bool IsHostChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Appends `labels` (host characters, 1 to 63 each, joined by single dots; no final dot) lowercased, then a dot.
bool AppendLabels(std::string_view labels, std::string& out) {
  if (labels.empty()) return false;
  size_t label = 0;
  for (unsigned char c : labels) {
    if (c == '.') {
      if (label == 0) return false;  // an empty label
      label = 0;
      out += '.';
      continue;
    }
    if (!IsHostChar(c) || ++label > 63) return false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (label == 0) return false;
  out += '.';
  return true;
}

// `name` lowercased and absolute, when it is plain labels with or without the final dot (relative: below `origin`,
// itself plain and absolute; ldns prints the origin it appends as canonical as the rest).
std::optional<std::string> SimpleName(std::string_view name, std::string_view origin) {
  if (name.empty() || name.size() > kMaxSimpleName) return std::nullopt;
  const bool absolute = name.back() == '.';
  std::string out;
  out.reserve(name.size() + 1 + (absolute ? 0 : origin.size()));
  if (!AppendLabels(absolute ? name.substr(0, name.size() - 1) : name, out)) return std::nullopt;
  if (absolute) return out;
  if (origin.size() < 2 || origin.back() != '.' || out.size() + origin.size() > kMaxSimpleName) return std::nullopt;
  if (!AppendLabels(origin.substr(0, origin.size() - 1), out)) return std::nullopt;
  return out;
}

// "<preference> <name>": ldns reads the preference with strtol into 16 bits (wrapping larger numbers: those go
// to ldns) and prints it in decimal.
std::optional<std::string> SimpleMx(std::string_view value, std::string_view origin) {
  const size_t space = value.find(' ');
  if (space == std::string_view::npos || space == 0 || space > 5) return std::nullopt;
  uint32_t preference = 0;
  for (char c : value.substr(0, space)) {
    if (c < '0' || c > '9') return std::nullopt;
    preference = preference * 10 + static_cast<uint32_t>(c - '0');
  }
  if (preference > 0xffff) return std::nullopt;
  std::optional<std::string> name = SimpleName(value.substr(space + 1), origin);
  if (!name) return std::nullopt;
  return std::to_string(preference) + " " + *name;
}

// One character-string of printable ASCII that ldns prints back unescaped, quoted as ldns prints it.
std::optional<std::string> SimpleText(std::string_view value) {
  std::string_view text = value;
  if (!text.empty() && text.front() == '"') {
    if (text.size() < 2 || text.back() != '"') return std::nullopt;
    text = text.substr(1, text.size() - 2);
  } else if (!text.empty() && (text.front() == ' ' || text.back() == ' ')) {
    return std::nullopt;  // ldns's path trims blanks around an unquoted value
  }
  if (text.empty() || text.size() > kMaxSimpleText) return std::nullopt;
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == ';' || c == '(' || c == ')') return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

}  // namespace

std::optional<std::string> CanonicalPlainRdata(std::string_view type, std::string_view value, std::string_view origin) {
  if (type == "A") return CanonicalIpAddress(AF_INET, value);
  if (type == "AAAA") return CanonicalIpAddress(AF_INET6, value);
  if (type == "NS" || type == "CNAME" || type == "PTR" || type == "DNAME") return SimpleName(value, origin);
  if (type == "MX") return SimpleMx(value, origin);
  if (type == "TXT") return SimpleText(value);
  return std::nullopt;
}

}  // namespace domainguard
