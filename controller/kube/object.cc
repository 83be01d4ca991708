// Object accessors and resource paths (object.h).
#include "controller/kube/object.h"

namespace domainguard::kube {
namespace {

std::string MetaString(const json& obj, const char* field) {
  if (!obj.is_object()) return "";
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return "";
  auto f = m->find(field);
  if (f == m->end() || !f->is_string()) return "";
  return f->get<std::string>();
}

}  // namespace

std::string Resource::ApiVersion() const {
  if (group.empty()) return std::string(version);
  return std::string(group) + "/" + std::string(version);
}

std::string Resource::BasePath() const {
  if (group.empty()) return "/api/" + std::string(version);
  return "/apis/" + std::string(group) + "/" + std::string(version);
}

std::string Resource::Path(std::string_view ns, std::string_view name, std::string_view subresource) const {
  std::string p = BasePath();
  if (namespaced && !ns.empty()) {
    p += "/namespaces/";
    p += ns;
  }
  p += "/";
  p += plural;
  if (!name.empty()) {
    p += "/";
    p += name;
    if (!subresource.empty()) {
      p += "/";
      p += subresource;
    }
  }
  return p;
}

std::string Name(const json& obj) { return MetaString(obj, "name"); }
std::string Namespace(const json& obj) { return MetaString(obj, "namespace"); }
std::string ResourceVersion(const json& obj) { return MetaString(obj, "resourceVersion"); }
std::string Uid(const json& obj) { return MetaString(obj, "uid"); }

int64_t Generation(const json& obj) {
  if (!obj.is_object()) return 0;
  auto m = obj.find("metadata");
  if (m == obj.end() || !m->is_object()) return 0;
  auto g = m->find("generation");
  if (g == m->end() || !g->is_number_integer()) return 0;
  return g->get<int64_t>();
}

std::string ObjectKey(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string k(ns);
  k += "/";
  k += name;
  return k;
}

std::string ObjectKey(const json& obj) { return ObjectKey(Namespace(obj), Name(obj)); }

json& StripManagedFields(json& obj) {
  if (obj.is_object()) {
    auto m = obj.find("metadata");
    if (m != obj.end() && m->is_object()) m->erase("managedFields");
  }
  return obj;
}

}  // namespace domainguard::kube
