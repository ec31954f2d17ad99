#include "kernels/decimate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace telemine::kernels {

namespace {
using Wide = __int128;
}  // namespace

int pixel_column(TimeNs from, TimeNs to, int width, TimeNs t) noexcept {
  const Wide span = Wide(to) - Wide(from);
  return static_cast<int>((Wide(t) - Wide(from)) * width / span);
}

M4::M4(TimeNs from, TimeNs to, int width) : from_(from), to_(to) {
  if (!(from < to)) throw UsageError("plot range: the start must come before the end");
  if (width < 1 || width > 1'000'000) throw UsageError("plot width " + std::to_string(width) + " is not in 1 .. 1000000");
  columns_.resize(static_cast<std::size_t>(width));
}

// The first time that falls in column c: from + ceil(c * span / width).
TimeNs M4::column_start(int c) const noexcept {
  const Wide span = Wide(to_) - Wide(from_);
  const Wide w = static_cast<Wide>(columns_.size());
  const Wide off = (Wide(c) * span + w - 1) / w;
  return static_cast<TimeNs>(Wide(from_) + off);
}

void M4::add(std::span<const TimeNs> time, std::span<const double> value) {
  const auto begin = std::lower_bound(time.begin(), time.end(), from_);
  const auto end = std::lower_bound(begin, time.end(), to_);
  std::size_t i = static_cast<std::size_t>(begin - time.begin());
  const std::size_t n = static_cast<std::size_t>(end - time.begin());
  while (i < n) {
    const int c = pixel_column(from_, to_, width(), time[i]);
    // The samples of column c are a contiguous run, found by binary search on its end.
    const TimeNs next = c + 1 < width() ? column_start(c + 1) : to_;
    const std::size_t j = static_cast<std::size_t>(
        std::lower_bound(time.begin() + static_cast<std::ptrdiff_t>(i), time.begin() + static_cast<std::ptrdiff_t>(n), next) -
        time.begin());
    add_column(c, time.subspan(i, j - i), value.subspan(i, j - i));
    i = j;
  }
}

// One column's run: min, max and the valid count in one pass first (NaN never compares less
// or greater, so invalid samples drop out), then the earliest index holding each extreme.
void M4::add_column(int c, std::span<const TimeNs> time, std::span<const double> value) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::int64_t valid = 0;
  for (const double v : value) {
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
    valid += v == v;
  }
  std::size_t first = 0;
  while (first < value.size() && std::isnan(value[first])) ++first;
  if (first == value.size()) return;
  std::size_t last = value.size() - 1;
  while (std::isnan(value[last])) --last;
  std::size_t ilo = first, ihi = first;
  while (value[ilo] != lo) ++ilo;
  while (value[ihi] != hi) ++ihi;

  Column& col = columns_[static_cast<std::size_t>(c)];
  const PlotPoint f{time[first], value[first]}, l{time[last], value[last]};
  const PlotPoint mn{time[ilo], lo}, mx{time[ihi], hi};
  if (col.count == 0) {
    col.first = f;
    col.min = mn;
    col.max = mx;
  } else {
    if (mn.value < col.min.value) col.min = mn;
    if (mx.value > col.max.value) col.max = mx;
  }
  col.last = l;
  col.count += valid;
  samples_ += valid;
}

void M4::merge(const M4& later) {
  if (later.from_ != from_ || later.to_ != to_ || later.columns_.size() != columns_.size())
    throw UsageError("M4::merge: not the same plot");
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const Column& b = later.columns_[c];
    if (b.count == 0) continue;
    Column& a = columns_[c];
    if (a.count == 0) {
      a = b;
      continue;
    }
    // Ties keep the earlier sample, as add() does.
    if (b.min.value < a.min.value) a.min = b.min;
    if (b.max.value > a.max.value) a.max = b.max;
    a.last = b.last;
    a.count += b.count;
  }
  samples_ += later.samples_;
}

std::vector<PlotPoint> M4::points() const {
  std::vector<PlotPoint> out;
  out.reserve(columns_.size() * 4);
  for (const Column& col : columns_) {
    if (col.count == 0) continue;
    PlotPoint p[4] = {col.first, col.min, col.max, col.last};
    std::sort(p, p + 4, [](const PlotPoint& a, const PlotPoint& b) { return a.time < b.time; });
    for (const PlotPoint& q : p)
      if (out.empty() || out.back().time != q.time) out.push_back(q);
  }
  return out;
}

}  // namespace telemine::kernels
