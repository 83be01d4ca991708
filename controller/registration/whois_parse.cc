#include "controller/registration/whois_parse.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "controller/registration/date_parse.h"
#include "controller/registration/epp_status.h"
#include "controller/registration/whois_vocabulary.h"

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

// "Registry Expiry Date" -> "registryexpirydate": layouts differ in case, spaces, dashes, dots and underscores.
std::string NormaliseKey(std::string_view k) {
  std::string out;
  for (char c : k) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool Contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

size_t Indent(std::string_view raw) {
  size_t n = 0;
  while (n < raw.size() && (raw[n] == ' ' || raw[n] == '\t')) ++n;
  return n;
}

// A host name: letters, digits, hyphens, dots; at least one dot.
bool LooksLikeHost(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return false;
  }
  return true;
}

// "MarkMonitor, Inc. (R22-LRCC)", "Whois Corp.(http://whois.co.kr)", "Example Ltd [Tag = EXAMPLE]": the name
// without the registry's handle, URL or tag in brackets at the end.
std::string RegistrarName(std::string_view v) {
  v = Trim(v);
  for (char open : {'[', '('}) {
    char close = open == '[' ? ']' : ')';
    if (!v.empty() && v.back() == close) {
      size_t at = v.rfind(open);
      if (at != std::string_view::npos && at > 0) v = Trim(v.substr(0, at));
    }
  }
  return std::string(v);
}

// The whois(1) client prints every server it asked, each section opened by "# whois.example.net": only the
// last server's answer is about the domain (the first ones are referrals, e.g. IANA's record of the TLD).
std::string_view LastServerSection(std::string_view text) {
  size_t pos = 0, start = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    line = Trim(line);
    if (line.size() > 2 && line[0] == '#' && line[1] == ' ') {
      std::string_view host = Trim(line.substr(1));
      if (LooksLikeHost(host) && host.find(' ') == std::string_view::npos &&
          std::isalpha(static_cast<unsigned char>(host.back()))) {
        start = next;
      }
    }
    pos = next;
  }
  return text.substr(start);
}

struct Parser {
  WhoisAnswer a;
  bool said_not_found = false;

  // The open section: a header line ("Registrar:", "Technical Contacts", "Name servers:") and the lines under it,
  // up to the first blank line after some content.
  WhoisSection section = WhoisSection::kNone;
  WhoisField section_field = WhoisField::kNone;
  bool section_has_values = false;
  std::string section_org, section_name, section_line;  // registrar section candidates

  // A "key: value" line whose value continues on more-indented lines without a key (.pl "nameservers:").
  WhoisField continued = WhoisField::kNone;
  size_t continued_indent = 0;

  // RIPE-style objects (blocks opened by a class key): skip contacts' and people's objects, keep name-server sets
  // apart until the domain's reference to one is known.
  bool ripe = false;
  bool at_block_start = true;
  bool skip_block = false;
  std::string nsset_block;                        // handle of the name-server set being read, "" if none
  std::string nsset_reference;                    // the domain's "nsset:" / "nsl-id:"
  std::map<std::string, std::vector<std::string>> nssets;

  void AddStatusWord(std::string_view part) {
    part = Trim(part);
    while (!part.empty() && (part.back() == '.' || part.back() == ';')) part.remove_suffix(1);
    if (part.empty() || part.size() >= 64 || Contains(part, "http")) return;
    if (std::optional<StatusMeaning> m = MeaningOfStatusWord(part)) {
      if (m->kind == StatusMeaning::Kind::kStatus) a.record.statuses.push_back(m->status);
      if (m->kind == StatusMeaning::Kind::kNotFound) said_not_found = true;
      return;
    }
    // "200 Active" (.nz): a code before the word.
    size_t digits = 0;
    while (digits < part.size() && std::isdigit(static_cast<unsigned char>(part[digits]))) ++digits;
    if (digits > 0 && digits < part.size() && part[digits] == ' ') {
      AddStatusWord(part.substr(digits + 1));
      return;
    }
    a.record.statuses.emplace_back(part);  // a ccTLD word with no EPP meaning, kept as said
  }

