// Questions: (1) how fast does a full scan of an archive run from the page cache, with one
// rank per core? (2) how long does `get` of one parameter over one day take from an archive of
// 500 parameters x 30 days at 1 Hz, warm?
// Run under mpirun (bench/README.md, scripts/bench.sh):
//   mpirun -np 2 scan_bench build ARCHIVE PARAMS DAYS     writes the archive (1 Hz), if absent
//   mpirun -np 2 scan_bench scan ARCHIVE                  full scan, every parameter of every day
//   scan_bench get ARCHIVE PARAM                          get of one parameter over one day
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "io/archive.hpp"
#include "jobs/retrieve.hpp"

using namespace telemine;
using namespace telemine::io;
namespace fs = std::filesystem;

namespace {

const TimeNs kStart = 1767225600LL * kSecond;  // 2026-01-01

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

int build(const Comm& comm, const fs::path& archive, int params, int days) {
  if (fs::exists(archive / "BENCH" / "catalog.h5")) {
    if (comm.is_root()) std::printf("archive %s exists, reused\n", archive.c_str());
    return 0;
  }
  MissionWriter w = MissionWriter::open(archive, "BENCH", comm);
  for (int p = 0; p < params; ++p) w.declare({"P" + std::to_string(p), "", "", "", ParamKind::numeric});
  const double t0 = now();
  comm.run_phase([&] {
    for (int d = comm.rank(); d < days; d += comm.size()) {
      std::map<std::string, Series, std::less<>> data;
      const TimeNs day = kStart + d * kDay;
      for (int p = 0; p < params; ++p) {
        Series& s = data["P" + std::to_string(p)];
        s.time.resize(86400);
        s.value.resize(86400);
        for (int i = 0; i < 86400; ++i) {
          s.time[i] = day + i * kSecond;
          s.value[i] = std::round(4096 * std::sin(0.001 * i + p)) / 4096;
        }
      }
      w.write_slice(day, std::move(data));
    }
  });
  w.commit();
  if (comm.is_root())
    std::printf("built %s: %d params x %d days at 1 Hz in %.0f s\n", archive.c_str(), params, days, now() - t0);
  return 0;
}

int scan(const Comm& comm, const fs::path& path) {
  const Archive archive = Archive::open(path);
  const Catalog cat = archive.catalog("BENCH");
  double best = 1e30;
  std::int64_t total = 0;
  for (int run = 0; run < 3; ++run) {  // the first run warms the page cache
    comm.barrier();
    const double t0 = now();
    std::int64_t mine = 0;
    Series s;
    const std::size_t n = cat.partitions.size();
    for (std::size_t i = n * comm.rank() / comm.size(); i < n * (comm.rank() + 1) / comm.size(); ++i) {
      PartitionReader r = PartitionReader::open(archive.partition_path("BENCH", cat.partitions[i]));
      for (const auto& p : cat.params) {
        s.time.clear();
        s.value.clear();
        r.read(p.name, s);
        mine += static_cast<std::int64_t>(s.size());
      }
    }
    const double elapsed = comm.allreduce_value(now() - t0, ReduceOp::max);
    total = comm.allreduce_value(mine, ReduceOp::sum);
    if (run > 0) best = std::min(best, elapsed);
  }
  if (comm.is_root())
    std::printf("scan: %lld samples, %d ranks, %.3f s: %.0f M samples/s (%.2f bytes/sample on disk)\n",
                static_cast<long long>(total), comm.size(), best, total / best / 1e6,
                static_cast<double>([&] {
                  std::int64_t b = 0;
                  for (const auto& p : cat.partitions) b += p.bytes;
                  return b;
                }()) / static_cast<double>(total));
  return 0;
}

int get(const fs::path& archive, const std::string& param) {
  jobs::GetOptions o;
  o.archive = archive;
  o.mission = "BENCH";
  o.params = {param};
  o.from = kStart + 14 * kDay;
  o.to = o.from + kDay;
  o.format = jobs::TableFormat::csv;
  std::FILE* sink = std::fopen("/dev/null", "w");
  std::vector<double> t;
  std::int64_t n = 0;
  for (int run = 0; run < 21; ++run) {
    const double t0 = now();
    n = jobs::get(o, sink);
    t.push_back(now() - t0);
  }
  std::fclose(sink);
  std::sort(t.begin(), t.end());
  std::printf("get: %lld samples of one parameter over one day, as CSV: median %.1f ms (min %.1f, max %.1f)\n",
              static_cast<long long>(n), t[t.size() / 2] * 1e3, t.front() * 1e3, t.back() * 1e3);
  return 0;
}

// The same samples as CSV (param index, time ns, value; NaN as an empty field) for peers
// that cannot read HDF5 themselves (DuckDB).
int export_csv(const fs::path& path, const std::string& mission, const fs::path& out) {
  const Archive archive = Archive::open(path);
  const Catalog cat = archive.catalog(mission);
  std::FILE* f = std::fopen(out.c_str(), "wb");
  if (!f) return 1;
  std::string buf = "param,time,value\n";
  char num[64];
  for (const auto& part : cat.partitions) {
    PartitionReader r = PartitionReader::open(archive.partition_path(mission, part));
    const auto names = r.params();
    for (std::size_t p = 0; p < names.size(); ++p) {
      Series s;
      r.read(names[p], s);
      for (std::size_t i = 0; i < s.size(); ++i) {
        buf += std::to_string(p);
        buf += ',';
        buf += std::to_string(s.time[i]);
        buf += ',';
        if (!std::isnan(s.value[i])) buf.append(num, std::to_chars(num, num + sizeof num, s.value[i]).ptr);
        buf += '\n';
        if (buf.size() > (1 << 22)) {
          std::fwrite(buf.data(), 1, buf.size(), f);
          buf.clear();
        }
      }
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), f);
  return std::fclose(f) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  MpiGuard guard(argc, argv);
  Comm comm = Comm::world();
  const std::string what = argc > 1 ? argv[1] : "";
  if (what == "build" && argc == 5) return build(comm, argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  if (what == "scan" && argc == 3) return scan(comm, argv[2]);
  if (what == "get" && argc == 4) return get(argv[2], argv[3]);
  if (what == "export" && argc == 5) return export_csv(argv[2], argv[3], argv[4]);
  std::fprintf(stderr, "usage: scan_bench build ARCHIVE PARAMS DAYS | scan ARCHIVE | get ARCHIVE PARAM | export ARCHIVE MISSION CSV\n");
  return 2;
}
