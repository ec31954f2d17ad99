#pragma once
/// \file Per-bucket statistics of every parameter, kept up to date as samples arrive (`telemine
/// stream --stats FILE --stats-bucket 1min`): one accumulator per parameter and open bucket,
/// updated with each sample (Welford's update: memory per open bucket, not per sample). A
/// bucket is written as a JSON line once complete (the newest sample minus the lateness has
/// passed its end), with the fields of a stats job's stats.csv. A stats job over the archive
/// gives the same figures to rounding, with one difference: a sample sent again at the same
/// time counts again here, where the archive keeps only the later one.

#include <map>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "kernels/stats.hpp"

namespace telemine::stream {

class LiveStats {
 public:
  LiveStats(std::string mission, DurationNs bucket, DurationNs lateness);
  /// A sample taken into the stream (after the lateness check).
  void add(std::string_view param, TimeNs t, double v);
  /// Appends the JSON lines of the buckets complete once `newest` is the newest sample.
  void close_until(TimeNs newest, std::string& out);
  /// Appends every bucket still open (the end of the stream).
  void close_all(std::string& out);
  std::int64_t written() const noexcept { return written_; }

 private:
  struct Open {
    kernels::BucketStats stats;
    TimeNs first_time = 0, last_time = 0;  // of the valid samples: first and last go by time
  };
  void write(const std::string& param, const Open& b, std::string& out);

  std::string mission_;
  DurationNs bucket_, lateness_;
  std::map<TimeNs, std::map<std::string, Open, std::less<>>> open_;  // by bucket start, then parameter
  std::int64_t written_ = 0;
};

}  // namespace telemine::stream