  void AddStatus(std::string_view value) {
    value = Trim(value);
    if (value.empty()) return;
    if (auto s = StatusFromSentence(Lower(value))) {
      a.record.statuses.push_back(*s);
      return;
    }
    // "clientTransferProhibited https://icann.org/epp#...", "serverDeleteProhibited (Protected by .auLOCKDOWN)".
    const bool several = value.find(',') != std::string_view::npos || Contains(value, " / ");
    std::string_view first = value.substr(0, value.find_first_of(" \t("));
    if (auto epp = CanonicalEpp(first); epp && !several) {
      a.record.statuses.push_back(*epp);
      return;
    }
    // Several words on one line: "pendingDelete / redemptionPeriod", "clientTransferProhibited, clientDelete...".
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      size_t slash = value.find(" / ", start);
      size_t end = std::min(comma, slash);
      AddStatusWord(value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
      if (end == std::string_view::npos) break;
      start = end + (end == slash ? 3 : 1);
    }
  }

  void AddNameserver(std::string_view value) {
    value = Trim(value);
    while (!value.empty() && (value.front() == '-' || value.front() == '*')) value = Trim(value.substr(1));
    std::string_view host = value.substr(0, value.find_first_of(" \t[("));
    if (!LooksLikeHost(host)) return;
    std::string h = NormaliseHost(host);
    if (!nsset_block.empty()) {
      nssets[nsset_block].push_back(h);
    } else {
      a.record.nameservers.push_back(h);
    }
  }

  void Apply(WhoisField f, std::string_view value) {
    value = Trim(value);
    if (value.empty()) return;
    switch (f) {
      case WhoisField::kExpiry:
      case WhoisField::kRegistrarExpiry:
      case WhoisField::kCreated:
      case WhoisField::kChanged: {
        std::optional<SystemTime> t = ParseLooseDate(value);
        if (!t) {
          if (f == WhoisField::kExpiry) a.notes.push_back("unreadable expiry date: " + std::string(value.substr(0, 64)));
          return;
        }
        if (f == WhoisField::kExpiry && !a.record.expires_at) a.record.expires_at = t;
        if (f == WhoisField::kRegistrarExpiry && !a.registrar_expires_at) a.registrar_expires_at = t;
        if (f == WhoisField::kCreated && !a.record.registered_at) a.record.registered_at = t;
        if (f == WhoisField::kChanged && !a.record.last_changed_at) a.record.last_changed_at = t;
        return;
      }
      case WhoisField::kStatus:
        AddStatus(value);
        return;
      case WhoisField::kPendingStatus:
        AddStatusWord("pending " + std::string(value));
        return;
      case WhoisField::kNameserver:
        AddNameserver(value);
        return;
      case WhoisField::kRegistrar: {
        std::string name = RegistrarName(value);
        if (a.record.registrar.empty() && !name.empty() && name.size() < 200 && !Contains(Lower(name), "url:")) {
          a.record.registrar = name;
        }
        return;
      }
      case WhoisField::kIanaId:
        if (a.record.registrar_iana_id.empty() && value.size() < 16) a.record.registrar_iana_id = std::string(value);
        return;
      case WhoisField::kReferral: {
        std::string_view host = value.substr(0, value.find_first_of(" \t"));
        if (host.rfind("whois://", 0) == 0) host.remove_prefix(8);
        if (a.referral.empty() && (LooksLikeHost(host) || Contains(host, ":")) && host.size() < 256 &&
            !Contains(host, "/")) {
          a.referral = Lower(host);
        }
        return;
      }
      case WhoisField::kNone:
        return;
    }
  }

  void CloseSection() {
    if (section == WhoisSection::kRegistrar && a.record.registrar.empty()) {
      const std::string& name = !section_org.empty() ? section_org : !section_name.empty() ? section_name : section_line;
      Apply(WhoisField::kRegistrar, name);
    }
    section = WhoisSection::kNone;
    section_field = WhoisField::kNone;
    section_has_values = false;
    section_org.clear();
    section_name.clear();
    section_line.clear();
  }

