// Where does the time of a decimated year go? The M4 kernel alone over one year at 1 Hz held in
// memory (31.5 M samples, fed one day at a time as the server does), against reading that year
// from the archive (one partition after another into one buffer, as the server does) without
// decimating. Median of 5 runs each, after a warm-up run.
//   serve_m4_bench ARCHIVE     (an archive from `scan_bench build ARCHIVE 1 365`)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "io/archive.hpp"
#include "kernels/decimate.hpp"

using namespace telemine;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

template <class F>
double median_ms(F&& f) {
  f();
  std::vector<double> t;
  for (int i = 0; i < 5; ++i) {
    const double t0 = now();
    f();
    t.push_back((now() - t0) * 1e3);
  }
  std::sort(t.begin(), t.end());
  return t[2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: serve_m4_bench ARCHIVE\n");
    return 2;
  }
  const io::Archive archive = io::Archive::open(argv[1]);
  const io::Catalog c = archive.catalog("BENCH");
  const TimeNs from = c.partitions.front().start, to = c.partitions.back().end;
  std::size_t n = 0;
  const double read_ms = median_ms([&] {
    io::Series s;
    n = 0;
    for (const auto& p : c.partitions) {
      s.time.clear();
      s.value.clear();
      io::PartitionReader::open(archive.partition_path("BENCH", p)).read("P0", s);
      n += s.size();
    }
  });
  const io::Series all = archive.read(c, "P0");
  std::size_t points = 0;
  const double m4_ms = median_ms([&] {
    kernels::M4 m4(from, to, 2000);
    for (std::size_t i = 0; i < all.size(); i += 86400) {
      const std::size_t k = std::min<std::size_t>(86400, all.size() - i);
      m4.add(std::span(all.time).subspan(i, k), std::span(all.value).subspan(i, k));
    }
    points = m4.points().size();
  });
  std::printf("one year, %zu samples: read from the archive %.0f ms; M4 to 2,000 pixels in memory %.0f ms (%zu points, %.0f M samples/s)\n",
              n, read_ms, m4_ms, points, static_cast<double>(all.size()) / m4_ms / 1e3);
  return 0;
}
