// The only translation unit that includes httplib.h (it is heavy to compile).
#include "serve/server.hpp"

#include <pthread.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <httplib.h>
#include <thread>

#include "core/error.hpp"
#include "serve/gzip.hpp"

namespace telemine::serve {

namespace {

bool is_loopback(const std::string& host) { return host == "127.0.0.1" || host == "localhost" || host == "::1"; }

// Compares without an early exit, so that the time taken says nothing about the token.
bool same_token(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() != b.size();
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool authorised(const httplib::Request& req, const std::string& token) {
  if (token.empty()) return true;
  const std::string header = req.get_header_value("Authorization");
  if (header.starts_with("Bearer ") && same_token(std::string_view(header).substr(7), token)) return true;
  // The page's first load comes from a link (http://host:port/?token=...), which carries no header.
  return req.has_param("token") && same_token(req.get_param_value("token"), token);
}

void answer(const httplib::Request& req, httplib::Response& res, const Api& api, const std::string& token) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  if (!authorised(req, token)) {
    const Response r = error_response(401, "missing or wrong token (Authorization: Bearer TOKEN)");
    res.status = r.status;
    res.set_header("WWW-Authenticate", "Bearer");
    res.set_content(r.body, r.content_type.c_str());
    return;
  }
  if (!req.path.starts_with("/api/")) {
    if (const WebFile* f = req.method == "GET" || req.method == "HEAD" ? web_file(req.path) : nullptr) {
      res.set_content(f->body.data(), f->body.size(), std::string(f->content_type).c_str());
      return;
    }
  }
  Request r{req.method, req.path, {}, accepts_gzip(req.get_header_value("Accept-Encoding"))};
  for (const auto& [k, v] : req.params) r.query.emplace(k, v);  // emplace keeps the first of repeated keys
  Response out = api.handle(r);
  res.status = out.status;
  res.set_header("Vary", "Accept-Encoding");
  if (!out.encoding.empty()) res.set_header("Content-Encoding", out.encoding);
  // Debian's httplib compresses (gzip, brotli) every answer whose type is exactly
  // "application/json" or "text/...", on every request; the API compresses its big answers once,
  // into its cache. A charset parameter is the type's full form, and httplib leaves it alone.
  res.set_content(std::move(out.body), (out.content_type + "; charset=utf-8").c_str());
}

thread_local std::chrono::steady_clock::time_point request_start;

// Debian's libcpp-httplib listens with a backlog of 5 (compiled in): 16 clients connecting at
// once overflow it, and the dropped connections retry a second later. Listening again on the
// bound socket widens the backlog (Linux keeps the socket, changes the queue length).
class Server : public httplib::Server {
 public:
  void widen_backlog(int backlog) { ::listen(svr_sock_, backlog); }
};

}  // namespace

void validate(const ServeOptions& o) {
  if (!is_loopback(o.bind) && o.token.empty())
    throw UsageError("serve: --bind " + o.bind + " exposes the archive beyond this machine: give --token as well");
  if (o.port < 0 || o.port > 65535) throw UsageError("serve: --port " + std::to_string(o.port) + " is not in 0 .. 65535");
  if (o.threads < 1 || o.threads > 256) throw UsageError("serve: --threads must be in 1 .. 256");
}

void serve(const ServeOptions& o, std::FILE* out) {
  validate(o);
  const auto api = Api::open(o.api);
  Server svr;
  const int threads = o.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  svr.set_payload_max_length(64 * 1024);  // read-only: no request needs a body
  svr.set_read_timeout(5);
  svr.set_keep_alive_max_count(1000);
  svr.set_tcp_nodelay(true);  // small answers go out at once, not after a delayed ACK (40 ms)
  // Every request is answered here, before httplib's regex routing (no pattern to match).
  svr.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    request_start = std::chrono::steady_clock::now();
    answer(req, res, *api, o.token);
    return httplib::Server::HandlerResponse::Handled;
  });
  if (o.log_requests)
    svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - request_start);
      std::fprintf(stderr, "telemine: %s %s %d %zu B %lld us\n", req.method.c_str(), req.path.c_str(), res.status,
                   res.body.size(), static_cast<long long>(us.count()));
    });

  const int port = o.port == 0 ? svr.bind_to_any_port(o.bind) : (svr.bind_to_port(o.bind, o.port) ? o.port : -1);
  if (port < 0) throw IoError("serve: cannot listen on " + o.bind + ":" + std::to_string(o.port) + ": " + std::strerror(errno));
  svr.widen_backlog(1024);

  // SIGINT / SIGTERM go to one waiting thread, which stops the server; workers never see them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    svr.stop();
  });
  std::fprintf(out, "serving http://%s:%d/%s\n", o.bind.c_str(), port, o.token.empty() ? "" : "?token=...");
  std::fflush(out);
  const bool ok = svr.listen_after_bind();
  // Only the waiter stops the server; when listening failed instead, wake it up.
  if (!ok) pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  if (!ok) throw IoError("serve: the server stopped on an error");
}

}  // namespace telemine::serve
