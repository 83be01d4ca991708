#include "controller/providers/serial_poller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/providers/fake_provider.h"

namespace domainguard::providers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class SerialPollerTest : public ::testing::Test {
 protected:
  SerialPollerTest() : fake_(std::make_shared<FakeProvider>("pdns-a")) {
    for (const char* z : {"a.test.", "b.test.", "c.test."}) fake_->Put(z, {z, "A", 60, {"192.0.2.1"}});
    poller_ = std::make_unique<SerialPoller>(fake_, clock_, [this](const std::string& zone, const std::string& why) {
      reported_.push_back(zone + ": " + why);
    });
  }
  uint32_t SerialOf(const std::string& zone) { return *fake_->Serial(zone); }

  FakeClock clock_;
  std::shared_ptr<FakeProvider> fake_;
  std::unique_ptr<SerialPoller> poller_;
  std::vector<std::string> reported_;
};

TEST_F(SerialPollerTest, NothingArmedAsksNothing) {
  EXPECT_THAT(poller_->PollOnce(), IsEmpty());
  EXPECT_EQ(fake_->serials_calls(), 0);
  EXPECT_FALSE(poller_->LastRound());
}

TEST_F(SerialPollerTest, OneRoundForEveryZoneAndOnlyMovedZonesReported) {
  for (const char* z : {"a.test.", "b.test.", "c.test."}) poller_->Watch(z, SerialOf(z));
  EXPECT_THAT(poller_->PollOnce(), IsEmpty());
  EXPECT_EQ(fake_->serials_calls(), 1);  // three zones, one request
  fake_->Put("b.test.", {"x.b.test.", "A", 60, {"192.0.2.9"}});  // an edit behind domainguard's back
  EXPECT_THAT(poller_->PollOnce(), ElementsAre("b.test."));
  EXPECT_EQ(fake_->serials_calls(), 2);
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_THAT(reported_[0], HasSubstr("b.test.: serial "));
  // Reported once: disarmed until the records pass re-arms it with what it then saw.
  EXPECT_THAT(poller_->PollOnce(), IsEmpty());
  EXPECT_EQ(poller_->watched(), 2u);
  poller_->Watch("b.test.", SerialOf("b.test."));
  EXPECT_THAT(poller_->PollOnce(), IsEmpty());
  ASSERT_TRUE(poller_->LastRound());
  EXPECT_EQ(poller_->LastRound()->error, "");
}

TEST_F(SerialPollerTest, ARecordsPassReArmingWithItsOwnWriteIsNotDrift) {
  poller_->Watch("a.test.", SerialOf("a.test."));
  fake_->Put("a.test.", {"www.a.test.", "A", 60, {"192.0.2.2"}});  // the records pass writes...
  poller_->Watch("a.test.", SerialOf("a.test."));                   // ...and re-arms with the serial it re-read
  EXPECT_THAT(poller_->PollOnce(), IsEmpty());
}

TEST_F(SerialPollerTest, AGoneZoneOrADownProviderIsReported) {
  poller_->Watch("a.test.", SerialOf("a.test."));
  poller_->Watch("gone.test.", 5);
  EXPECT_THAT(poller_->PollOnce(), ElementsAre("gone.test."));
  fake_->SetDown(true);
  EXPECT_THAT(poller_->PollOnce(), ElementsAre("a.test."));
  ASSERT_TRUE(poller_->LastRound());
  EXPECT_THAT(poller_->LastRound()->error, HasSubstr("connection refused"));
  EXPECT_EQ(poller_->watched(), 0u);
}

TEST_F(SerialPollerTest, UnwatchedZonesAreNotAskedAndARebuiltProviderIsAsked) {
  poller_->Watch("a.test.", SerialOf("a.test."));
  poller_->Unwatch("a.test.");
  EXPECT_THAT(poller_->PollOnce(), IsEmpty());
  EXPECT_EQ(fake_->serials_calls(), 0);
  auto rebuilt = std::make_shared<FakeProvider>("pdns-a");
  rebuilt->Put("a.test.", {"a.test.", "A", 60, {"192.0.2.1"}});
  poller_->Watch("a.test.", *rebuilt->Serial("a.test."));
  poller_->SetProvider(rebuilt);
  EXPECT_THAT(poller_->PollOnce(), IsEmpty());
  EXPECT_EQ(rebuilt->serials_calls(), 1);
  EXPECT_EQ(fake_->serials_calls(), 0);
}

TEST_F(SerialPollerTest, TheThreadPollsEveryIntervalAndStops) {
  poller_->Watch("a.test.", SerialOf("a.test."));
  poller_->Start(std::chrono::milliseconds(20));
  for (int i = 0; i < 200 && fake_->serials_calls() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  poller_->Stop();
  const int after_stop = fake_->serials_calls();
  EXPECT_GE(after_stop, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(fake_->serials_calls(), after_stop);
}

}  // namespace
}  // namespace domainguard::providers
