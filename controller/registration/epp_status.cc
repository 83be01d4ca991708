#include "controller/registration/epp_status.h"

#include <array>
#include <cctype>
#include <utility>

namespace domainguard::registration {
namespace {

// RFC 8056 section 2, both columns; RFC 3915 adds the RGP ones (redemptionPeriod, pendingRestore ...).
constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kMap{{
    {"addPeriod", "add period"},
    {"autoRenewPeriod", "auto renew period"},
    {"clientDeleteProhibited", "client delete prohibited"},
    {"clientHold", "client hold"},
    {"clientRenewProhibited", "client renew prohibited"},
    {"clientTransferProhibited", "client transfer prohibited"},
    {"clientUpdateProhibited", "client update prohibited"},
    {"inactive", "inactive"},
    {"linked", "associated"},
    {"ok", "active"},
    {"pendingCreate", "pending create"},
    {"pendingDelete", "pending delete"},
    {"pendingRenew", "pending renew"},
    {"pendingRestore", "pending restore"},
    {"pendingTransfer", "pending transfer"},
    {"pendingUpdate", "pending update"},
    {"redemptionPeriod", "redemption period"},
    {"renewPeriod", "renew period"},
    {"serverDeleteProhibited", "server delete prohibited"},
    {"serverRenewProhibited", "server renew prohibited"},
    {"serverTransferProhibited", "server transfer prohibited"},
    {"serverUpdateProhibited", "server update prohibited"},
    {"serverHold", "server hold"},
    {"transferPeriod", "transfer period"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Collapses runs of blanks/underscores/hyphens to one space and trims: "client_transfer  prohibited".
std::string SquashSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '_' || c == '-') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

std::optional<std::string> EppFromRdapStatus(std::string_view rdap) {
  std::string s = SquashSpaces(rdap);
  for (const auto& [epp, text] : kMap) {
    if (EqualsIgnoreCase(s, text)) return std::string(epp);
  }
  // Some servers put EPP codes into RDAP status (seen on ccTLD RDAP servers).
  return CanonicalEpp(s);
}

std::optional<std::string> RdapFromEppStatus(std::string_view epp) {
  for (const auto& [code, text] : kMap) {
    if (EqualsIgnoreCase(epp, code)) return std::string(text);
  }
  return std::nullopt;
}

std::optional<std::string> CanonicalEpp(std::string_view code) {
  for (const auto& [c, text] : kMap) {
    if (EqualsIgnoreCase(code, c)) return std::string(c);
  }
  return std::nullopt;
}

bool IsHoldStatus(std::string_view status) {
  return EqualsIgnoreCase(status, "serverHold") || EqualsIgnoreCase(status, "clientHold") ||
         EqualsIgnoreCase(status, "suspended");
}

bool IsTransferLock(std::string_view status) {
  return EqualsIgnoreCase(status, "clientTransferProhibited") || EqualsIgnoreCase(status, "serverTransferProhibited");
}

}  // namespace domainguard::registration
