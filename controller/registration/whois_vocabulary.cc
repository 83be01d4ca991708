#include "controller/registration/whois_vocabulary.h"

#include <algorithm>
#include <iterator>
#include <cctype>
#include <utility>

#include "controller/registration/epp_status.h"

namespace domainguard::registration {
namespace {

bool Contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

template <size_t N>
bool OneOf(std::string_view k, const std::string_view (&words)[N]) {
  return std::find(std::begin(words), std::end(words), k) != std::end(words);
}

// --- Field labels, by registry family (normalised keys) -----------------------------------------------------------
// gTLD / ICANN ("Registry Expiry Date"), RIPE-like ccTLDs ("expire", "paid-till", "nserver"), Nominet ("Expiry
// date"), JPRS ("[Expires on]"), KISA ("Authorized Agency"), .nz ("domain_datebilleduntil"), .ve / Spanish layouts
// ("Fecha de Vencimiento", "Estatus del dominio"), .tw/.uz ("Domain servers in listed order").
constexpr std::string_view kExpiryKeys[] = {
    "paidtill", "validuntil", "renewaldate", "expires", "expireson", "expire", "validity", "expiry",
    "domaindatebilleduntil", "billeduntil", "fechadevencimiento", "fechadeexpiracion", "vencimiento",
    "expirationdate", "registryexpirydate", "expirydate"};
constexpr std::string_view kCreatedKeys[] = {
    "registeredon", "registered", "registrationdate", "domainregistrationdate", "domaindateregistered",
    "fechadecreacion", "registrationtime", "acivated"};
constexpr std::string_view kChangedKeys[] = {
    "updateddate", "changed", "lastupdated", "lastmodified", "modified", "updated", "lastupdate",
    "domaindatelastmodified", "ultimaactualizacion"};
constexpr std::string_view kStatusKeys[] = {
    "domainstatus", "status", "state", "eppstatus", "registrystatus", "registrationstatus", "querystatus",
    "estatus", "estatusdeldominio"};
constexpr std::string_view kNameserverKeys[] = {
    "nameserver", "nameservers", "nserver", "dnsservers", "nameserversinformation", "ns", "hostname", "dns",
    "nsserver", "dnsserver", "nsname", "domainserversinlistedorder", "domainservers", "servidoresdenombresdedominio",
    "servidoresdenombre", "nameserverhostname"};
constexpr std::string_view kRegistrarKeys[] = {
    "registrar", "registrarname", "sponsoringregistrar", "registrarorganization", "authorizedagency",
    "registrationserviceprovider", "registrarorganisation", "sponsoringregistrarname", "agenteregistrador",
    "registradora"};

// --- Section headers (normalised) -------------------------------------------------------------------------------
constexpr std::string_view kContactHeaders[] = {
    "registrant", "registrantcontact", "registrants", "holder", "domainholder", "owner", "titular",
    "admincontact", "administrativecontact", "administrativecontacts", "adminc", "technicalcontact",
    "technicalcontacts", "techcontact", "tech", "techc", "billingcontact", "billingcontacts", "zonecontact",
    "contactinformation", "registrantsaddress", "registranttype", "registrartechnicalcontacts",
    "contactoadministrativo", "contactotecnico", "contactodecobranza", "registrantcontactinformation",
    "administrativecontactac", "zonec", "adminc", "billingc", "registrantc", "holderc"};
constexpr std::string_view kRegistrarHeaders[] = {"registrar", "registrarinformation", "sponsoringregistrar",
                                                             "registrarinfo"};
constexpr std::string_view kNameserverHeaders[] = {
    "nameservers", "nameserver", "domainserversinlistedorder", "servidoresdenombresdedominio", "dnsservers",
    "nserver", "nameserversinformation", "domainservers", "hostnames"};
constexpr std::string_view kStatusHeaders[] = {"registrationstatus", "domainstatus", "status", "statuses"};

// --- RIPE-style object classes ------------------------------------------------------------------------------------
constexpr std::string_view kForeignClasses[] = {"contact", "nichdl", "person", "role", "keyset",
                                                          "dslist", "org", "organisation", "nichdlbr"};

// --- Status words (squashed) and their EPP meaning ----------------------------------------------------------------
struct Word {
  std::string_view word;
  StatusMeaning::Kind kind;
  std::string_view status;
};
using K = StatusMeaning::Kind;
constexpr Word kStatusWords[] = {
    // Registered and in the DNS: EPP "ok" (RFC 5731), whatever the registry calls it.
    {"active", K::kStatus, "ok"},
    {"activo", K::kStatus, "ok"},
    {"aktiv", K::kStatus, "ok"},
    {"connect", K::kStatus, "ok"},           // DENIC
    {"registered", K::kStatus, "ok"},        // CIRA
    {"published", K::kStatus, "ok"},         // registro.br
    {"live", K::kStatus, "ok"},              // ICB (.io, .ac, .sh)
    {"registered until expiry date", K::kStatus, "ok"},   // Nominet
    {"registered until renewal date", K::kStatus, "ok"},  // Nominet
    {"200 active", K::kStatus, "ok"},        // .nz query_status
    // Being deleted.
    {"pending delete", K::kStatus, "pendingDelete"},
    {"pendingdelete", K::kStatus, "pendingDelete"},
    {"to be deleted", K::kStatus, "pendingDelete"},      // FRED (.cz)
    {"to be released", K::kStatus, "pendingDelete"},     // CIRA
    {"pending release", K::kStatus, "pendingDelete"},    // .nz
    {"pendingrelease", K::kStatus, "pendingDelete"},
    {"210 pendingrelease", K::kStatus, "pendingDelete"},
    {"no longer required", K::kStatus, "pendingDelete"},  // Nominet: cancelled by the registrant
    {"delete", K::kStatus, "pendingDelete"},              // "pending: DELETE"
    {"pending deletion", K::kStatus, "pendingDelete"},
    // Deleted, restorable at a fee (RFC 3915 redemption).
    {"redemption", K::kStatus, "redemptionPeriod"},
    {"redemption period", K::kStatus, "redemptionPeriod"},
    {"redemptionperiod", K::kStatus, "redemptionPeriod"},
    {"redemption no provider", K::kStatus, "redemptionPeriod"},  // .it
    {"quarantine", K::kStatus, "redemptionPeriod"},              // DNS Belgium, EURid
    {"in quarantine", K::kStatus, "redemptionPeriod"},
    // Out of the DNS by registry action.
    {"suspended", K::kStatus, "Suspended"},
    {"suspendido", K::kStatus, "Suspended"},
    {"suspendu", K::kStatus, "Suspended"},
    {"gesperrt", K::kStatus, "Suspended"},
    {"out of service", K::kStatus, "serverHold"},             // DNS Belgium
    {"domain is not generated into zone", K::kStatus, "serverHold"},  // FRED "outzone"
    {"deactivated", K::kStatus, "serverHold"},
    {"hold", K::kStatus, "serverHold"},
    {"on hold", K::kStatus, "serverHold"},
    // Locks written out by ccTLDs.
    {"client updt lock", K::kStatus, "clientUpdateProhibited"},   // ICB
    {"client xfer lock", K::kStatus, "clientTransferProhibited"},
    {"client trans lock", K::kStatus, "clientTransferProhibited"},
    {"client delt lock", K::kStatus, "clientDeleteProhibited"},
    {"client renw lock", K::kStatus, "clientRenewProhibited"},
    {"update prohibited", K::kStatus, "serverUpdateProhibited"},  // FRED
    {"sponsoring registrar change prohibited", K::kStatus, "serverTransferProhibited"},  // FRED
    {"deletion prohibited", K::kStatus, "serverDeleteProhibited"},                      // FRED
    {"transfer locked", K::kStatus, "clientTransferProhibited"},  // ISOC-IL
    {"transfer prohibited", K::kStatus, "clientTransferProhibited"},
    // Answers about availability, not statuses of a registration.
    {"not available", K::kIgnore, ""},
    {"available", K::kNotFound, ""},
    {"free", K::kNotFound, ""},
    {"220 available", K::kNotFound, ""},
    {"no object found", K::kNotFound, ""},
    {"not found", K::kNotFound, ""},
};

// Lines of free text that carry a status.
struct Sentence {
  std::string_view phrase;
  std::string_view status;
};
constexpr Sentence kSentences[] = {
    {"registration has been suspended", "Suspended"},  // Nominet
    {"domain has been suspended", "Suspended"},
    {"this domain is suspended", "Suspended"},
    {"domain is on hold", "serverHold"},
};

// Answers that say "no such domain". Matched only on answers without registration data.
constexpr std::string_view kNotFoundPhrases[] = {
    "no match", "no entries found", "%error:101", "not found", "no data found", "no object found",
    "object does not exist", "domain not registered", "is available for registration", "no matching record",
    "status: free", "status: available", "no such domain", "is not registered", "no information available about domain",
    "does not exist", "nincs találat", "no se encontr", "domain name not known", "not registered",
    "no records matching", "is free"};
// Answers that say "not now". Matched after the not-found phrases (registries put "rate limited" in boilerplate).
constexpr std::string_view kThrottlePhrases[] = {
    "limit exceeded", "limit reached", "rate limit", "too many requests", "quota exceeded", "exceeded the maximum",
    "exceeded your", "temporarily blocked", "try again later", "please wait", "queries exceeded",
    "maximum queries", "allowed queries exceeded", "excessive querying", "has been exceeded", "query rate",
    "queries per hour"};

std::string_view StripTrailingDigits(std::string_view k) {
  while (k.size() > 1 && std::isdigit(static_cast<unsigned char>(k.back()))) k.remove_suffix(1);
  return k;
}

}  // namespace

WhoisField FieldForKey(std::string_view raw) {
  if (raw.empty() || raw.size() > 48) return WhoisField::kNone;
  std::string_view k = StripTrailingDigits(raw);
  if (k == "registrarianaid" || k == "ianaid" || k == "sponsoringregistrarianaid") return WhoisField::kIanaId;
  if (k == "registrarwhoisserver" || k == "refer" || k == "whoisserver" || k == "whois") return WhoisField::kReferral;
  if (k == "pending") return WhoisField::kPendingStatus;
  // An option, a reservation or a release date is not the registration's expiry (.pl "option expiration date",
  // CIRA "TBR Release date").
  if (Contains(k, "option") || Contains(k, "release") || Contains(k, "reservation")) return WhoisField::kNone;
  if (Contains(k, "expir") || OneOf(k, kExpiryKeys)) {
    return Contains(k, "registrar") ? WhoisField::kRegistrarExpiry : WhoisField::kExpiry;
  }
  if (Contains(k, "creat") || Contains(k, "commencement") || OneOf(k, kCreatedKeys)) return WhoisField::kCreated;
  if (OneOf(k, kChangedKeys)) return WhoisField::kChanged;
  if (OneOf(k, kStatusKeys)) return WhoisField::kStatus;
  if (OneOf(k, kNameserverKeys)) return WhoisField::kNameserver;
  if (OneOf(k, kRegistrarKeys)) return WhoisField::kRegistrar;
  return WhoisField::kNone;
}

WhoisSection SectionForHeader(std::string_view k) {
  if (k.empty() || k.size() > 48) return WhoisSection::kNone;
  if (OneOf(k, kContactHeaders)) return WhoisSection::kContact;
  if (OneOf(k, kRegistrarHeaders)) return WhoisSection::kRegistrar;
  if (OneOf(k, kNameserverHeaders) || OneOf(k, kStatusHeaders)) return WhoisSection::kField;
  return WhoisSection::kNone;
}

bool IsForeignObjectClass(std::string_view k) { return OneOf(k, kForeignClasses); }
bool IsNameserverSetClass(std::string_view k) { return k == "nsset" || k == "nslist"; }
bool IsNameserverSetReference(std::string_view k) { return k == "nsset" || k == "nslid"; }

std::string SquashStatusWord(std::string_view w) {
  std::string out;
  bool space = false;
  for (char c : w) {
    if (c == ' ' || c == '\t' || c == '_' || c == '-') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  return out;
}

std::optional<StatusMeaning> MeaningOfStatusWord(std::string_view word) {
  const std::string w = SquashStatusWord(word);
  for (const Word& entry : kStatusWords) {
    if (w == entry.word) return StatusMeaning{entry.kind, std::string(entry.status)};
  }
  // An EPP code as written ("clientTransferProhibited", "CLIENTHOLD") or spelled out ("client hold").
  if (auto epp = EppFromRdapStatus(word)) return StatusMeaning{StatusMeaning::Kind::kStatus, *epp};
  std::string joined;
  for (char c : w) {
    if (c != ' ') joined += c;
  }
  if (auto epp = CanonicalEpp(joined)) return StatusMeaning{StatusMeaning::Kind::kStatus, *epp};
  return std::nullopt;
}

std::optional<std::string> StatusFromSentence(std::string_view lower_line) {
  for (const Sentence& s : kSentences) {
    if (Contains(lower_line, s.phrase)) return std::string(s.status);
  }
  return std::nullopt;
}

bool SaysNotFound(std::string_view lower) {
  return std::any_of(std::begin(kNotFoundPhrases), std::end(kNotFoundPhrases),
                     [&](std::string_view p) { return Contains(lower, p); });
}

bool SaysThrottled(std::string_view lower) {
  return std::any_of(std::begin(kThrottlePhrases), std::end(kThrottlePhrases),
                     [&](std::string_view p) { return Contains(lower, p); });
}

}  // namespace domainguard::registration
