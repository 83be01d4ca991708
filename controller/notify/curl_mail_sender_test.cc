#include "controller/notify/mail_sender.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace domainguard::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A port nothing listens on: bound, then closed.
int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

TEST(CurlMailSenderTest, UnreachableServerIsUnavailableAndNamesItWithoutThePassword) {
  std::unique_ptr<MailSender> sender = NewCurlMailSender();
  MailRequest r;
  r.server = "127.0.0.1:" + std::to_string(ClosedPort());
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
