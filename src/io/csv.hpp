#pragma once
/// \file CSV ingest readers.
///
/// csv-long: header `time,param,value` (the first line; column order fixed), one sample a line.
/// csv-wide: header `time,<param>,<param>,...`, one row per time; an empty cell is no sample.
/// Time: ISO-8601 (to the nanosecond) or an integer number of nanoseconds since the epoch.
/// Value: a decimal number; `nan` (any case) or `NaN` marks an invalid sample. `inf`/`-inf`
/// are refused (not telemetry) with the line number. Blank lines and a final newline are fine;
/// `\r\n` line ends are accepted. Quoted fields (RFC 4180) are accepted for parameter names.

#include <filesystem>
#include <string>

#include "io/ingest.hpp"

namespace telemine::io {

/// Appends `v` to a CSV line as the shortest text that parses back to the same double, or
/// `nan` for an invalid value.
void append_number(std::string& line, double v);

/// Throws IoError `FILE:LINE: <what is wrong>` on the first malformed line.
IngestBatch read_csv_long(const std::filesystem::path& file);
IngestBatch read_csv_wide(const std::filesystem::path& file);

/// One csv-long record's fields checked by read_csv_long's rules, for readers of a live stream
/// (src/stream): returns an empty string when the record is good (its time in `t`, value in `v`,
/// `param` trimmed), otherwise the message read_csv_long would give, without `FILE:LINE: `.
std::string check_long_fields(std::string_view time, std::string_view& param, std::string_view value, TimeNs& t,
                              double& v);
/// True for the csv-long header `time,param,value` (any case, spaces around fields).
bool is_long_header(std::string_view time, std::string_view param, std::string_view value);

}  // namespace telemine::io