  void OpenSection(const std::string& key) {
    CloseSection();
    section = SectionForHeader(key);
    section_field = FieldForKey(key);
    if (section == WhoisSection::kNone && (section_field == WhoisField::kNameserver || section_field == WhoisField::kStatus)) {
      section = WhoisSection::kField;
    }
  }

  // A "key: value" line. In a contact's section nothing is the domain's; in the registrar's, its name.
  void KeyValue(const std::string& key, std::string_view value) {
    if (section == WhoisSection::kContact) return;
    if (section == WhoisSection::kRegistrar) {
      if (key == "organization" || key == "organisation" || key == "org") {
        if (section_org.empty()) section_org = std::string(Trim(value));
        return;
      }
      if (key == "name" || key == "registrar" || key == "registrarname") {
        if (section_name.empty()) section_name = std::string(Trim(value));
        return;
      }
      if (FieldForKey(key) == WhoisField::kNone) return;  // its URL, phone, address
    }
    if (ripe && IsNameserverSetReference(key) && nsset_reference.empty()) nsset_reference = std::string(Trim(value));
    Apply(FieldForKey(key), value);
  }

  // A line without a key inside the open section.
  void Plain(std::string_view line) {
    if (section == WhoisSection::kRegistrar) {
      if (section_line.empty()) section_line = RegistrarName(line);
    } else if (section == WhoisSection::kField) {
      Apply(section_field, line);
    }
  }

