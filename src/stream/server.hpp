#pragma once
/// \file The stream's event loop: lines from standard input or from TCP clients on a loopback
/// (or any) address, one poll() loop, one thread (compaction has its own). Protocol, per client:
/// csv-long lines in (an optional header first); out, one line each:
///   `ack N`            N = this client's samples durable so far (after each flush that moved it)
///   `error L: what`    line L (from 1, per client) refused: malformed, or later than --lateness
/// A client that closes its sending side gets its last acks, then the connection is closed.
/// On standard input, acks go to stdout and refusals to stderr (`stdin:L: what`).

#include <string>

namespace telemine::stream {

class StreamEngine;

struct Endpoint {
  bool use_stdin = false;
  std::string host;  ///< --listen HOST:PORT (port 0: any free one, printed)
  int port = 0;
};

/// Parses `HOST:PORT`; throws UsageError.
Endpoint parse_endpoint(const std::string& text);

/// Runs until standard input ends (stdin) or SIGINT / SIGTERM, then finishes the engine (last
/// flush, compaction of everything). Prints `listening on HOST:PORT` first when listening.
void serve_stream(StreamEngine& engine, const Endpoint& endpoint);

}  // namespace telemine::stream
