// Question (bench/README.md, "ESA-ADB metrics"): do ESA-ADB's metrics score 10,000 detections
// against 1,000 labels in under a second on one core? Synthetic but shaped like a mission:
// 100 channels, anomalies of 1-3 channels, detections scattered around and on them.
// Prints the median of 5 runs of each metric.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "kernels/esa_metrics.hpp"

using namespace telemine;
namespace esa = telemine::kernels::esa;

int main() {
  constexpr int kChannels = 100, kLabels = 1000, kDetections = 10000;
  const TimeNs lo = 0, hi = 365 * kDay;
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<TimeNs> when(lo, hi - kDay);
  std::uniform_int_distribution<int> channel(0, kChannels - 1), width(1, 3);
  std::vector<esa::Label> labels;
  for (int i = 0, rows = 0; rows < kLabels; ++i) {
    const TimeNs s = when(rng), e = s + std::uniform_int_distribution<TimeNs>(0, 6 * kHour)(rng);
    for (int w = width(rng); w > 0 && rows < kLabels; --w, ++rows)
      labels.push_back({"id_" + std::to_string(i), "ch" + std::to_string(channel(rng)), s, e, i % 10 != 0});
  }
  std::vector<std::vector<std::pair<TimeNs, TimeNs>>> per(kChannels);
  for (int d = 0; d < kDetections; ++d) {
    const bool on_label = d % 3 == 0;
    const auto& l = labels[static_cast<std::size_t>(d) % labels.size()];
    const TimeNs s = on_label ? l.start + kMinute : when(rng);
    per[on_label ? std::stoi(l.channel.substr(2)) : channel(rng)].emplace_back(s, s + 10 * kMinute);
  }
  std::vector<esa::ChannelEvents> pred;
  std::vector<std::pair<TimeNs, TimeNs>> all;
  std::vector<std::pair<std::string, std::vector<std::string>>> subsystems(10);
  for (int c = 0; c < kChannels; ++c) {
    pred.push_back({"ch" + std::to_string(c), esa::events_from_intervals(per[c], lo, hi)});
    all.insert(all.end(), per[c].begin(), per[c].end());
    subsystems[c % 10].first = "s" + std::to_string(c % 10);
    subsystems[c % 10].second.push_back("ch" + std::to_string(c));
  }
  const auto combined = esa::events_from_intervals(all, lo, hi);
  auto median = [](auto&& f) {
    std::vector<double> t;
    for (int r = 0; r < 5; ++r) {
      const auto a = std::chrono::steady_clock::now();
      f();
      t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
    }
    std::sort(t.begin(), t.end());
    return t[2];
  };
  double sink = 0;
  const double t_esa = median([&] { sink += esa::esa_scores(labels, combined, lo, hi).aff_f; });
  const double t_channel = median([&] { sink += esa::channel_aware(labels, pred, subsystems).subsystem_f; });
  const double t_timing = median([&] { sink += esa::adtqc(labels, pred).total; });
  std::printf("ESA-ADB metrics, %d detections (%zu merged), %d label rows, %d channels, one core (median of 5)\n", kDetections,
              combined.size(), kLabels, kChannels);
  std::printf("  event-wise + affiliation (ESAScores)  %.3f s\n  channel/subsystem-aware               %.3f s\n"
              "  ADTQC                                 %.3f s\n  all                                   %.3f s\n",
              t_esa, t_channel, t_timing, t_esa + t_channel + t_timing);
  return sink == 12345.678 ? 1 : 0;
}
