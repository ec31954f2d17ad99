#include "io/ingest.hpp"

#include <algorithm>
#include <numeric>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/progress.hpp"
#include "core/serialize.hpp"
#include "io/csv.hpp"
#include "io/mission_writer.hpp"
#include "io/telemanom.hpp"
#include "io/esa_adb.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

InputFormat parse_input_format(std::string_view text) {
  if (text == "csv-long") return InputFormat::csv_long;
  if (text == "csv-wide") return InputFormat::csv_wide;
  if (text == "telemanom") return InputFormat::telemanom;
  if (text == "esa-adb") return InputFormat::esa_adb;
  throw UsageError("unknown input format '" + std::string(text) + "' (known: csv-long, csv-wide, telemanom, esa-adb)");
}

namespace {

// One unit of reading work: a CSV file, or one channel of a telemanom folder. Units are numbered
// in a fixed order, and that order (not the rank that read them) decides which of two samples
// at the same time wins: the later unit, then the later line.
struct Unit {
  fs::path path;
  std::string channel;  // telemanom only
  std::uintmax_t bytes = 0;
};

std::vector<Unit> list_units(const IngestOptions& o, std::vector<TelemanomLabel>& labels) {
  std::vector<Unit> units;
  if (o.inputs.empty()) throw UsageError("ingest: no --input given");
  for (const auto& in : o.inputs) {
    std::error_code ec;
    if (!fs::exists(in, ec)) throw UsageError("ingest: input " + in.string() + " does not exist");
    if (o.format == InputFormat::telemanom) {
      if (!fs::is_directory(in)) throw UsageError("ingest: telemanom input " + in.string() + " is not a folder");
      const auto channels = list_telemanom_channels(in);
      const auto more = read_telemanom_labels(in / "labeled_anomalies.csv");
      check_label_channels(in / "labeled_anomalies.csv", more, channels);
      labels.insert(labels.end(), more.begin(), more.end());
      for (const auto& chan : channels) {
        Unit u{in, chan, 0};
        for (const char* split : {"train", "test"})
          if (fs::exists(in / split / (chan + ".npy"))) u.bytes += fs::file_size(in / split / (chan + ".npy"));
        units.push_back(std::move(u));
      }
    } else if (o.format == InputFormat::esa_adb) {  // one folder, one unit: ESA-ADB's layout (io/esa_adb.hpp)
      if (!fs::is_directory(in)) throw UsageError("ingest: esa-adb input " + in.string() + " is not a folder");
      units.push_back({in, "", 0});
    } else if (fs::is_directory(in)) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(in))
        if (e.is_regular_file() && e.path().extension() == ".csv") files.push_back(e.path());
      if (files.empty()) throw UsageError("ingest: folder " + in.string() + " has no .csv files");
      std::sort(files.begin(), files.end());
      for (auto& f : files) units.push_back({f, "", fs::file_size(f)});
    } else {
      units.push_back({in, "", fs::file_size(in)});
    }
  }
  return units;
}

// Greedy balance by bytes: largest unit to the least-loaded rank. Deterministic.
std::vector<std::size_t> units_of_rank(const std::vector<Unit>& units, int rank, int size) {
  std::vector<std::size_t> order(units.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return units[a].bytes > units[b].bytes; });
  std::vector<std::uintmax_t> load(static_cast<std::size_t>(size), 0);
  std::vector<std::size_t> mine;
  for (auto u : order) {
    const auto r = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[r] += units[u].bytes + 1;
    if (r == rank) mine.push_back(u);
  }
  std::sort(mine.begin(), mine.end());
  return mine;
}

IngestBatch read_unit(const IngestOptions& o, const Unit& u, const std::vector<TelemanomLabel>& labels) {
  switch (o.format) {
    case InputFormat::csv_long: return read_csv_long(u.path);
    case InputFormat::csv_wide: return read_csv_wide(u.path);
    case InputFormat::telemanom: return read_telemanom_channel(u.path, u.channel, o.period, labels);
    case InputFormat::esa_adb: return read_esa_adb(u.path);
  }
  throw InternalError("unknown input format");
}

}  // namespace

