#pragma once
/// \file The raw layer: a multi-mission archive of time-sliced HDF5 partitions.
///
///   ARCHIVE/MISSION/catalog.h5                       parameters, partitions, events
///   ARCHIVE/MISSION/YYYY/MM/MISSION_YYYY-MM-DD.h5    /params/NAME/time (int64 ns), /value (float64)
///
/// Readers open the catalogue and the partitions they need with serial HDF5. Writers go through
/// MissionWriter, the one path by which samples enter the archive: temporary names, fsync,
/// renames, catalogue last.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace telemine {
class Comm;
}

namespace telemine::io {

enum class ParamKind { numeric, state };
std::string_view to_string(ParamKind kind) noexcept;
/// Throws UsageError for anything but "numeric" / "state".
ParamKind parse_param_kind(std::string_view text);

struct ParamInfo {
  std::string name;
  std::string unit;
  std::string description;
  std::string subsystem;
  ParamKind kind = ParamKind::numeric;
  friend bool operator==(const ParamInfo&, const ParamInfo&) = default;
};

/// One partition file: the time slice [start, end) it covers, and what is in it.
struct PartitionInfo {
  std::string file;        ///< relative to the mission folder, e.g. `2026/03/SYN1_2026-03-01.h5`
  TimeNs start = 0;        ///< slice start (inclusive)
  TimeNs end = 0;          ///< slice end (exclusive)
  TimeNs first_time = 0;   ///< first sample time in the file
  TimeNs last_time = 0;    ///< last sample time in the file
  std::int64_t samples = 0;
  std::int64_t bytes = 0;  ///< file size
  std::string checksum;    ///< `xxh3-64:<16 hex digits>` of the whole file
  friend bool operator==(const PartitionInfo&, const PartitionInfo&) = default;
};

/// An annotated interval [start, end): anomaly labels, gaps, commands, ...
struct Event {
  TimeNs start = 0;
  TimeNs end = 0;
  std::string kind;   ///< `anomaly`, `rare-nominal`, `gap`, `command`, ...
  std::string param;  ///< empty when the event is not about one parameter
  std::string cls;    ///< class, e.g. `point` / `contextual` for anomalies
  std::string text;
  friend bool operator==(const Event&, const Event&) = default;
};

struct Catalog {
  std::string mission;
  DurationNs slice = kDay;
  std::vector<ParamInfo> params;          ///< sorted by name
  std::vector<PartitionInfo> partitions;  ///< sorted by start
  std::vector<Event> events;              ///< sorted by (start, end, param, kind)
  std::map<std::string, std::string> attributes;  ///< free metadata, e.g. `time_note`

  const ParamInfo* find_param(std::string_view name) const noexcept;
  /// Partitions overlapping [from, to).
  std::vector<const PartitionInfo*> overlapping(TimeNs from, TimeNs to) const;
  std::int64_t total_samples() const noexcept;
};

/// Samples of one parameter, sorted by time, no duplicate times. NaN marks invalid samples.
struct Series {
  std::vector<TimeNs> time;
  std::vector<double> value;
  std::size_t size() const noexcept { return time.size(); }
  void reserve(std::size_t n) {
    time.reserve(n);
    value.reserve(n);
  }
};

/// Valid parameter / mission names: non-empty, at most 255 bytes, printable, no `/`, not `.`/`..`.
/// Throws UsageError naming what it is (`parameter`, `mission`) and the name.
void validate_name(std::string_view what, std::string_view name);

/// The partition file name of the slice starting at `slice_start`, relative to the mission folder.
std::string partition_file_name(std::string_view mission, TimeNs slice_start, DurationNs slice);

/// Read-only view of an archive.
class Archive {
 public:
  /// Throws IoError when `root` is not a directory holding at least one MISSION/catalog.h5.
  static Archive open(const std::filesystem::path& root);

  const std::filesystem::path& root() const noexcept { return root_; }
  /// Mission names, sorted.
  std::vector<std::string> missions() const;
  bool has_mission(std::string_view mission) const;
  /// Reads MISSION/catalog.h5. Throws IoError naming the file when it is missing or corrupt.
  Catalog catalog(std::string_view mission) const;
  std::filesystem::path mission_dir(std::string_view mission) const;
  std::filesystem::path partition_path(std::string_view mission, const PartitionInfo& p) const;

  /// Samples of `param` with time in [from, to), across partitions, in time order.
  Series read(const Catalog& catalog, std::string_view param, TimeNs from = kTimeMin,
              TimeNs to = kTimeMax) const;

