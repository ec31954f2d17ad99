#pragma once
/// \file The read-only JSON API of `telemine serve`, independent of the HTTP library: a request
/// (method, decoded path, query) in, a response (status, type, body) out. Every name in a path
/// is looked up in the archive's catalogue or the products folder before anything is opened, so
/// no request can reach a file outside them.
///
///   GET /api/missions
///   GET /api/missions/{m}/parameters
///   GET /api/missions/{m}/events?from&to&kind
///   GET /api/missions/{m}/parameters/{p}/samples?from&to[&points=N][&format=csv]
///   GET /api/missions/{m}/values?at=T[&params=a,b]
///   GET /api/products
///   GET /api/products/{id}                 its product.json
///   GET /api/products/{id}/files/{name}    an output listed in its product.json

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace telemine::serve {

struct Request {
  Request() = default;
  Request(std::string method, std::string path, std::map<std::string, std::string> query = {}, bool gzip = false)
      : method(std::move(method)), path(std::move(path)), query(std::move(query)), gzip(gzip) {}
  std::string method = "GET";
  std::string path;                           ///< decoded
  std::map<std::string, std::string> query;  ///< decoded; the first of repeated keys
  bool gzip = false;                          ///< the client accepts Content-Encoding: gzip
};

struct Response {
  Response() = default;
  Response(int status, std::string content_type, std::string body, std::string encoding = {})
      : status(status), content_type(std::move(content_type)), body(std::move(body)), encoding(std::move(encoding)) {}
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string encoding;  ///< "gzip" when the body is compressed, else empty
};

struct ApiOptions {
  std::filesystem::path archive;
  std::filesystem::path products;            ///< empty: no products
  std::int64_t max_raw_samples = 1'000'000;  ///< beyond this, raw samples answer 413
  int max_points = 100'000;                  ///< largest `points` (plot width)
  /// Answers of samples and values requests kept for reuse, least recently used dropped first;
  /// an entry is used only while its mission's catalogue is unchanged. 0: no cache.
  std::int64_t cache_bytes = 256LL << 20;
};

/// Thread-safe: HDF5 calls are serialised inside (HDF5 is not thread-safe here), the rest of a
/// request (decimation, formatting) runs in the caller's thread.
class Api {
 public:
  /// Throws IoError when the archive (or the products folder, when given) cannot be opened.
  static std::unique_ptr<Api> open(ApiOptions options);
  ~Api();
  /// Never throws: bad requests are 4xx responses with `{"error": "..."}`, failures 500.
  Response handle(const Request& request) const;

 private:
  class Impl;
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// `{"error": "<text>"}` with status `status`.
Response error_response(int status, const std::string& text);

}  // namespace telemine::serve
