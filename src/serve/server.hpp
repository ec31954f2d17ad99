#pragma once
/// \file `telemine serve`: the JSON API and the web page over HTTP (cpp-httplib), read-only.

#include <cstdio>
#include <string>

#include "serve/api.hpp"

namespace telemine::serve {

struct ServeOptions {
  ApiOptions api;
  std::string bind = "127.0.0.1";  ///< anything but loopback needs a token
  int port = 8080;                 ///< 0: any free port (printed)
  std::string token;               ///< when set, every request needs `Authorization: Bearer <token>`
  int threads = 32;                ///< worker threads: each open keep-alive connection holds one
  bool log_requests = true;        ///< one line per request on stderr
};

/// Throws UsageError for a non-loopback address without a token, a bad port or thread count.
void validate(const ServeOptions& options);

/// Serves until SIGINT or SIGTERM. Prints `serving http://HOST:PORT/` on `out` once listening.
/// Throws IoError when the address cannot be bound.
void serve(const ServeOptions& options, std::FILE* out);

/// A file of the web page compiled into the binary (src/serve/web/).
struct WebFile {
  std::string_view content_type;
  std::string_view body;
};
/// nullptr when `path` (e.g. `/app.js`) is not one of them; `/` is index.html.
const WebFile* web_file(std::string_view path);

}  // namespace telemine::serve
