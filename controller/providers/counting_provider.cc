#include "controller/providers/counting_provider.h"

namespace domainguard::providers {
namespace {

class CountingProvider final : public Provider {
 public:
  CountingProvider(std::shared_ptr<Provider> inner, ProviderCallObserver observer)
      : inner_(std::move(inner)), observer_(std::move(observer)) {}

  std::string Name() const override { return inner_->Name(); }
  bool CreatesZones() const override { return inner_->CreatesZones(); }

  Result<ObservedZone> ReadZone(std::string_view zone) override {
    return Count("read_zone", inner_->ReadZone(zone));
  }
  Result<uint32_t> Serial(std::string_view zone) override { return Count("serial", inner_->Serial(zone)); }
  Result<std::map<std::string, Result<uint32_t>>> Serials(const std::vector<std::string>& zones) override {
    return Count("serials", inner_->Serials(zones));
  }
  Result<ObservedZone> CreateZone(std::string_view zone, const Changes& changes) override {
    return Count("create_zone", inner_->CreateZone(zone, changes));
  }
  Result<uint32_t> Apply(std::string_view zone, const Changes& changes,
                         const ZoneVersion& expected) override {
    if (changes.empty()) return inner_->Apply(zone, changes, expected);
    return Count("apply", inner_->Apply(zone, changes, expected));
  }
  Result<uint32_t> RaiseSerial(std::string_view zone, uint32_t serial, const ZoneVersion& expected) override {
    return Count("raise_serial", inner_->RaiseSerial(zone, serial, expected));
  }

 private:
  template <typename T>
  Result<T> Count(std::string_view operation, Result<T> r) {
    observer_(operation, r.ok() ? std::string_view("ok") : ErrorCodeName(r.error().code));
    return r;
  }

  std::shared_ptr<Provider> inner_;
  ProviderCallObserver observer_;
};

}  // namespace

std::shared_ptr<Provider> WithCallCounting(std::shared_ptr<Provider> inner, ProviderCallObserver observer) {
  return std::make_shared<CountingProvider>(std::move(inner), std::move(observer));
}

}  // namespace domainguard::providers