IngestReport ingest(const IngestOptions& o, const Comm& comm) {
  validate_name("mission", o.mission);
  IngestReport report;
  std::vector<TelemanomLabel> labels;
  std::vector<Unit> units;
  comm.run_phase([&] { units = list_units(o, labels); });
  report.files = static_cast<std::int64_t>(units.size());

  MissionWriter writer = MissionWriter::open(o.archive, o.mission, comm, {o.slice});
  const DurationNs slice = writer.slice();
  const int size = comm.size();
  // Readers that know their parameters' metadata (telemanom) declare them; for CSV, only
  // parameters new to the mission are declared, so re-ingesting never blanks existing metadata.
  const bool authoritative = o.format == InputFormat::telemanom || o.format == InputFormat::esa_adb;

  // Phase 1: read this rank's units and cut their samples by owning rank (slice index mod size).
  std::vector<ByteWriter> outbox(static_cast<std::size_t>(size));
  std::int64_t rows = 0;
  comm.run_phase([&] {
    const auto mine = units_of_rank(units, comm.rank(), size);
    Progress progress(comm, "ingest " + o.mission, static_cast<std::int64_t>(mine.size()), "files", o.progress);
    std::int64_t done = 0;
    for (auto u : mine) {
      IngestBatch batch = read_unit(o, units[u], labels);
      rows += batch.rows;
      for (auto& p : batch.params)
        if (authoritative || writer.existing().find_param(p.name) == nullptr) writer.declare(std::move(p));
      for (auto& e : batch.events) writer.add_event(std::move(e));
      for (const auto& [name, s] : batch.samples) {
        validate_name("parameter", name);
        std::vector<Series> parts(static_cast<std::size_t>(size));
        for (std::size_t i = 0; i < s.size(); ++i) {
          const auto owner = static_cast<std::size_t>(floor_div(s.time[i], slice) % size + size) % size;
          parts[owner].time.push_back(s.time[i]);
          parts[owner].value.push_back(s.value[i]);
        }
        for (int r = 0; r < size; ++r) {
          if (parts[r].size() == 0) continue;
          outbox[r].put<std::uint64_t>(u);
          outbox[r].put(name);
          outbox[r].put(parts[r].time);
          outbox[r].put(parts[r].value);
        }
      }
      progress.update(++done);
    }
    progress.finish();
  });

  // Phase 2: exchange, so that each rank holds every sample of the slices it owns.
  std::vector<std::string> send(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r) send[r] = outbox[r].take();
  outbox.clear();
  auto inbox = comm.alltoall_bytes(send);
  send.clear();

  // Phase 3: per parameter, order chunks by unit, sort by time (stable: later input wins),
  // cut into slices and write them.
  std::int64_t duplicates = 0;
  comm.run_phase([&] {
    struct Chunk {
      std::uint64_t unit;
      Series s;
    };
    std::map<std::string, std::vector<Chunk>, std::less<>> chunks;
    for (const auto& bytes : inbox) {
      ByteReader r(bytes);
      while (!r.done()) {
        Chunk c;
        c.unit = r.get<std::uint64_t>();
        auto name = r.get_string();
        r.get_append(c.s.time);
        r.get_append(c.s.value);
        chunks[name].push_back(std::move(c));
      }
    }
    inbox.clear();
    std::map<TimeNs, std::map<std::string, Series, std::less<>>> slices;
    for (auto& [name, list] : chunks) {
      std::stable_sort(list.begin(), list.end(), [](const Chunk& a, const Chunk& b) { return a.unit < b.unit; });
      Series all;
      for (auto& c : list) {
        all.time.insert(all.time.end(), c.s.time.begin(), c.s.time.end());
        all.value.insert(all.value.end(), c.s.value.begin(), c.s.value.end());
        c.s = Series{};
      }
      duplicates += sort_and_dedupe(all.time, all.value);
      std::size_t i = 0;
      while (i < all.size()) {
        const TimeNs start = bucket_start(all.time[i], slice);
        const auto j = static_cast<std::size_t>(
            std::lower_bound(all.time.begin() + static_cast<std::ptrdiff_t>(i), all.time.end(), start + slice) -
            all.time.begin());
        Series& out = slices[start][name];
        out.time.assign(all.time.begin() + static_cast<std::ptrdiff_t>(i), all.time.begin() + static_cast<std::ptrdiff_t>(j));
        out.value.assign(all.value.begin() + static_cast<std::ptrdiff_t>(i), all.value.begin() + static_cast<std::ptrdiff_t>(j));
        i = j;
      }
    }
    chunks.clear();
    for (auto& [start, data] : slices) writer.write_slice(start, std::move(data));
  });

  report.write = writer.commit();
  std::int64_t counts[3] = {rows, duplicates, 0};
  comm.allreduce(std::span<std::int64_t>(counts, 3), ReduceOp::sum);
  report.rows = counts[0];
  report.duplicates = counts[1];
  report.samples = report.write.samples;
  if (comm.is_root()) {
    const Catalog c = read_catalog(o.archive / o.mission / "catalog.h5");
    report.params = static_cast<std::int64_t>(c.params.size());
    report.events = static_cast<std::int64_t>(c.events.size());
  }
  return report;
}

}  // namespace telemine::io
