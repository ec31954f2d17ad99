#pragma once
/// \file The stream engine, without any network: lines in, durable batches out, acknowledgements,
/// and compaction into the day partitions. The event loop (stream/server.hpp) feeds it.
///
/// Life of a sample: a client's line is checked by ingest's csv-long rules (io/csv.hpp) and by
/// the lateness rule, appended to the batch in canonical form (time in ns, shortest exact value),
/// written and fsynced to the active segment at the next flush, then acknowledged to its client.
/// A compaction seals the active segment (a new one takes its place) and a worker thread ingests
/// the sealed segments into the partitions (as io::ingest does: the archive stays exactly what
/// `ingest` of the same samples builds), then removes them. A kill at any point loses nothing acknowledged:
/// a restart cuts the torn tail, and re-ingesting a segment already compacted changes nothing
/// (the same sample at the same time replaces itself).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace telemine::stream {

using Clock = std::chrono::steady_clock;

struct StreamOptions {
  std::filesystem::path archive;
  std::string mission;
  DurationNs flush = 200 * kMillisecond;     ///< batch period: every sample durable within it
  DurationNs lateness = 5 * kMinute;         ///< how far behind the newest sample a sample may be
  DurationNs compact_every = 10 * kMinute;   ///< compaction interval (besides a day closing)
  DurationNs slice = kDay;                   ///< partition length for a new mission
  std::size_t max_batch_bytes = 64u << 20;   ///< reading pauses while a batch is this large (disk full)
  std::filesystem::path alerts;              ///< out-of-limit alerts as JSON lines (`-`: stdout); empty: none
  std::filesystem::path models;              ///< novelty models to score live periods with (stream/novelty.hpp); empty: none
  std::filesystem::path stats;               ///< per-bucket statistics as JSON lines (stream/live_stats.hpp; `-`: stdout)
  DurationNs stats_bucket = kMinute;         ///< their bucket width
};

struct StreamCounters {
  std::int64_t accepted = 0;   ///< samples taken into a batch
  std::int64_t acked = 0;      ///< samples durable and acknowledged
  std::int64_t malformed = 0;  ///< lines refused as malformed
  std::int64_t late = 0;       ///< samples refused as later than the lateness
  std::int64_t compactions = 0;
  std::int64_t recovered = 0;  ///< samples found in segments at start (a restart)
  std::int64_t alerts = 0;     ///< out-of-limit alerts raised (stream/limits.hpp)
  std::int64_t novel = 0;      ///< novel periods alerted (stream/novelty.hpp)
  std::int64_t buckets = 0;    ///< per-bucket statistics written (stream/live_stats.hpp)
};

class StreamEngine {
 public:
  /// Takes the mission's live lock, recovers what a previous stream left, creates the mission
  /// when new, opens a new active segment and starts the compaction worker. Throws IoError /
  /// UsageError with a clear message.
  explicit StreamEngine(StreamOptions options);
  ~StreamEngine();
  StreamEngine(const StreamEngine&) = delete;
  StreamEngine& operator=(const StreamEngine&) = delete;

  /// A new client; its samples and acknowledgements are counted apart.
  int add_client();
  /// One line of client `client`, numbered from 1 per client (line 1 may be the header).
  /// A refused line appends `LINE: message` to `refusal` and returns false.
  bool line(int client, std::int64_t number, std::string_view text, std::string& refusal);
  /// Writes the batch and fsyncs it. True when it is durable; then acked() has moved. False when
  /// the disk refused (said once per outage on the log); the batch is kept for the next try.
  bool flush();
  /// Samples of `client` durable so far.
  std::int64_t acked(int client) const;
  /// Samples of `client` taken but not yet durable.
  std::int64_t pending(int client) const;
  /// True while the batch is too large to take more (the disk refuses writes).
  bool backlogged() const noexcept;
  /// Starts a compaction when one is due: a day closed (newest - lateness passed its end) or
  /// the interval passed. Never waits for one.
  void tick(Clock::time_point now);
  /// Flushes, then compacts every segment and waits for it. Throws when the last flush or the
  /// compaction failed (the segments stay: nothing is lost, a restart compacts them).
  void finish();
  /// Compacts every sealed segment now and waits (tests, benchmarks).
  void compact_now();
  StreamCounters counters() const;
  DurationNs flush_period() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemine::stream
