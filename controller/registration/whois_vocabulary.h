// What WHOIS layouts mean, as data: the labels registries use for each field, the headers that open a section
// (a contact's, the registrar's, a name-server list), the words registries use for a domain's status and their
// EPP meaning, and the sentences that say "no such domain" or "you asked too often". whois_parse.cc is the engine
// that reads a layout with these tables; a new registry layout is usually a line here, not code.
//
// Keys and words are matched after normalisation: keys lower case with everything but letters and digits dropped
// ("Registry Expiry Date" -> "registryexpirydate"), status words lower case with runs of blanks, '-' and '_'
// squashed to one blank ("PENDING-DELETE" -> "pending delete").
// Pure functions over constant tables; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace domainguard::registration {

enum class WhoisField {
  kNone,
  kExpiry,           // the registry's expiry
  kRegistrarExpiry,  // "Registrar Registration Expiration Date": used only when the registry publishes none
  kCreated,
  kChanged,
  kStatus,
  kPendingStatus,    // "pending: DELETE" (a status word that means "pending <word>")
  kNameserver,
  kRegistrar,
  kIanaId,
  kReferral,
};

// The field a normalised key names, kNone when it names none of ours. Trailing digits are ignored
// ("nameserver1", "nsname01", "ns1").
WhoisField FieldForKey(std::string_view normalised_key);

enum class WhoisSection {
  kNone,
  kContact,     // registrant, admin, tech, billing, zone contact, holder: nothing in it is the domain's
  kRegistrar,   // the sponsoring registrar: its name is the first line, or its Organization / Name
  kField,       // a header naming a field whose values follow on their own lines (name servers, status)
};

// The section a header opens ("Registrant:", "Technical Contacts", "Registrar:", "Nameservers"), given the
// normalised header text. kNone for headers that only group key/value lines ("Relevant dates:").
WhoisSection SectionForHeader(std::string_view normalised_header);

// A RIPE-style answer is a list of objects separated by blank lines, each opened by its class key ("domain:",
// "contact:", "nsset:", "person:", ...). True for the classes whose objects are not the domain's (contacts,
// people, key sets): their lines must not be read as the domain's.
bool IsForeignObjectClass(std::string_view normalised_key);
// True for the classes that hold a domain's name servers by reference ("nsset:" FRED, "ns-list:" AFNIC), and
// for the domain key that references them ("nsset", "nslid").
bool IsNameserverSetClass(std::string_view normalised_key);
bool IsNameserverSetReference(std::string_view normalised_key);

// What a registry's status word means.
struct StatusMeaning {
  enum class Kind {
    kStatus,       // `status` is the status to report (an EPP code, or "Suspended")
    kIgnore,       // says the name is taken, nothing more ("NOT AVAILABLE")
    kNotFound,     // the registry says the name is free ("AVAILABLE", "No Object Found")
  };
  Kind kind = Kind::kStatus;
  std::string status;
};
// Meaning of one status word (already split from its line); nullopt when it is not in the vocabulary (the caller
// keeps the word as said).
std::optional<StatusMeaning> MeaningOfStatusWord(std::string_view word);

// Squashes a status word for lookup: lower case, blanks/'-'/'_' runs to one blank, trimmed.
std::string SquashStatusWord(std::string_view word);

// Sentences on a line of their own that carry a status: "*** This registration has been SUSPENDED. ***".
std::optional<std::string> StatusFromSentence(std::string_view lower_line);

// Whole-answer phrases, matched on the lower-cased answer when it holds no registration data.
bool SaysNotFound(std::string_view lower_answer);
bool SaysThrottled(std::string_view lower_answer);

}  // namespace domainguard::registration
