#pragma once
/// \file The live layer of a mission: samples `telemine stream` has made durable but not yet
/// compacted into partitions. They sit in append-only segments beside the partitions,
///
///   ARCHIVE/MISSION/live/segment-00000001.csv   csv-long (`time,param,value`, time in ns)
///
/// plain csv-long files that `telemine ingest` itself reads (compaction is an ingest of them).
/// Only complete lines count: a line cut short by a killed writer was never acknowledged.
/// Readers take the segments first and the catalogue after, so that a compaction running in
/// between moves samples from one to the other and never out of both; a sample in both is
/// one sample (the segment's copy, the later, wins: the ingest rule).

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/archive.hpp"

namespace telemine::io {

/// ARCHIVE/MISSION/live.
std::filesystem::path live_dir(const std::filesystem::path& mission_dir);
/// `segment-<8 digits>.csv`.
std::string segment_file_name(std::uint64_t number);
/// The number in a segment file name, or nothing for any other name.
std::optional<std::uint64_t> segment_number(std::string_view file_name);
/// The mission's segments, oldest first (empty when there is no live folder).
std::vector<std::filesystem::path> list_segments(const std::filesystem::path& mission_dir);

/// The complete lines of every segment of a mission, read at one moment.
class LiveSegments {
 public:
  /// Reads every segment now; a segment removed while listing (a compaction) is skipped, as its
  /// samples are then in the partitions. Throws IoError naming a segment that cannot be read.
  static LiveSegments read(const std::filesystem::path& mission_dir);
  bool empty() const noexcept { return texts_.empty(); }
  /// Appends the samples of `param` with time in [from, to), in arrival order (unsorted; a
  /// time may repeat). Throws IoError `SEGMENT:LINE: ...` for a malformed line.
  void append(std::string_view param, TimeNs from, TimeNs to, Series& out) const;
  /// Samples in the segments (lines after the header).
  std::int64_t samples() const noexcept;
  /// True when a sample of `param` is in the segments.
  bool has(std::string_view param) const;
  /// Parameter names in the segments, sorted.
  std::vector<std::string> params() const;

 private:
  std::vector<std::filesystem::path> files_;
  std::vector<std::string> texts_;
};

/// What a LiveTail held at one refresh. Immutable, so a reader keeps a consistent view (the
/// segments it saw, with the catalogue read after them) while the tail moves on.
class LiveView {
 public:
  /// Appends the samples of `param` with time in [from, to), in arrival order.
  void append(std::string_view param, TimeNs from, TimeNs to, Series& out) const;
  /// True when a sample of `param` is in the view.
  bool has(std::string_view param) const;
  /// Parameter names in the view, sorted.
  std::vector<std::string> params() const;
  std::int64_t samples() const noexcept { return samples_; }
  bool empty() const noexcept { return samples_ == 0; }

 private:
  friend class LiveTail;
  using Piece = std::map<std::string, Series, std::less<>>;  // lines parsed by one refresh
  std::vector<std::shared_ptr<const Piece>> pieces_;
  std::int64_t samples_ = 0;
};

/// The live segments of one mission, followed as they grow: each refresh reads only the lines
/// appended since the last one and forgets the segments a compaction has removed. For a
/// long-running reader (`telemine serve`) that must see a live sample within a second without
/// reading gigabytes of segments on every request. Not thread-safe: one lock per tail.
class LiveTail {
 public:
  explicit LiveTail(std::filesystem::path mission_dir) : dir_(std::move(mission_dir)) {}
  /// Reads what the segments gained; true when anything was added or forgotten. Throws IoError
  /// `SEGMENT:LINE: ...` for a malformed line (the tail then stays where it was).
  bool refresh();
  /// What the tail holds now.
  std::shared_ptr<const LiveView> view() const { return view_; }
  /// Changes whenever refresh() changes what the tail holds (for caches of answers).
  std::uint64_t version() const noexcept { return version_; }

 private:
  struct Segment {
    std::uint64_t number = 0;
    std::uint64_t offset = 0;  // bytes consumed: whole lines only
    int lines = 0;             // lines consumed, the header included
    std::vector<std::shared_ptr<const LiveView::Piece>> pieces;
    std::int64_t samples = 0;
  };
  bool read_more(const std::filesystem::path& file, Segment& seg);

  std::filesystem::path dir_;
  std::vector<Segment> segments_;
  std::shared_ptr<const LiveView> view_ = std::make_shared<const LiveView>();
  std::uint64_t version_ = 0;
};

/// Adds to `catalog` the parameters of `names` it lacks (names only, as csv-long ingest
/// declares them), keeping its parameters sorted.
void add_param_names(Catalog& catalog, std::vector<std::string> names);

/// `catalog` with the parameters that so far only the live segments hold added (names only, as
/// csv-long ingest declares them), so that readers find them before the first compaction.
/// With `wanted`, only that parameter is looked for (and only when the catalogue lacks it).
Catalog with_live_params(const Archive& archive, Catalog catalog, std::string_view wanted = {});

/// Samples of `param` in [from, to) from the partitions and the live segments, merged as
/// ingest would merge them (sorted, one sample per time, the later wins).
Series read_with_live(const Archive& archive, const Catalog& catalog, std::string_view param, TimeNs from,
                      TimeNs to);

}  // namespace telemine::io
