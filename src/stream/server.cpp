#include "stream/server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <list>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "stream/engine.hpp"

namespace telemine::stream {

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr std::size_t kMaxLine = 1u << 20;     // a longer "line" is garbage: refused, skipped
constexpr std::size_t kMaxOutput = 4u << 20;   // a client that reads no replies is dropped

struct Conn {
  int fd = -1;
  int id = 0;
  bool is_stdin = false;
  std::string in;
  std::string out;
  std::int64_t line = 0;
  std::int64_t acked_sent = 0;
  bool eof = false;
  bool skipping = false;  // inside a line over kMaxLine
  bool dead = false;
};

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

int listen_on(const Endpoint& e, int& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(e.port);
  if (const int rc = ::getaddrinfo(e.host.c_str(), service.c_str(), &hints, &res); rc != 0)
    throw UsageError("stream: --listen " + e.host + ":" + service + ": " + ::gai_strerror(rc));
  int fd = -1;
  std::string why;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      why = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0) throw IoError("stream: cannot listen on " + e.host + ":" + service + ": " + why);
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  port = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  set_nonblocking(fd);
  return fd;
}

void refuse(Conn& c, const std::string& refusal) {
  if (c.is_stdin) {
    std::fprintf(stderr, "stdin:%s\n", refusal.c_str());
    return;
  }
  c.out.append("error ").append(refusal).append("\n");
}

// Every complete line in c.in goes to the engine; the incomplete rest stays.
void take_lines(StreamEngine& engine, Conn& c) {
  std::size_t pos = 0;
  std::string refusal;
  for (;;) {
    const auto nl = c.in.find('\n', pos);
    if (nl == std::string::npos) break;
    ++c.line;
    if (c.skipping) {
      c.skipping = false;
    } else if (!engine.line(c.id, c.line, std::string_view(c.in).substr(pos, nl - pos), refusal)) {
      refuse(c, refusal);
      refusal.clear();
    }
    pos = nl + 1;
  }
  c.in.erase(0, pos);
  if (c.in.size() > kMaxLine && !c.skipping) {
    refuse(c, std::to_string(c.line + 1) + ": line longer than 1 MiB: refused");
    c.skipping = true;
  }
  if (c.skipping) c.in.clear();
}

void read_from(StreamEngine& engine, Conn& c, std::vector<char>& buf) {
  const ssize_t n = c.is_stdin ? ::read(c.fd, buf.data(), buf.size()) : ::recv(c.fd, buf.data(), buf.size(), 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    c.eof = true;  // reset by the peer: its whole lines stand, its replies are dropped
    c.dead = !c.is_stdin;
    return;
  }
  if (n == 0) {
    // On standard input a last line without a line end is taken, as ingest takes a file's last
    // line. A TCP client that disconnects mid-line loses that line (never acknowledged): a cut
    // line may look whole (`...,1.5` cut to `...,1.`), so it is not guessed at.
    if (c.is_stdin && !c.in.empty() && !c.skipping) {
      c.in += '\n';
      take_lines(engine, c);
    }
    c.in.clear();
    c.eof = true;
    return;
  }
  c.in.append(buf.data(), static_cast<std::size_t>(n));
  take_lines(engine, c);
}

void write_to(Conn& c) {
  while (!c.out.empty() && !c.dead) {
    const ssize_t n = c.is_stdin ? ::write(STDOUT_FILENO, c.out.data(), c.out.size())
                                 : ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      c.dead = true;
      break;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  if (c.out.size() > kMaxOutput) c.dead = true;
}

void queue_acks(StreamEngine& engine, std::list<Conn>& conns) {
  for (auto& c : conns) {
    const auto n = engine.acked(c.id);
    if (n == c.acked_sent) continue;
    c.out.append("ack ").append(std::to_string(n)).append("\n");
    c.acked_sent = n;
  }
}

// Sends what is queued; closes the clients that are gone or have had their last ack. True
// when standard input has ended.
bool tend(StreamEngine& engine, std::list<Conn>& conns) {
  bool stdin_done = false;
  for (auto it = conns.begin(); it != conns.end();) {
    write_to(*it);
    const bool drained = it->eof && engine.pending(it->id) == 0 && it->out.empty();
    if (it->is_stdin && it->eof) stdin_done = true;
    if (!it->is_stdin && (it->dead || drained)) {
      ::close(it->fd);
      it = conns.erase(it);
    } else {
      ++it;
    }
  }
  return stdin_done;
}

}  // namespace

