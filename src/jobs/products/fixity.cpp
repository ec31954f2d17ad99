#include "jobs/products/fixity.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/serialize.hpp"
#include "io/archive.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;

namespace {

struct Listed {
  std::string mission, file, checksum;
  std::int64_t bytes = 0;
};

// Rank 0: the catalogued partitions, and the findings about files no catalogue lists.
std::vector<Listed> list_archive(const fs::path& root, const std::string& mission, std::vector<FixityFinding>& extra) {
  const auto archive = io::Archive::open(root);
  std::vector<std::string> missions = archive.missions();
  if (!mission.empty()) {
    if (!archive.has_mission(mission)) throw UsageError(root.string() + ": no mission '" + mission + "'");
    missions = {mission};
  }
  std::vector<Listed> files;
  for (const auto& m : missions) {
    const auto catalog = archive.catalog(m);
    std::set<std::string> known{"catalog.h5", ".lock"};  // .lock: the writers' advisory lock
    for (const auto& p : catalog.partitions) {
      files.push_back({m, p.file, p.checksum, p.bytes});
      known.insert(p.file);
    }
    const fs::path dir = archive.mission_dir(m);
    std::vector<std::string> unlisted;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file()) {
        const std::string rel = e.path().lexically_relative(dir).string();
        // live/: segments of `telemine stream`, not yet compacted (io/live.hpp), not partitions.
        if (!known.count(rel) && rel.rfind("live/", 0) != 0) unlisted.push_back(rel);
      }
    std::sort(unlisted.begin(), unlisted.end());
    for (auto& f : unlisted) extra.push_back({"extra", m, std::move(f), "in the mission folder, not in its catalogue"});
  }
  return files;
}

std::string put_listed(const std::vector<Listed>& files) {
  ByteWriter w;
  w.put<std::uint64_t>(files.size());
  for (const auto& f : files) {
    w.put(f.mission);
    w.put(f.file);
    w.put(f.checksum);
    w.put(f.bytes);
  }
  return w.take();
}

std::vector<Listed> get_listed(const std::string& bytes) {
  ByteReader r(bytes);
  std::vector<Listed> files(r.get<std::uint64_t>());
  for (auto& f : files) {
    f.mission = r.get_string();
    f.file = r.get_string();
    f.checksum = r.get_string();
    f.bytes = r.get<std::int64_t>();
  }
  return files;
}

// One file's check: an empty state when intact.
FixityFinding check_file(const fs::path& root, const Listed& f) {
  const fs::path path = root / f.mission / f.file;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {"missing", f.mission, f.file, "listed in the catalogue, not on disk"};
  try {
    const std::string now = io::file_checksum(path);
    if (now != f.checksum) return {"damaged", f.mission, f.file, "checksum " + now + ", catalogue " + f.checksum};
  } catch (const IoError& e) {
    return {"unreadable", f.mission, f.file, e.what()};
  }
  return {};
}

}  // namespace

std::vector<std::int64_t> split_by_bytes(const std::vector<std::int64_t>& sizes, int ranks) {
  std::int64_t total = 0;
  for (auto s : sizes) total += std::max<std::int64_t>(s, 1);
  std::vector<std::int64_t> begin(static_cast<std::size_t>(ranks) + 1, static_cast<std::int64_t>(sizes.size()));
  begin[0] = 0;
  std::int64_t sum = 0;
  int r = 1;
  for (std::size_t i = 0; i < sizes.size() && r < ranks; ++i) {
    // Item i starts rank r's run once the bytes before it reach r/ranks of the total.
    while (r < ranks && sum * ranks >= total * r) begin[static_cast<std::size_t>(r++)] = static_cast<std::int64_t>(i);
    sum += std::max<std::int64_t>(sizes[i], 1);
  }
  return begin;
}

FixityReport verify_archive(const fs::path& archive, const std::string& mission, const Comm& comm) {
  FixityReport report;
  std::string listing;
  comm.run_phase([&] {
    if (comm.is_root()) listing = put_listed(list_archive(archive, mission, report.findings));
  });
  comm.broadcast_bytes(listing);
  const auto files = get_listed(listing);
  std::vector<std::int64_t> sizes;
  for (const auto& f : files) sizes.push_back(f.bytes);
  const auto begin = split_by_bytes(sizes, comm.size());
  ByteWriter mine;
  std::int64_t bytes = 0;
  comm.run_phase([&] {
    for (auto i = begin[comm.rank()]; i < begin[comm.rank() + 1]; ++i) {
      const auto f = check_file(archive, files[i]);
      if (f.state.empty()) bytes += files[i].bytes;
      mine.put(i);
      mine.put(f.state);
      mine.put(f.detail);
    }
  });
  report.files = static_cast<std::int64_t>(files.size());
  report.bytes = comm.allreduce_value(bytes, ReduceOp::sum);
  const auto all = comm.gather_bytes(mine.take());
  for (const auto& part : all) {
    ByteReader r(part);
    while (!r.done()) {
      const auto i = r.get<std::int64_t>();
      std::string state = r.get_string(), detail = r.get_string();
      if (state.empty()) ++report.intact;
      else report.findings.push_back({std::move(state), files[i].mission, files[i].file, std::move(detail)});
    }
  }
  std::stable_sort(report.findings.begin(), report.findings.end(),
                   [](const auto& a, const auto& b) { return std::tie(a.mission, a.file) < std::tie(b.mission, b.file); });
  return report;
}

void print_fixity(const FixityReport& r, std::FILE* out) {
  for (const auto& f : r.findings)
    std::fprintf(out, "%-10s %s %s: %s\n", f.state.c_str(), f.mission.c_str(), f.file.c_str(), f.detail.c_str());
  std::fprintf(out, "%lld partitions: %lld intact, %zu findings (%s)\n", static_cast<long long>(r.files),
               static_cast<long long>(r.intact), r.findings.size(), r.damaged() ? "DAMAGED" : "archive intact");
}

}  // namespace telemine::jobs::products
