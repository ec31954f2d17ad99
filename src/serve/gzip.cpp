#include "serve/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace telemine::serve {

std::string gzip(std::string_view text, int level) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw InternalError("gzip: deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const auto written = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw InternalError("gzip: deflate failed");
  out.resize(written);
  return out;
}

bool accepts_gzip(std::string_view header) {
  for (std::size_t at = 0; at <= header.size();) {
    std::size_t end = std::min(header.find(',', at), header.size());
    std::string_view item = header.substr(at, end - at);
    at = end + 1;
    const std::size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi), params = semi == std::string_view::npos ? "" : item.substr(semi + 1);
    auto trim = [](std::string_view s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
      return s;
    };
    coding = trim(coding);
    params = trim(params);
    if (coding != "gzip" && coding != "*") continue;
    // q=0 (q=0.0, q=0.000) refuses the coding.
    if (params.starts_with("q=")) {
      const std::string_view q = params.substr(2);
      if (!q.empty() && q.find_first_not_of("0.") == std::string_view::npos) continue;
    }
    return true;
  }
  return false;
}

}  // namespace telemine::serve
