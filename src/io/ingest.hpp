#pragma once
/// \file Ingest: input files in several formats into one mission of the archive, in parallel
/// over input files under mpirun. Readers turn one input into an IngestBatch; the driver routes
/// samples to the rank owning each time slice, which merges and writes its partitions.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/archive.hpp"

namespace telemine {
class Comm;
}

namespace telemine::io {

/// What one reader made of one input: samples per parameter in input order (possibly unsorted,
/// possibly with duplicate times), parameter metadata, events.
struct IngestBatch {
  std::map<std::string, Series, std::less<>> samples;
  std::vector<ParamInfo> params;  ///< every parameter in `samples` (and possibly more)
  std::vector<Event> events;
  std::int64_t rows = 0;          ///< input rows read (for the report)
};

enum class InputFormat { csv_long, csv_wide, telemanom, esa_adb };
/// Throws UsageError listing the known formats.
InputFormat parse_input_format(std::string_view text);

struct IngestOptions {
  std::filesystem::path archive;
  std::string mission;
  InputFormat format = InputFormat::csv_long;
  std::vector<std::filesystem::path> inputs;  ///< files, or folders (csv: *.csv inside; telemanom, esa-adb: the folder)
  DurationNs period = kMinute;                ///< telemanom: time between rows
  DurationNs slice = kDay;                    ///< for a new mission
  bool progress = true;
};

struct IngestReport {
  std::int64_t files = 0;
  std::int64_t rows = 0;
  std::int64_t samples = 0;
  std::int64_t params = 0;
  std::int64_t events = 0;
  std::int64_t duplicates = 0;  ///< duplicate (param, time) in the input, last one kept
  WriteReport write;
};

/// Collective over comm. Throws UsageError / IoError naming the file and line; on failure nothing
/// in the archive has changed.
IngestReport ingest(const IngestOptions& options, const Comm& comm);

}  // namespace telemine::io