Endpoint parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  Endpoint e;
  if (colon == std::string::npos || colon == 0) throw UsageError("stream: --listen wants HOST:PORT, got '" + text + "'");
  e.host = text.substr(0, colon);
  if (e.host.size() > 2 && e.host.front() == '[' && e.host.back() == ']') e.host = e.host.substr(1, e.host.size() - 2);
  try {
    std::size_t used = 0;
    e.port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || e.port < 0 || e.port > 65535) throw std::invalid_argument("port");
  } catch (const std::exception&) {
    throw UsageError("stream: --listen " + text + ": the port must be a number 0..65535");
  }
  return e;
}

void serve_stream(StreamEngine& engine, const Endpoint& endpoint) {
  struct sigaction sa{};
  sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns at once
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::list<Conn> conns;
  int listener = -1;
  if (endpoint.use_stdin) {
    conns.push_back({});
    conns.back().fd = STDIN_FILENO;
    conns.back().id = engine.add_client();
    conns.back().is_stdin = true;
  } else {
    int port = 0;
    listener = listen_on(endpoint, port);
    std::printf("listening on %s:%d\n", endpoint.host.c_str(), port);
    std::fflush(stdout);
  }
  std::vector<char> buf(1u << 18);
  const auto period = std::chrono::nanoseconds(engine.flush_period());
  auto next_flush = Clock::now() + period;
  std::vector<pollfd> fds;
  std::vector<Conn*> polled;
  while (!g_stop) {
    const bool full = engine.backlogged();
    fds.clear();
    polled.clear();
    if (listener >= 0) fds.push_back({listener, static_cast<short>(full ? 0 : POLLIN), 0});
    for (auto& c : conns) {
      const short ev = static_cast<short>((c.eof || full ? 0 : POLLIN) | (!c.out.empty() && !c.is_stdin ? POLLOUT : 0));
      fds.push_back({c.fd, ev, 0});
      polled.push_back(&c);
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_flush - Clock::now()).count();
    const int rc = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(0, wait) + 1));
    if (rc < 0 && errno != EINTR) throw IoError(std::string("stream: poll: ") + std::strerror(errno));
    const std::size_t first = listener >= 0 ? 1 : 0;
    if (rc > 0) {
      for (std::size_t i = 0; i < polled.size(); ++i)
        if (fds[first + i].revents & (POLLIN | POLLHUP | POLLERR)) read_from(engine, *polled[i], buf);
      if (listener >= 0 && (fds[0].revents & POLLIN)) {
        for (int fd; (fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
          conns.push_back({});
          conns.back().fd = fd;
          conns.back().id = engine.add_client();
        }
      }
    }
    const auto now = Clock::now();
    if (now >= next_flush) {
      if (engine.flush()) queue_acks(engine, conns);
      next_flush = std::max(next_flush + period, now);
      engine.tick(now);
    }
    if (tend(engine, conns)) break;
  }
  // The last batch acknowledged before the final compaction, which may take a while.
  if (engine.flush()) queue_acks(engine, conns);
  for (auto& c : conns) write_to(c);
  engine.finish();
  queue_acks(engine, conns);
  for (auto& c : conns) {
    write_to(c);
    if (!c.is_stdin) ::close(c.fd);
  }
  if (listener >= 0) ::close(listener);
}

}  // namespace telemine::stream
