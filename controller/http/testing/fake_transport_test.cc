#include "controller/http/testing/fake_transport.h"

#include <thread>

#include <gtest/gtest.h>

#include "controller/http/line_buffer.h"

namespace domainguard::http {
namespace {

using namespace std::chrono_literals;

TEST(LineBuffer, SplitsPiecesIntoLines) {
  LineBuffer b;
  b.Append("{\"a\":");
  EXPECT_FALSE(b.Next().has_value());
  b.Append("1}\r\n{\"b\"");
  EXPECT_EQ(b.Next().value(), "{\"a\":1}");
  EXPECT_FALSE(b.Next().has_value());
  b.Append(":2}\n\nlast");
  EXPECT_EQ(b.Next().value(), "{\"b\":2}");
  EXPECT_EQ(b.Next().value(), "");
  EXPECT_FALSE(b.Next().has_value());
  EXPECT_EQ(b.TakeRest(), "last");
}

TEST(FakeTransport, AnswersInOrderPerMatch) {
  FakeTransport t;
  t.ExpectJson("GET", "/a", 200, "first");
  t.ExpectJson("GET", "/a", 404, "second");
  t.ExpectJson("PUT", "/a", 409, "put");
  HttpRequest put{"PUT", "http://x/a", {}, "{}"};
  HttpRequest get{"GET", "http://x/a", {}, ""};
  EXPECT_EQ(t.Send(put)->status, 409);
  EXPECT_EQ(t.Send(get)->body, "first");
  EXPECT_EQ(t.Send(get)->status, 404);
  auto none = t.Send(get);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(t.requests().size(), 4u);
}

TEST(FakeTransport, StreamDeliversLinesThenEnd) {
  FakeTransport t;
  auto feed = t.ExpectStream("watch=1");
  auto s = t.OpenStream({"GET", "http://x/a?watch=1", {}, ""});
  ASSERT_TRUE(s.ok());
  std::thread writer([feed] {
    std::this_thread::sleep_for(20ms);
    feed->Push("one");
    feed->End();
  });
  auto l = (*s)->ReadLine(2s);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(*l, "one");
  auto end = (*s)->ReadLine(2s);
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().code, ErrorCode::kNotFound);
  writer.join();
}

TEST(FakeTransport, StreamTimeoutAndBreak) {
  FakeTransport t;
  auto feed = t.ExpectStream("");
  auto s = t.OpenStream({"GET", "http://x/w", {}, ""});
  ASSERT_TRUE(s.ok());
  auto idle = (*s)->ReadLine(10ms);
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.error().code, ErrorCode::kDeadlineExceeded);
  feed->Break();
  auto broken = (*s)->ReadLine(10ms);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::kUnavailable);
  s->reset();
  EXPECT_TRUE(feed->cancelled());
}

}  // namespace
}  // namespace domainguard::http
