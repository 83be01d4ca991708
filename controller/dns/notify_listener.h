// NotifyListener: receives DNS NOTIFY messages (RFC 1996) on a UDP socket, answers each, and tells the caller
// which zone changed, so the records controller re-reads a zone at once instead of waiting for its next poll.
//
// RFC 1996 section 3.7/4.7: the answer to a NOTIFY echoes the id, opcode and question with QR (and AA) set.
// Anything else that arrives (a query, a malformed packet) gets NOTIMP/FORMERR or is dropped; a NOTIFY from an
// address outside `allowed_sources` (when given) gets REFUSED and no callback. The NOTIFY's SOA serial, when the
// sender includes one (BIND does; PowerDNS 4.7 does not), is passed on; it is a hint only (RFC 1996 3.7).
//
// Thread-safety: the callback runs on the listener's own thread, one call at a time; it must not block for
// long. Start/destructor from the owning thread. The destructor stops the thread and closes the socket.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "controller/base/result.h"

namespace domainguard::dns {

struct NotifyEvent {
  std::string zone;          // canonical
  std::string from_address;  // sender's IP literal
  std::optional<uint32_t> serial;
};

// What to do with one datagram (pure; the listener's decision, table-tested).
struct NotifyDecision {
  std::vector<uint8_t> response;     // empty: send nothing
  std::optional<NotifyEvent> event;  // set: call back
};
NotifyDecision DecideNotify(std::span<const uint8_t> datagram, const std::string& from_address,
                            const std::vector<std::string>& allowed_sources);

class NotifyListener {
 public:
  using Callback = std::function<void(const NotifyEvent&)>;

  // Binds `address`:`port` (port 0: any free port; see port()) and starts the listener thread.
  // kUnavailable when the address cannot be bound (in use, not configured), kInvalidArgument for a bad literal.
  static Result<std::unique_ptr<NotifyListener>> Start(const std::string& address, uint16_t port, Callback callback,
                                                       std::vector<std::string> allowed_sources = {});
  ~NotifyListener();
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  uint16_t port() const { return port_; }

  struct State;  // public only for the .cc

 private:
  NotifyListener(std::unique_ptr<State> state, uint16_t port);
  std::unique_ptr<State> state_;
  uint16_t port_;
};

}  // namespace domainguard::dns
