#include "stream/live_stats.hpp"

#include <cmath>

#include "io/csv_writer.hpp"
#include "io/json.hpp"

namespace telemine::stream {

namespace {
void json_number(std::string& out, double v) {
  if (std::isfinite(v)) io::append_csv_number(out, v);
  else out += "null";
}
}  // namespace

LiveStats::LiveStats(std::string mission, DurationNs bucket, DurationNs lateness)
    : mission_(std::move(mission)), bucket_(bucket), lateness_(lateness) {}

void LiveStats::add(std::string_view param, TimeNs t, double v) {
  const TimeNs start = bucket_start(t, bucket_);
  auto& bucket = open_[start];
  auto it = bucket.find(param);
  if (it == bucket.end()) {
    it = bucket.emplace(std::string(param), Open{}).first;
    it->second.stats.start = start;
  }
  Open& b = it->second;
  kernels::BucketStats& s = b.stats;
  if (std::isnan(v)) {
    ++s.nan_count;
    return;
  }
  // Welford's update; first and last by time, whatever the arrival order (ties: the later).
  ++s.count;
  const double delta = v - s.mean;
  s.mean += delta / static_cast<double>(s.count);
  s.m2 += delta * (v - s.mean);
  s.min = std::min(s.min, v);
  s.max = std::max(s.max, v);
  if (s.count == 1 || t < b.first_time) s.first = v, b.first_time = t;
  if (s.count == 1 || t >= b.last_time) s.last = v, b.last_time = t;
}

void LiveStats::write(const std::string& param, const Open& b, std::string& out) {
  const kernels::BucketStats& s = b.stats;
  out += "{\"kind\":\"stats\",\"mission\":" + io::json_quote(mission_) + ",\"param\":" + io::json_quote(param);
  out += ",\"bucket_start\":\"" + format_time(s.start) + "\",\"count\":" + std::to_string(s.count) +
         ",\"nan_count\":" + std::to_string(s.nan_count);
  const bool any = s.count > 0;
  for (const auto& [key, v] : {std::pair<const char*, double>{"min", any ? s.min : NAN}, {"max", any ? s.max : NAN},
                               {"mean", any ? s.mean : NAN}, {"std", any ? kernels::sample_std(s) : NAN},
                               {"first", s.first}, {"last", s.last}}) {
    out += ",\"";
    out += key;
    out += "\":";
    json_number(out, v);
  }
  out += "}\n";
  ++written_;
}

void LiveStats::close_until(TimeNs newest, std::string& out) {
  if (newest == kTimeMin) return;
  const TimeNs cutoff = newest - lateness_;
  while (!open_.empty() && open_.begin()->first + bucket_ <= cutoff) {
    for (const auto& [param, b] : open_.begin()->second) write(param, b, out);
    open_.erase(open_.begin());
  }
}

void LiveStats::close_all(std::string& out) {
  for (const auto& [start, params] : open_)
    for (const auto& [param, b] : params) write(param, b, out);
  open_.clear();
}

}  // namespace telemine::stream
