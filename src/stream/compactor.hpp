#pragma once
/// \file Compaction of sealed live segments into the day partitions, on a worker thread so that
/// the stream keeps acknowledging meanwhile. A compaction does what ingest (io/ingest.hpp) of the
/// segments, oldest first, does on one rank (csv-long's checks, the later sample winning at an
/// equal time, MissionWriter), then removes them: the archive is byte for byte what
/// `telemine ingest` of the same lines builds (tests/e2e/stream_*.sh compare the two). A compaction that fails (a full disk, another
/// writer holding the mission) leaves its segments in place for the next one.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "io/archive.hpp"

namespace telemine::stream {

/// One segment's samples per parameter, in line order: what parsing the segment gives.
using SegmentSamples = std::map<std::string, io::Series, std::less<>>;
/// Segments' samples already in memory (the stream took them line by line), by segment number.
using ParsedSegments = std::map<std::uint64_t, SegmentSamples>;

/// Compacts the segments of ARCHIVE/MISSION/live numbered below `below`, then removes them.
/// A segment in `parsed` is taken from there instead of its file (entries used are moved
/// out). Returns how many it compacted. Throws IoError naming a bad line (the segments then
/// stay).
std::size_t compact_segments(const std::filesystem::path& archive, const std::string& mission, DurationNs slice,
                             std::uint64_t below, ParsedSegments* parsed = nullptr);

class Compactor {
 public:
  Compactor(std::filesystem::path archive, std::string mission, DurationNs slice);
  /// Waits for a running compaction, then stops the worker.
  ~Compactor();
  Compactor(const Compactor&) = delete;
  Compactor& operator=(const Compactor&) = delete;

  /// Asks for the segments numbered below `below` to be compacted, and `events` (alerts) to be
  /// added to the catalogue after them; `parsed`: sealed segments' samples already in memory,
  /// so that they are not parsed again. False when one is running (events and samples are kept).
  bool request(std::uint64_t below, std::vector<io::Event> events = {}, ParsedSegments parsed = {});
  bool busy() const;
  /// Waits until no compaction runs or is asked for; returns the last one's error ("" if none).
  std::string wait();
  std::int64_t completed() const;

 private:
  void run();

  std::filesystem::path archive_;
  std::string mission_;
  DurationNs slice_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::uint64_t below_ = 0;  // the request; 0 = none
  bool running_ = false;
  bool stop_ = false;
  std::string error_;
  std::vector<io::Event> events_;  // waiting for a compaction that succeeds
  ParsedSegments parsed_;          // waiting for their segments' compaction
  std::int64_t completed_ = 0;
  std::thread thread_;
};

}  // namespace telemine::stream
