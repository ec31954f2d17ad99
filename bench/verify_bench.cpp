// Question: what does verifying each partition's checksum on read (`verify = checksum`, the
// default) cost a job's read phase, against `verify = none`? Both read every parameter of every
// partition through jobs::for_each_partition, warm (page cache), alternated in the same run;
// medians of REPEATS runs and their ratio are printed.
//   verify_bench ARCHIVE [PARAMS DAYS REPEATS]   writes ARCHIVE (1 Hz) if absent
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "io/archive.hpp"
#include "jobs/engine/scan.hpp"
#include "jobs/job.hpp"

using namespace telemine;
using namespace telemine::jobs;
namespace fs = std::filesystem;

namespace {

void build(const Comm& comm, const fs::path& archive, int params, int days) {
  if (fs::exists(archive / "BENCH" / "catalog.h5")) return;
  io::MissionWriter w = io::MissionWriter::open(archive, "BENCH", comm);
  for (int p = 0; p < params; ++p) w.declare({"P" + std::to_string(p)});
  const TimeNs start = parse_time("2026-01-01");
  for (int d = 0; d < days; ++d) {
    std::map<std::string, io::Series, std::less<>> data;
    for (int p = 0; p < params; ++p) {
      io::Series& s = data["P" + std::to_string(p)];
      for (int i = 0; i < 86400; ++i) {
        s.time.push_back(start + d * kDay + i * kSecond);
        s.value.push_back(static_cast<double>((i * 7 + p) % 1000) / 8);
      }
    }
    w.write_slice(start + d * kDay, std::move(data));
  }
  w.commit();
}

// Seconds to read every parameter of every partition.
double scan(const Job& job, const Comm& comm, std::int64_t& samples) {
  const Plan plan = make_plan(job, 1);
  io::Series s;
  PartitionVisitor visit;
  visit.read = [&](const PlannedPartition& part, const io::PartitionReader& reader) {
    for (const auto& p : plan.missions[static_cast<std::size_t>(part.mission)].params) {
      s.time.clear();
      s.value.clear();
      reader.read(p.name, s);
      samples += static_cast<std::int64_t>(s.size());
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  for_each_partition(job, plan, partitions_of_rank(plan, 0), comm, "bench", visit);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: verify_bench ARCHIVE [PARAMS DAYS REPEATS]\n");
    return 2;
  }
  const fs::path archive = argv[1];
  const int params = argc > 2 ? std::atoi(argv[2]) : 100, days = argc > 3 ? std::atoi(argv[3]) : 7;
  const int repeats = argc > 4 ? std::atoi(argv[4]) : 7;
  const Comm comm = Comm::local();
  build(comm, archive, params, days);
  auto job = [&](const char* verify) {
    return Job::parse({}, {"--archive", archive.string(), "--mission", "BENCH", "--output", "/tmp/verify-bench-out",
                                 "--bucket", "1h", "--verify", verify, "--quiet"},
                            "stats");
  };
  const Job on = job("checksum"), off = job("none");
  std::int64_t samples = 0;
  scan(on, comm, samples);  // warm the page cache
  std::vector<double> t_on, t_off;
  for (int r = 0; r < repeats; ++r) {
    t_off.push_back(scan(off, comm, samples));
    t_on.push_back(scan(on, comm, samples));
  }
  std::uintmax_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(archive))
    if (e.is_regular_file() && e.path().filename() != "catalog.h5") bytes += e.file_size();
  const double gb = static_cast<double>(bytes) / 1e9;
  std::printf("archive: %d params x %d days at 1 Hz, %.2f GB of partitions\n", params, days, gb);
  std::printf("read, verify = none:     %.3f s median (%.1f GB/s)\n", median(t_off), gb / median(t_off));
  std::printf("read, verify = checksum: %.3f s median (%.1f GB/s)\n", median(t_on), gb / median(t_on));
  std::printf("ratio checksum / none: %.3f\n", median(t_on) / median(t_off));
  return 0;
}
