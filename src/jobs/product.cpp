#include "jobs/product.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/archive.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "jobs/engine/keys.hpp"
#include "jobs/products/provenance.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;

const char* version() noexcept { return "0.1.0"; }

void put_skipped(ByteWriter& w, const std::vector<SkippedPartition>& skipped) {
  w.put<std::uint64_t>(skipped.size());
  for (const auto& s : skipped) {
    w.put(s.mission);
    w.put(s.file);
    w.put(s.reason);
  }
}

std::vector<SkippedPartition> get_skipped(ByteReader& r) {
  std::vector<SkippedPartition> out;
  for (auto n = r.get<std::uint64_t>(); n > 0; --n) {
    SkippedPartition s;
    s.mission = r.get_string();
    s.file = r.get_string();
    s.reason = r.get_string();
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<SkippedPartition> gather_skipped(const Comm& comm, const std::vector<SkippedPartition>& mine) {
  ByteWriter w;
  put_skipped(w, mine);
  std::vector<SkippedPartition> all;
  for (const auto& bytes : comm.gather_bytes(w.take())) {
    ByteReader r(bytes);
    for (auto& s : get_skipped(r)) all.push_back(std::move(s));
  }
  return all;
}

bool Product::complete(const Job& job, const Plan& plan, int ranks) {
  const fs::path dir = job.common().output;
  std::ifstream in(dir / ".complete");
  std::string word, key;
  if (!(in >> word >> key) || word != "key" || key != job_key(job, plan, ranks).checksum()) return false;
  std::string checksum, name;
  int files = 0;
  while (in >> checksum >> name) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / name, ec) || io::file_checksum(dir / name) != checksum) return false;
    ++files;
  }
  return files > 0;
}

Product::Product(const Job& job, const Plan& plan, const Comm& comm)
    : job_(job), plan_(plan), comm_(comm), dir_(job.common().output), mark_(std::chrono::steady_clock::now()) {
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_)) job.fail("output", "cannot create folder " + dir_.string() + ": " + ec.message());
  });
}

Product::~Product() {
  if (published_ || !comm_.is_root()) return;
  for (const auto& name : staged_) io::remove_quietly(staging(name));
}

void Product::add_skipped(std::vector<SkippedPartition> skipped) {
  skipped_ = std::move(skipped);
  if (comm_.is_root())
    for (const auto& s : skipped_) log::warn("skipped " + s.mission + "/" + s.file + " (on-error = skip): " + s.reason);
}

std::string Product::skipped_note() const {
  if (skipped_.empty()) return "";
  return "; " + std::to_string(skipped_.size()) + " of " + std::to_string(plan_.partitions.size()) +
         (plan_.partitions.size() == 1 ? " partition" : " partitions") + " skipped (on-error = skip)";
}

fs::path Product::staging(const std::string& name) const {
  if (std::find(staged_.begin(), staged_.end(), name) == staged_.end()) staged_.push_back(name);
  return dir_ / ("." + name + ".partial");
}

void Product::phase(const std::string& name) {
  const auto now = std::chrono::steady_clock::now();
  phases_.emplace_back(name, std::chrono::duration<double>(now - mark_).count());
  mark_ = now;
}

std::vector<fs::path> Product::publish(const std::vector<std::string>& outputs) {
  std::vector<fs::path> final_paths;
  comm_.run_phase([&] {
    if (!comm_.is_root()) return;
    io::JsonWriter w;
    w.begin_object();
    w.field("product", "telemine " + job_.common().kind);
    w.field("telemine_version", version());
    const std::time_t now = std::time(nullptr);
    w.field("created", format_time(static_cast<TimeNs>(now) * kSecond));
    w.field("job_file", job_.file().string());
    w.field("job_text", job_.text());
    w.key("overrides").begin_array();
    for (const auto& a : job_.overrides()) w.value(a);
    w.end_array();
    w.field("ranks", comm_.size());
    w.key("range").begin_object();
    w.field("from", plan_.from == kTimeMin ? std::string("start") : format_time(plan_.from));
    w.field("to", plan_.to == kTimeMax ? std::string("end") : format_time(plan_.to));
    w.end_object();
    // The range actually read (the data's span where the job gave no end), and the command
    // with its options when the job came from one, so that the product can be made again.
    w.key("resolved_range").begin_object();
    w.field("from", format_time(plan_.resolved_from));
    w.field("to", format_time(plan_.resolved_to));
    w.end_object();
    if (!job_.command().empty()) {
      w.field("command", "telemine " + job_.command());
      w.key("options").begin_array();
      for (const auto& a : job_.overrides()) w.value(a);
      w.end_array();
    }
    w.key("inputs").begin_array();
    for (const auto& p : plan_.partitions) {
      w.begin_object();
      w.field("mission", plan_.missions[p.mission].name);
      w.field("file", p.info.file);
      w.field("samples", p.info.samples);
      w.field("checksum", p.info.checksum);
      w.end_object();
    }
    w.end_array();
    w.key("skipped").begin_array();
    for (const auto& s : skipped_) {
      w.begin_object().field("mission", s.mission).field("file", s.file).field("reason", s.reason).end_object();
    }
    w.end_array();
    w.key("timings_seconds").begin_object();
    for (const auto& [name, secs] : phases_) w.field(name, secs);
    w.end_object();
    std::vector<products::GeneratedOutput> generated;
    w.key("outputs").begin_array();
    for (const auto& name : outputs) {
      const fs::path staged = staging(name);
      generated.push_back({name, io::file_checksum(staged), static_cast<std::int64_t>(fs::file_size(staged))});
      w.begin_object();
      w.field("file", name);
      w.field("bytes", generated.back().bytes);
      w.field("checksum", generated.back().checksum);
      w.end_object();
    }
    w.end_array();
    if (summary_) {
      w.key("summary").begin_object();
      summary_(w);
      w.end_object();
    }
    double seconds = 0;
    for (const auto& phase : phases_) seconds += phase.second;
    const TimeNs ended = static_cast<TimeNs>(now) * kSecond;
    products::write_preservation(w, job_, plan_, comm_.size(), ended - static_cast<TimeNs>(seconds * 1e9), ended, generated);
    w.end_object();
    for (const auto& name : outputs) {
      io::fsync_file(staging(name));
      io::rename_durably(staging(name), dir_ / name);
      final_paths.push_back(dir_ / name);
    }
    io::write_file_atomically(dir_ / "product.json", w.str());
    final_paths.push_back(dir_ / "product.json");
    // Last: what --skip-complete checks (the job's key, every output and its checksum).
    std::string complete = "key " + job_key(job_, plan_, comm_.size()).checksum() + "\n";
    for (const auto& p : final_paths) complete += io::file_checksum(p) + " " + p.filename().string() + "\n";
    io::write_file_atomically(dir_ / ".complete", complete);
  });
  published_ = true;
  return final_paths;
}

}  // namespace telemine::jobs
