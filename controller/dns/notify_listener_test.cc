#include "controller/dns/notify_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "controller/dns/testing/fake_resolver.h"

namespace domainguard::dns {
namespace {

std::vector<uint8_t> Notify(const std::string& zone, uint16_t id, bool with_serial) {
  DnsMessage m;
  m.id = id;
  m.opcode = 4;
  m.qr = false;
  m.aa = true;
  m.qname = zone;
  m.qtype = kTypeSOA;
  if (with_serial) m.answer = {Rr(zone, kTypeSOA, "ns1." + zone + " h." + zone + " 77 1 1 1 1")};
  return *EncodeDnsMessage(m);
}

TEST(DecideNotifyTest, AnswersNotifyAndReportsTheZone) {
  auto d = DecideNotify(Notify("Example.test.", 99, true), "127.0.0.1", {});
  ASSERT_TRUE(d.event.has_value());
  EXPECT_EQ(d.event->zone, "example.test.");
  EXPECT_EQ(d.event->serial, 77u);
  auto r = ParseDnsMessage(d.response);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, 99);
  EXPECT_TRUE(r->qr);
  EXPECT_TRUE(r->aa);
  EXPECT_EQ(r->opcode, 4);
  EXPECT_EQ(r->rcode, kRcodeNoError);
  EXPECT_EQ(r->qname, "example.test.");
}

TEST(DecideNotifyTest, RefusesUnknownSourcesIgnoresAnswersAndQueries) {
  auto refused = DecideNotify(Notify("example.test.", 1, false), "127.0.0.9", {"127.53.1.1"});
  EXPECT_FALSE(refused.event.has_value());
  EXPECT_EQ(ParseDnsMessage(refused.response)->rcode, kRcodeRefused);

  DnsMessage answer = RcodeAnswer("example.test.", kTypeSOA, kRcodeNoError);
  answer.opcode = 4;
  auto d = DecideNotify(*EncodeDnsMessage(answer), "127.0.0.1", {});
  EXPECT_TRUE(d.response.empty());
  EXPECT_FALSE(d.event.has_value());

  DnsMessage query;
  query.qr = false;
  query.qname = "example.test.";
  query.qtype = kTypeA;
  auto q = DecideNotify(*EncodeDnsMessage(query), "127.0.0.1", {});
  EXPECT_EQ(ParseDnsMessage(q.response)->rcode, kRcodeNotImp);

  std::vector<uint8_t> junk = {1, 2, 3};
  EXPECT_TRUE(DecideNotify(junk, "127.0.0.1", {}).response.empty());
}

TEST(NotifyListenerTest, ReceivesOverUdpAndAnswers) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<NotifyEvent> events;
  auto l = NotifyListener::Start("127.0.0.1", 0, [&](const NotifyEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    events.push_back(e);
    cv.notify_all();
  });
  ASSERT_TRUE(l.ok()) << l.error().ToString();
  ASSERT_NE((*l)->port(), 0);

  int s = socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{2, 0};
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons((*l)->port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto msg = Notify("zone.test.", 4321, false);
  ASSERT_EQ(sendto(s, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a), static_cast<ssize_t>(msg.size()));
  uint8_t buf[512];
  ssize_t n = recv(s, buf, sizeof buf, 0);
  close(s);
  ASSERT_GT(n, 0);
  auto r = ParseDnsMessage(std::span<const uint8_t>(buf, static_cast<size_t>(n)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->id, 4321);
  EXPECT_TRUE(r->qr);
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(2), [&] { return !events.empty(); }));
  EXPECT_EQ(events[0].zone, "zone.test.");
  EXPECT_EQ(events[0].from_address, "127.0.0.1");
  EXPECT_FALSE(events[0].serial.has_value());
}

TEST(NotifyListenerTest, BusyPortIsUnavailable) {
  auto first = NotifyListener::Start("127.0.0.1", 0, nullptr);
  ASSERT_TRUE(first.ok());
  auto second = NotifyListener::Start("127.0.0.1", (*first)->port(), nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace domainguard::dns
