#include "controller/registration/registrable.h"

#include <libpsl.h>

#include <cctype>
#include <mutex>

namespace domainguard::registration {
namespace {

// RAII owner of the loaded list; loaded once per process (a read-only table, safe to share across threads).
struct PslHolder {
  psl_ctx_t* ctx = nullptr;
  PslHolder() {
    ctx = psl_latest(nullptr);  // the system's newest list (Debian: /usr/share/publicsuffix), else the builtin
  }
  ~PslHolder() {
    if (ctx != nullptr) psl_free(ctx);
  }
  PslHolder(const PslHolder&) = delete;
  PslHolder& operator=(const PslHolder&) = delete;
};

const psl_ctx_t* Psl() {
  static PslHolder holder;  // immutable after construction
  return holder.ctx != nullptr ? holder.ctx : psl_builtin();
}

bool IsIcannSuffix(const std::string& name) {
  const psl_ctx_t* psl = Psl();
  if (psl == nullptr) return name.find('.') == std::string::npos;  // no list: TLDs only
  return psl_is_public_suffix2(psl, name.c_str(), PSL_TYPE_ICANN) != 0;
}

}  // namespace

Result<std::string> RegistrableDomain(std::string_view zone) {
  std::string name;
  for (char c : zone) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!name.empty() && name.back() == '.') name.pop_back();
  if (name.empty()) return Error::InvalidArgument("empty zone name");
  if (IsIcannSuffix(name)) return Error::InvalidArgument(name + " is a public suffix, not a registrable domain");
  // Walk up from the full name: the registrable domain is the shortest name whose parent is a public suffix.
  std::string candidate = name;
  while (true) {
    size_t dot = candidate.find('.');
    if (dot == std::string::npos) return candidate;
    std::string parent = candidate.substr(dot + 1);
    if (IsIcannSuffix(parent)) return candidate;
    candidate = parent;
  }
}

}  // namespace domainguard::registration
