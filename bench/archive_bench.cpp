// Question: how should sample datasets be stored so that range reads and full scans are fast
// from the page cache, and what does a sample cost on disk?
// Writes the same day of telemetry (1 Hz, realistic signals) with several chunk/compression
// layouts and measures bytes per sample, a full read of every parameter, and a one-hour read
// of one parameter. Median of repeated warm runs. Usage: archive_bench [params] [folder]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "io/archive.hpp"

using namespace telemine;
using namespace telemine::io;
namespace fs = std::filesystem;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double seconds(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A day of 1 Hz housekeeping: smooth orbital signals with sensor noise and quantisation,
// state parameters with few values, as the generator makes them.
std::map<std::string, Series, std::less<>> make_day(int params) {
  std::map<std::string, Series, std::less<>> data;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> noise(0.0, 0.01);
  const TimeNs day = parse_time("2026-01-01");
  for (int p = 0; p < params; ++p) {
    char name[32];
    std::snprintf(name, sizeof name, "P%03d", p);
    Series& s = data[name];
    s.reserve(86400);
    const bool state = p % 5 == 4;
    for (int i = 0; i < 86400; ++i) {
      const double phase = 2 * M_PI * i / 5700.0 + p;
      const double v = state ? static_cast<double>(std::sin(phase) > 0.3) : 20 + 5 * std::sin(phase) + noise(rng);
      s.time.push_back(day + static_cast<TimeNs>(i) * kSecond);
      s.value.push_back(state ? v : std::round(v * 4096) / 4096);  // 12-bit ADC-like resolution
    }
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  const int params = argc > 1 ? std::atoi(argv[1]) : 50;
  const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "telemine-archive-bench";
  fs::create_directories(dir);
  const auto data = make_day(params);
  const double samples = static_cast<double>(params) * 86400;

  struct Candidate {
    const char* name;
    SampleLayout layout;
  };
  const std::vector<Candidate> candidates = {
      {"contiguous (default)", {0, 0, false}},
      {"chunks <= 8Ki", {8192, 0, false}},
      {"chunks <= 64Ki", {65536, 0, false}},
      {"chunks <= 1Mi", {1 << 20, 0, false}},
      {"chunks <= 64Ki deflate-1", {65536, 1, false}},
      {"chunks <= 64Ki shuffle+deflate-1", {65536, 1, true}},
  };
  std::printf("%d parameters x 86400 samples (one day at 1 Hz), warm page cache, median of runs\n\n", params);
  std::printf("%-30s %12s %16s %18s\n", "layout", "bytes/sample", "full read Ms/s", "1 h of 1 param us");
  for (const auto& c : candidates) {
    const fs::path file = dir / "partition.h5";
    write_partition_file(file, data, c.layout);
    const double bytes = static_cast<double>(fs::file_size(file));
    std::vector<double> full, hour;
    Series s;
    for (int run = 0; run < 11; ++run) {
      full.push_back(seconds([&] {
        PartitionReader r = PartitionReader::open(file);
        for (const auto& [name, _] : data) {
          s.time.clear();
          s.value.clear();
          r.read(name, s);
        }
      }));
    }
    const TimeNs from = parse_time("2026-01-01T12:00:00Z");
    for (int run = 0; run < 51; ++run) {
      hour.push_back(seconds([&] {
        PartitionReader r = PartitionReader::open(file);
        s.time.clear();
        s.value.clear();
        r.read("P007", from, from + kHour, s);
      }));
    }
    std::printf("%-30s %12.2f %16.0f %18.0f\n", c.name, bytes / samples, samples / median(full) / 1e6, median(hour) * 1e6);
  }
  fs::remove_all(dir);
  return 0;
}
