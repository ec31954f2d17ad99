#pragma once
/// \file gzip (RFC 1952) of an answer, with zlib: a day of raw samples as JSON (2.4 MB) goes out
/// as about a fifth of that to any client that sends `Accept-Encoding: gzip` (every browser).

#include <string>
#include <string_view>

namespace telemine::serve {

/// `text` compressed in the gzip format at zlib's `level` (1 fastest .. 9 smallest). Throws
/// InternalError on a zlib failure (only when out of memory).
std::string gzip(std::string_view text, int level);

/// Whether an Accept-Encoding header value allows gzip (`gzip`, `gzip;q=0.5`, `*`; not `gzip;q=0`).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace telemine::serve