 private:
  explicit Archive(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

/// Reads the catalogue file itself (used by Archive and by tests).
Catalog read_catalog(const std::filesystem::path& file);
/// Writes a catalogue atomically: FILE.tmp-<pid>, fsync, rename.
void write_catalog(const std::filesystem::path& file, const Catalog& catalog);

/// One open partition file.
class PartitionReader {
 public:
  class Impl;
  static PartitionReader open(const std::filesystem::path& file);
  PartitionReader(PartitionReader&&) noexcept;
  PartitionReader& operator=(PartitionReader&&) noexcept;
  ~PartitionReader();

  /// Parameter names in the file, sorted.
  std::vector<std::string> params() const;
  bool has(std::string_view param) const;
  std::int64_t count(std::string_view param) const;
  /// Samples with time in [from, to), appended to `out` (so several partitions fill one Series).
  void read(std::string_view param, TimeNs from, TimeNs to, Series& out) const;
  void read(std::string_view param, Series& out) const { read(param, kTimeMin, kTimeMax, out); }
  const std::filesystem::path& path() const noexcept;

 private:
  explicit PartitionReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// How sample datasets are stored. The default, contiguous and uncompressed, was chosen by
/// measurement (bench/archive_bench.cpp, bench/README.md): partitions are written once and read
/// in long runs, and it reads fastest both whole and by time range.
struct SampleLayout {
  std::int64_t chunk = 0;  ///< at most this many elements per chunk; 0 = contiguous
  int deflate = 0;             ///< zlib level, 0 = none
  bool shuffle = false;        ///< byte shuffle before deflate
};

/// Writes one partition file (used by MissionWriter; exposed for tests and benchmarks).
/// `data` maps parameter name to its samples (sorted, unique times). Written to `file` directly:
/// callers wanting atomicity write to a temporary name and rename.
void write_partition_file(const std::filesystem::path& file,
                          const std::map<std::string, Series, std::less<>>& data,
                          const SampleLayout& layout = {});

/// Checksum of a whole file: `xxh3-64:<16 hex digits>`.
std::string file_checksum(const std::filesystem::path& file);
/// The same checksum of bytes in memory.
std::string bytes_checksum(std::string_view bytes);

struct WriteReport {
  std::int64_t partitions_written = 0;    ///< new or changed partitions
  std::int64_t partitions_unchanged = 0;  ///< identical content already in the archive
  std::int64_t samples = 0;               ///< samples in the written partitions
  std::int64_t duplicates_replaced = 0;   ///< samples that replaced one at the same time
};

/// Adds samples, parameters and events to one mission. Collective over `comm` for open() and
/// commit(): every rank constructs it and every rank calls commit(). Between them each rank
/// writes the slices it owns (a slice must be written by exactly one rank).
///
/// Duplicate policy: within one write_slice call the caller has already resolved duplicates
/// (see merge_samples); against data already in the archive, the new sample replaces the old
/// one at the same time. Re-writing identical content leaves the existing file untouched.
class MissionWriter {
 public:
  struct Options {
    DurationNs slice = kDay;  ///< used when the mission is new; must match an existing mission
  };
  /// Collective. Creates ARCHIVE/ and ARCHIVE/MISSION/ as needed and reads the existing catalogue.
  static MissionWriter open(const std::filesystem::path& archive, std::string mission,
                            const Comm& comm, Options options);
  static MissionWriter open(const std::filesystem::path& archive, std::string mission,
                            const Comm& comm) {
    return open(archive, std::move(mission), comm, Options{});
  }
  MissionWriter(MissionWriter&&) noexcept;
  MissionWriter& operator=(MissionWriter&&) noexcept;
  /// Removes any temporary file not committed.
  ~MissionWriter();

  DurationNs slice() const noexcept;
  const Catalog& existing() const noexcept;

  /// Declares (or updates) a parameter's metadata. Any rank; merged at commit (by name; for
  /// conflicting declarations the one from the lowest rank wins).
  void declare(ParamInfo param);
  void add_event(Event event);
  /// Sets a catalogue attribute (free metadata, e.g. a derived parameter's expression). Rank 0's
  /// settings are the ones written at commit.
  void set_attribute(std::string key, std::string value);

  /// Writes the slice containing `slice_start` (which must be aligned to the slice) to a
  /// temporary file, merged with the partition already in the archive. Every series must lie
  /// within the slice, sorted by time, without duplicate times. Local, not collective.
  void write_slice(TimeNs slice_start, std::map<std::string, Series, std::less<>> data);

  /// Collective: agrees that every rank succeeded, renames partitions into place, then rank 0
  /// writes the catalogue. On failure anywhere every rank removes its temporaries and throws.
  WriteReport commit();

 private:
  class Impl;
  explicit MissionWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Sorts (time, value) pairs by time and resolves duplicate times: the last one given wins.
/// Returns the number of samples dropped as duplicates. Stable: used by every reader.
std::int64_t sort_and_dedupe(std::vector<TimeNs>& time, std::vector<double>& value);

}  // namespace telemine::io
