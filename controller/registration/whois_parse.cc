#include "controller/registration/whois_parse.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "controller/registration/date_parse.h"
#include "controller/registration/epp_status.h"

namespace domainguard::registration {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "Registry Expiry Date" -> "registryexpirydate": layouts differ in case, spaces, dashes and dots.
std::string NormaliseKey(std::string_view k) {
  std::string out;
  for (char c : k) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool Contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// Phrases servers use instead of data. Matched on the lower-cased answer.
constexpr std::array<std::string_view, 12> kThrottlePhrases{
    "limit exceeded", "limit reached", "rate limit", "too many requests", "query rate", "quota exceeded",
    "exceeded the maximum", "exceeded your", "temporarily blocked", "try again later", "please wait", "queries exceeded"};
constexpr std::array<std::string_view, 14> kNotFoundPhrases{
    "no match for", "no entries found", "%error:101", "not found", "no data found", "no object found",
    "object does not exist", "domain not registered", "is available for registration", "no matching record",
    "status: free", "status: available", "status:\tavailable", "no such domain"};

enum class Field { kNone, kExpiry, kRegistrarExpiry, kCreated, kChanged, kStatus, kNameserver, kRegistrar, kIanaId, kReferral };

Field Classify(const std::string& k) {
  if (k.empty() || k.size() > 48) return Field::kNone;
  if (k == "registrarianaid" || k == "ianaid") return Field::kIanaId;
  if (k == "registrarwhoisserver" || k == "refer" || k == "whoisserver" || k == "whois") return Field::kReferral;
  if (Contains(k, "expir") || k == "paidtill" || k == "validuntil" || k == "renewaldate" || k == "expires" ||
      k == "expireson" || k == "expire" || k == "validity") {
    return Contains(k, "registrar") ? Field::kRegistrarExpiry : Field::kExpiry;
  }
  if (Contains(k, "creat") || k == "registeredon" || k == "registered" || k == "registrationdate" ||
      Contains(k, "commencement") || k == "domainregistrationdate") {
    return Field::kCreated;
  }
  if (k == "updateddate" || k == "changed" || k == "lastupdated" || k == "lastmodified" || k == "modified" ||
      k == "updated" || k == "lastupdate") {
    return Field::kChanged;
  }
  if (k == "domainstatus" || k == "status" || k == "state" || k == "eppstatus" || k == "registrystatus") {
    return Field::kStatus;
  }
  if (k == "nameserver" || k == "nameservers" || k == "nserver" || k == "dnsservers" || k == "nameserversinformation" ||
      k == "ns" || k == "hostname" || k == "dns" || k == "nsserver" || k == "dnsserver") {
    return Field::kNameserver;
  }
  if (k == "registrar" || k == "registrarname" || k == "sponsoringregistrar" || k == "registrarorganization") {
    return Field::kRegistrar;
  }
  return Field::kNone;
}

// A host name: letters, digits, hyphens, dots; at least one dot.
bool LooksLikeHost(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

struct Parser {
  WhoisAnswer a;
  bool any_field = false;

  void AddStatus(std::string_view value) {
    value = Trim(value);
    if (value.empty()) return;
    // "clientTransferProhibited https://icann.org/epp#..." / "clientHold (https://...)"
    std::string_view first = value.substr(0, value.find_first_of(" \t("));
    if (auto epp = CanonicalEpp(first)) {
      a.record.statuses.push_back(*epp);
      return;
    }
    // RIPN "REGISTERED, DELEGATED, VERIFIED": several words.
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      std::string_view part = Trim(value.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                        : comma - start));
      if (!part.empty() && part.size() < 64 && !Contains(part, "http")) {
        if (auto epp = EppFromRdapStatus(part)) a.record.statuses.push_back(*epp);  // "client hold" written out
        else a.record.statuses.emplace_back(part);
      }
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }

  void Apply(Field f, std::string_view value) {
    value = Trim(value);
    if (value.empty()) return;
    switch (f) {
      case Field::kExpiry:
      case Field::kRegistrarExpiry:
      case Field::kCreated:
      case Field::kChanged: {
        std::optional<SystemTime> t = ParseLooseDate(value);
        if (!t) {
          if (f == Field::kExpiry) a.notes.push_back("unreadable expiry date: " + std::string(value.substr(0, 64)));
          return;
        }
        any_field = true;
        if (f == Field::kExpiry && !a.record.expires_at) a.record.expires_at = t;
        if (f == Field::kRegistrarExpiry && !a.registrar_expires_at) a.registrar_expires_at = t;
        if (f == Field::kCreated && !a.record.registered_at) a.record.registered_at = t;
        if (f == Field::kChanged && !a.record.last_changed_at) a.record.last_changed_at = t;
        return;
      }
      case Field::kStatus:
        any_field = true;
        AddStatus(value);
        return;
      case Field::kNameserver: {
        // "ns1.example.com 192.0.2.1", "NS1.PDNS-A.NET", "ns1.example.ru."
        std::string_view host = value.substr(0, value.find_first_of(" \t"));
        if (LooksLikeHost(host)) {
          any_field = true;
          a.record.nameservers.push_back(NormaliseHost(host));
        }
        return;
      }
      case Field::kRegistrar: {
        // Nominet: "Example Registrar Ltd [Tag = EXAMPLE]"
        std::string_view name = Trim(value.substr(0, value.find(" [Tag")));
        if (a.record.registrar.empty() && !name.empty() && name.size() < 200 && !Contains(Lower(name), "url:")) {
          any_field = true;
          a.record.registrar = std::string(name);
        }
        return;
      }
      case Field::kIanaId:
        if (a.record.registrar_iana_id.empty() && value.size() < 16) a.record.registrar_iana_id = std::string(value);
        return;
      case Field::kReferral: {
        std::string_view host = value.substr(0, value.find_first_of(" \t"));
        if (host.rfind("whois://", 0) == 0) host.remove_prefix(8);
        if (a.referral.empty() && (LooksLikeHost(host) || Contains(host, ":")) && host.size() < 256 &&
            !Contains(host, "/")) {
          a.referral = Lower(host);
        }
        return;
      }
      case Field::kNone:
        return;
    }
  }

  void Run(std::string_view text) {
    Field block = Field::kNone;     // the field of the last "Key:" line with an empty value
    bool block_has_values = false;
    size_t pos = 0;
    int lines = 0;
    while (pos < text.size() && lines < 20000) {
      ++lines;
      size_t eol = text.find('\n', pos);
      std::string_view raw = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
      pos = eol == std::string_view::npos ? text.size() : eol + 1;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      std::string_view line = Trim(raw);
      if (line.empty()) {
        if (block_has_values) block = Field::kNone;
        continue;
      }
      if (line[0] == '%' || line[0] == '#' || line.rfind(">>>", 0) == 0) {
        block = Field::kNone;
        continue;
      }
      // "[Key]   value" (JPRS).
      if (line[0] == '[') {
        size_t close = line.find(']');
        if (close != std::string_view::npos) {
          Apply(Classify(NormaliseKey(line.substr(1, close - 1))), line.substr(close + 1));
          block = Field::kNone;
          continue;
        }
      }
      // "Key: value" — the first ':' followed by a blank or the end, so URLs inside values do not split.
      size_t colon = std::string_view::npos;
      for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t')) {
          colon = i;
          break;
        }
      }
      if (colon != std::string_view::npos && colon > 0 && colon <= 60) {
        std::string key = NormaliseKey(line.substr(0, colon));
        std::string_view value = Trim(line.substr(colon + 1));
        Field f = Classify(key);
        if (value.empty()) {
          block = f;  // a block header: values follow on their own lines
          block_has_values = false;
        } else {
          Apply(f, value);
          if (block != Field::kNone && f == Field::kNone && block_has_values) block = Field::kNone;
        }
        continue;
      }
      if (block != Field::kNone) {
        Apply(block, line);
        block_has_values = true;
        if (block == Field::kRegistrar || block == Field::kStatus) block = Field::kNone;  // one line each
      }
    }
  }
};

}  // namespace

