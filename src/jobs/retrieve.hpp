#pragma once
/// \file `telemine info` and `telemine get`: what an archive holds, and one parameter's samples.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine::jobs {

enum class TableFormat { table, csv };
/// Throws UsageError for anything but `table` / `csv`.
TableFormat parse_table_format(std::string_view text);

struct InfoOptions {
  std::filesystem::path archive;
  std::string mission;  ///< empty: one line per mission
  TableFormat format = TableFormat::table;
  bool params = false;  ///< with a mission: each parameter's sample count and span (reads the partitions)
};

/// Missions, parameters, time spans, sample counts and size on disk; with a mission, its
/// parameters and events too. CSV gives a span's start and end a column each. Writes to `out`.
void info(const InfoOptions& options, std::FILE* out);

struct GetOptions {
  std::filesystem::path archive;
  std::string mission;
  /// One or more: stored, derived (`defines`) or expressions. Several are written side by side
  /// (a wide table), aligned on `grid` (or the first one's times), last value held.
  std::vector<std::string> params;
  TimeNs from = kTimeMin;
  TimeNs to = kTimeMax;
  TableFormat format = TableFormat::table;
  /// `NAME = EXPR` definitions that `param` may name; `param` may also be an expression itself.
  std::vector<std::string> defines;
  DurationNs grid = 0;  ///< derived: align on this grid (0: on the first input's times)
  DurationNs hold = 0;  ///< derived: the longest a value is held (0: the mission's slice)
  DurationNs stats = 0;  ///< > 0: statistics per bucket of this width instead of samples
};

/// Samples of one parameter in time order: stored, derived (`defines`), or an ad-hoc expression
/// (`POWER_BUS_V * POWER_BUS_I`). CSV: `time,value`, ISO-8601 UTC to the nanosecond,
/// values printed shortest-exact (they parse back to the identical double), `nan` for invalid.
/// Several parameters: `time,P1,P2,...` on the grid (or P1's times), each value the last one at
/// or before the time, held for at most `hold` (`nan` beyond). With `stats`: one row per
/// parameter and bucket (`param,bucket_start,count,nan_count,min,max,mean,std,first,last`, as
/// stats.csv). A range holding no sample of the mission is an Error (exit 1) that prints its span.
/// Returns the number of rows written.
std::int64_t get(const GetOptions& options, std::FILE* out);

}  // namespace telemine::jobs
