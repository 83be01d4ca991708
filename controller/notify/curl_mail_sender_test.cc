#include "controller/notify/mail_sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/http/testing/loopback_port.h"

namespace domainguard::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CurlMailSenderTest, UnreachableServerIsUnavailableAndNamesItWithoutThePassword) {
  std::unique_ptr<MailSender> sender = NewCurlMailSender();
  MailRequest r;
  r.server = "127.0.0.1:" + std::to_string(http::testing::UnusedLoopbackPort());
  r.username = "dg";
  r.password = "never-in-an-error";
  r.from = "dg@x.test";
  r.to = {"ops@x.test"};
  r.message = "Subject: x\r\n\r\nbody\r\n";
  r.timeout = std::chrono::seconds(5);
  Status s = sender->Send(r);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(s.error().message, HasSubstr(r.server));
  EXPECT_THAT(s.error().message, Not(HasSubstr("never-in-an-error")));
}

}  // namespace
}  // namespace domainguard::notify
