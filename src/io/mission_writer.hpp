#pragma once
/// \file MissionWriter: the one path by which samples enter the archive (io/archive.hpp has
/// the layout). Protocol, so that a failure anywhere leaves the archive as it was:
///   1. every rank writes its slices to temporary files (merged with what the archive has) and
///      fsyncs them; identical content is detected by checksum and left alone;
///   2. the ranks agree that all succeeded; rank 0 builds the new catalogue and writes it to a
///      temporary file (a full disk fails here, before anything is renamed);
///   3. the ranks agree again, rename their partitions into place, and agree once more;
///   4. rank 0 renames the catalogue into place last.
/// A writer that is dropped without commit() removes its temporaries, and a mission it was
/// creating (folder, lock and all); the next writer removes temporaries of killed processes.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "io/archive.hpp"

namespace telemine {
class Comm;
}

namespace telemine::io {

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

}  // namespace telemine::io
