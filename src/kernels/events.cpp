#include "kernels/events.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <tuple>

namespace telemine::kernels {

std::vector<Interval> merge_intervals(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.start != b.start ? a.start < b.start : a.end < b.end; });
  std::vector<Interval> out;
  for (const auto& i : intervals) {
    if (!out.empty() && i.start <= out.back().end) out.back().end = std::max(out.back().end, i.end);
    else out.push_back(i);
  }
  return out;
}

std::vector<Detection> merge_novel_rows(std::span<const NovelRow> rows, std::span<const std::vector<float>> shares) {
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](auto a, auto b) {
    return std::tie(rows[a].model, rows[a].start, rows[a].end) < std::tie(rows[b].model, rows[b].start, rows[b].end);
  });
  std::vector<Detection> out;
  for (std::size_t i = 0; i < order.size();) {
    const NovelRow& first = rows[order[i]];
    Detection d{first.model, first.start, first.end, first.score, std::vector<double>(shares[order[i]].size(), 0.0)};
    std::size_t j = i;
    for (; j < order.size() && rows[order[j]].model == first.model && rows[order[j]].start <= d.end; ++j) {
      d.end = std::max(d.end, rows[order[j]].end);
      d.score = std::max(d.score, rows[order[j]].score);
      for (std::size_t q = 0; q < d.weight.size(); ++q) d.weight[q] += shares[order[j]][q];
    }
    i = j;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::pair<std::size_t, double>> top_contributors(std::span<const double> weight, std::size_t most,
                                                             double min_share) {
  const double total = std::accumulate(weight.begin(), weight.end(), 0.0);
  std::vector<std::size_t> rank(weight.size());
  std::iota(rank.begin(), rank.end(), std::size_t{0});
  std::stable_sort(rank.begin(), rank.end(), [&](auto a, auto b) { return weight[a] > weight[b]; });
  std::vector<std::pair<std::size_t, double>> out;
  for (std::size_t q = 0; q < std::min(most, rank.size()); ++q) {
    const double share = total > 0 ? weight[rank[q]] / total : 0;
    if (q > 0 && share < min_share) break;
    out.emplace_back(rank[q], share);
  }
  return out;
}

std::vector<std::pair<std::size_t, int>> contributor_percents(std::span<const double> weight, std::size_t most,
                                                             double min_share) {
  const auto top = top_contributors(weight, most, min_share);
  std::vector<std::pair<std::size_t, double>> parts = top;
  double listed = 0;
  for (const auto& [q, share] : top) listed += share;
  if (listed == 0) return {{top.front().first, 100}};
  if (listed < 1) parts.emplace_back(weight.size(), 1 - listed);
  // Hamilton's method: floors first, then one hundredth each to the largest remainders.
  std::vector<std::pair<std::size_t, int>> out;
  int given = 0;
  for (const auto& [q, share] : parts) {
    out.emplace_back(q, static_cast<int>(std::floor(share * 100)));
    given += out.back().second;
  }
  std::vector<std::size_t> order(parts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    return parts[a].second * 100 - out[a].second > parts[b].second * 100 - out[b].second;
  });
  for (std::size_t k = 0; given < 100; ++k, ++given) out[order[k % order.size()]].second += 1;
  if (out.back().first == weight.size() && out.back().second == 0) out.pop_back();
  return out;
}

std::string contributors_text(const std::vector<std::pair<std::size_t, int>>& percents, std::span<const std::string> names) {
  std::string out;
  for (std::size_t q = 0; q < percents.size(); ++q) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ":%d.%02d", percents[q].second / 100, percents[q].second % 100);
    out += (q ? ";" : "") + (percents[q].first == names.size() ? std::string("(others)") : names[percents[q].first]) + buf;
  }
  return out;
}

EventScore& EventScore::operator+=(const EventScore& o) {
  labels += o.labels;
  found += o.found;
  detections += o.detections;
  false_detections += o.false_detections;
  nominal_seconds += o.nominal_seconds;
  false_seconds += o.false_seconds;
  return *this;
}

double EventScore::precision() const {
  return detections == 0 ? 1.0 : static_cast<double>(detections - false_detections) / static_cast<double>(detections);
}
double EventScore::recall() const { return labels == 0 ? 1.0 : static_cast<double>(found) / static_cast<double>(labels); }

namespace {
double f_beta(double p, double r, double beta) {
  const double b2 = beta * beta;
  return p + r == 0 ? 0.0 : (1 + b2) * p * r / (b2 * p + r);
}
}  // namespace

double EventScore::f05() const { return f_beta(precision(), recall(), 0.5); }
double EventScore::corrected_precision() const {
  const double tnr = nominal_seconds > 0 ? 1.0 - false_seconds / nominal_seconds : 1.0;
  return precision() * std::clamp(tnr, 0.0, 1.0);
}
double EventScore::corrected_f05() const { return f_beta(corrected_precision(), recall(), 0.5); }

EventScore score_events(std::span<const Interval> labels, std::span<const Interval> detections, Interval range) {
  auto clip = [&](std::span<const Interval> in) {
    std::vector<Interval> out;
    for (const auto& i : in) {
      const Interval c{std::max(i.start, range.start), std::min(i.end, range.end)};
      if (c.start < c.end) out.push_back(c);
    }
    return out;
  };
  const auto lab = clip(labels), det = clip(detections);
  auto overlaps = [](const Interval& a, const Interval& b) { return a.start < b.end && b.start < a.end; };
  EventScore s;
  s.labels = static_cast<std::int64_t>(lab.size());
  s.detections = static_cast<std::int64_t>(det.size());
  for (const auto& l : lab)
    s.found += std::any_of(det.begin(), det.end(), [&](const Interval& d) { return overlaps(l, d); });
  for (const auto& d : det)
    s.false_detections += std::none_of(lab.begin(), lab.end(), [&](const Interval& l) { return overlaps(l, d); });
  // Nominal time, and the part of it that detections cover.
  const auto lab_u = merge_intervals(lab), det_u = merge_intervals(det);
  auto length = [](const std::vector<Interval>& u) {
    double ns = 0;
    for (const auto& i : u) ns += static_cast<double>(i.end - i.start);
    return ns;
  };
  double covered_labelled = 0;  // detection time inside labelled intervals
  for (const auto& d : det_u)
    for (const auto& l : lab_u) {
      const TimeNs a = std::max(d.start, l.start), b = std::min(d.end, l.end);
      if (a < b) covered_labelled += static_cast<double>(b - a);
    }
  s.nominal_seconds = (static_cast<double>(range.end - range.start) - length(lab_u)) / kSecond;
  s.false_seconds = (length(det_u) - covered_labelled) / kSecond;
  return s;
}

}  // namespace telemine::kernels
