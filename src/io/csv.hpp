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

}  // namespace telemine::io