  // Where the key of "Key: value" ends: the first ':' followed by a blank or the end of the line, or directly by
  // the value when the key is one of ours ("Expiration Date:12-Feb-2012", Afilias), so that the ':' of URLs and
  // times inside values never splits a line.
  static size_t KeyEnd(std::string_view line) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 60) return std::string_view::npos;
    if (colon + 1 == line.size() || line[colon + 1] == ' ' || line[colon + 1] == '\t') return colon;
    std::string key = NormaliseKey(line.substr(0, colon));
    if (FieldForKey(key) != WhoisField::kNone || key == "domainname") return colon;
    return std::string_view::npos;
  }

  // The first key line of a blank-line separated block: RIPE-style object classes.
  void BlockStart(const std::string& key, std::string_view value) {
    if (key == "domain") {
      ripe = true;
      return;
    }
    if (!ripe) return;
    // AFNIC follows the domain with the registrar's own object ("registrar: X" then its address): not the
    // domain's. A registrar line under a "Registrar" header (Traficom) is the name itself.
    if (IsForeignObjectClass(key) ||
        (key == "registrar" && !Trim(value).empty() && section != WhoisSection::kRegistrar)) {
      skip_block = true;
    } else if (IsNameserverSetClass(key)) {
      nsset_block = std::string(Trim(value));
      if (nsset_block.empty()) nsset_block = "?";
    }
  }

  void Line(std::string_view raw) {
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view line = Trim(raw);
    if (line.empty()) {
      if (section_has_values) CloseSection();
      continued = WhoisField::kNone;
      at_block_start = true;
      return;
    }
    const size_t indent = Indent(raw);
    const std::string lower = Lower(line);
    if (auto s = StatusFromSentence(lower); s && !skip_block && section != WhoisSection::kContact) {
      a.record.statuses.push_back(*s);
      return;
    }
    if (line[0] == '%' || line[0] == '#' || line[0] == ';' || line[0] == '*' || line.rfind(">>>", 0) == 0 ||
        line.find_first_not_of("-=_*") == std::string_view::npos) {
      return;
    }
    // "Record expires on 2011-11-09 (YYYY-MM-DD)": a sentence, no key.
    if (lower.rfind("record expires on ", 0) == 0) {
      if (section != WhoisSection::kContact) Apply(WhoisField::kExpiry, line.substr(18));
      return;
    }
    if (lower.rfind("record created on ", 0) == 0) {
      if (section != WhoisSection::kContact) Apply(WhoisField::kCreated, line.substr(18));
      return;
    }

    std::string key;
    std::string_view value;
    bool has_key = false;
    if (line[0] == '[') {  // JPRS / DENIC "[Key]  value"
      size_t close = line.find(']');
      if (close != std::string_view::npos) {
        key = NormaliseKey(line.substr(1, close - 1));
        value = Trim(line.substr(close + 1));
        has_key = true;
      }
    }
    if (!has_key) {
      size_t end = KeyEnd(line);
      if (end != std::string_view::npos) {
        key = NormaliseKey(line.substr(0, end));
        value = Trim(line.substr(end + 1));
        has_key = !key.empty() || Trim(line.substr(0, end)).empty();
      }
    }

    if (at_block_start) {
      skip_block = false;
      nsset_block.clear();
      if (has_key) BlockStart(key, value);
    }
    at_block_start = false;
    if (skip_block) return;

    if (has_key && !key.empty()) {
      continued = WhoisField::kNone;
      if (value.empty()) {
        OpenSection(key);  // a header: its values follow on their own lines
        return;
      }
      KeyValue(key, value);
      if (section != WhoisSection::kNone) section_has_values = true;
      WhoisField f = FieldForKey(key);
      if (section != WhoisSection::kContact && (f == WhoisField::kNameserver || f == WhoisField::kStatus)) {
        continued = f;
        continued_indent = indent;
      }
      return;
    }
    if (has_key) return;  // ": value" with no key

    // A line without a key: the continuation of a list, a header without a colon ("Nameservers",
    // "Technical Contacts"), or a value under the open section.
    if (continued != WhoisField::kNone && indent > continued_indent) {
      Apply(continued, line);
      return;
    }
    continued = WhoisField::kNone;
    const std::string norm = NormaliseKey(line);
    bool fills_registrar = section == WhoisSection::kRegistrar && section_line.empty() && section_org.empty() &&
                           section_name.empty();
    if (!fills_registrar && line.size() < 48 && line.find_first_of(".@") == std::string_view::npos &&
        SectionForHeader(norm) != WhoisSection::kNone) {
      OpenSection(norm);
      return;
    }
    if (section != WhoisSection::kNone) {
      section_has_values = true;
      if (section != WhoisSection::kContact) Plain(line);
    }
  }

  void Run(std::string_view text) {
    size_t pos = 0;
    int lines = 0;
    while (pos < text.size() && lines < 20000) {
      ++lines;
      size_t eol = text.find('\n', pos);
      Line(text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos));
      pos = eol == std::string_view::npos ? text.size() : eol + 1;
    }
    CloseSection();
    // FRED / AFNIC: the domain's name servers are the set it references.
    if (a.record.nameservers.empty() && !nssets.empty()) {
      auto it = nsset_reference.empty() ? (nssets.size() == 1 ? nssets.begin() : nssets.end())
                                        : nssets.find(nsset_reference);
      if (it != nssets.end()) a.record.nameservers = it->second;
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

WhoisAnswer ParseWhoisAnswer(std::string_view full_text) {
  std::string_view text = LastServerSection(full_text);
  Parser p;
  p.a.record.source = Source::kWhois;
  p.Run(text);
  RegistrationRecord& r = p.a.record;
  std::sort(r.statuses.begin(), r.statuses.end());
  r.statuses.erase(std::unique(r.statuses.begin(), r.statuses.end()), r.statuses.end());
  SortHosts(r.nameservers);

  // Data that identifies a registration: an expiry, name servers, a status or a creation date. A registrar
  // name or a referral alone is not one ("No match" answers of some registries carry a referral).
  bool data = r.expires_at.has_value() || !r.nameservers.empty() || !r.statuses.empty() || r.registered_at.has_value();
  if (!data) {
    std::string lower = Lower(text.substr(0, 64 * 1024));
    // "No such domain" first: registries put "rate limited" into the boilerplate of every answer.
    if (p.said_not_found || SaysNotFound(lower)) {
      p.a.kind = WhoisAnswer::Kind::kNotFound;
      return p.a;
    }
    if (SaysThrottled(lower)) {
      p.a.kind = WhoisAnswer::Kind::kThrottled;
      return p.a;
    }
  }
  p.a.kind = data ? WhoisAnswer::Kind::kData : WhoisAnswer::Kind::kEmpty;
  return p.a;
}

}  // namespace domainguard::registration
