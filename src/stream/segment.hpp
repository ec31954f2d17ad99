#pragma once
/// \file The stream's durable log: append-only csv-long segments in ARCHIVE/MISSION/live/
/// (naming and readers in io/live.hpp). A segment is written only by the process holding the
/// live folder's lock, in whole batches, each fsynced before its samples are acknowledged.

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/time.hpp"

namespace telemine::stream {

/// An advisory lock on live/.lock for the stream's lifetime: one stream per mission.
class LiveLock {
 public:
  /// Throws IoError when another process streams into this mission.
  explicit LiveLock(const std::filesystem::path& live_dir);
  LiveLock(const LiveLock&) = delete;
  LiveLock& operator=(const LiveLock&) = delete;
  ~LiveLock();

 private:
  int fd_ = -1;
};

/// What a restart found in the segments a previous stream left.
struct Recovered {
  std::uint64_t next_number = 1;  ///< the number for the new active segment
  std::int64_t samples = 0;       ///< complete sample lines kept
  std::int64_t torn_bytes = 0;    ///< bytes of an incomplete last line cut off (never acknowledged)
  TimeNs newest = kTimeMin;       ///< newest sample time in them
};

/// Cuts every segment back to its last complete line (a writer killed mid-write leaves part of a
/// line, which was never acknowledged) and removes segments left with nothing in them.
Recovered recover_segments(const std::filesystem::path& mission_dir);

/// The active segment, open for appending.
class SegmentWriter {
 public:
  /// Creates the file (it must not exist) and fsyncs the folder. Throws IoError naming it.
  static SegmentWriter create(const std::filesystem::path& file);
  SegmentWriter(SegmentWriter&& o) noexcept;
  SegmentWriter& operator=(SegmentWriter&& o) noexcept;
  ~SegmentWriter();

  /// Writes what the disk takes of `bytes` (erasing the written front), then fsyncs. True when
  /// everything is written and durable; otherwise `error` says why (a full disk: ENOSPC) and
  /// the rest stays in `bytes` for the next try.
  bool write_durably(std::string& bytes, std::string& error);
  std::int64_t size() const noexcept { return size_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  SegmentWriter(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
  std::int64_t size_ = 0;
  bool synced_ = true;
};

}  // namespace telemine::stream