std::string_view WhoisKindName(WhoisAnswer::Kind k) {
  switch (k) {
    case WhoisAnswer::Kind::kData: return "data";
    case WhoisAnswer::Kind::kNotFound: return "not found";
    case WhoisAnswer::Kind::kThrottled: return "throttled";
    case WhoisAnswer::Kind::kEmpty: return "empty";
  }
  return "?";
}

WhoisAnswer ParseWhoisAnswer(std::string_view text) {
  Parser p;
  p.a.record.source = Source::kWhois;
  p.Run(text);
  RegistrationRecord& r = p.a.record;
  std::sort(r.statuses.begin(), r.statuses.end());
  r.statuses.erase(std::unique(r.statuses.begin(), r.statuses.end()), r.statuses.end());
  SortHosts(r.nameservers);

  // Data that identifies a registration: an expiry, name servers or a status. A registrar name or a referral
  // alone is not one ("No match" answers of some registries carry a referral).
  bool data = r.expires_at.has_value() || !r.nameservers.empty() || !r.statuses.empty();
  std::string lower = Lower(text.substr(0, 64 * 1024));
  if (!data) {
    for (std::string_view phrase : kThrottlePhrases) {
      if (Contains(lower, phrase)) {
        p.a.kind = WhoisAnswer::Kind::kThrottled;
        return p.a;
      }
    }
    for (std::string_view phrase : kNotFoundPhrases) {
      if (Contains(lower, phrase)) {
        p.a.kind = WhoisAnswer::Kind::kNotFound;
        return p.a;
      }
    }
  }
  p.a.kind = data ? WhoisAnswer::Kind::kData : WhoisAnswer::Kind::kEmpty;
  if (!data && !p.a.referral.empty()) p.a.kind = WhoisAnswer::Kind::kEmpty;  // an IANA-style pointer only
  return p.a;
}

}  // namespace domainguard::registration
