#include "jobs/dataset/export.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <limits>
#include <set>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/esa_adb.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "io/npy.hpp"
#include "jobs/job.hpp"
#include "jobs/product.hpp"

namespace telemine::jobs::dataset {
namespace fs = std::filesystem;

namespace {

struct Channel {
  const io::ParamInfo* info;
  std::string name;  // as published (anonymised or not)
  bool target;
};

struct Plan {
  io::Catalog catalog;
  std::vector<Channel> channels;
  std::vector<const io::Event*> labels;  // labelled events on the channels, within the splits
  std::vector<const io::Event*> others;  // the rest of the events within the splits
  TimeNs data_from = kTimeMax, data_to = kTimeMin;
};

bool is_label(const io::Event& e, bool drop_rare) {
  return e.kind == "anomaly" || (e.kind == "rare-nominal" && !drop_rare) || e.category == "Anomaly";
}

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr) != 1) throw InternalError("EVP_Digest failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += hex[md[i] >> 4], out += hex[md[i] & 15];
  return out;
}

void check_splits(const ExportOptions& o, const Plan& p) {
  if (o.splits.empty()) throw UsageError("--split: at least one split, e.g. train:2026-01-01..2026-01-02");
  for (std::size_t i = 0; i < o.splits.size(); ++i) {
    const auto& s = o.splits[i];
    if (s.from < p.data_from || s.to - o.grid > p.data_to)  // the last row, at to - grid, holds a sample
      throw UsageError("--split " + s.name + ": " + format_time(s.from) + ".." + format_time(s.to) + " falls outside the data (" +
                       format_time(p.data_from) + ".." + format_time(p.data_to) + ")");
    if ((s.to - s.from) % o.grid != 0)
      throw UsageError("--grid " + format_duration(o.grid) + " does not divide the split " + s.name + " (" +
                       format_duration(s.to - s.from) + ")");
    for (std::size_t j = 0; j < i; ++j)
      if (s.from < o.splits[j].to && o.splits[j].from < s.to)
        throw UsageError("--split " + s.name + " overlaps the split " + o.splits[j].name);
  }
}

Plan make_plan(const ExportOptions& o) {
  const io::Archive archive = io::Archive::open(o.archive);
  if (!archive.has_mission(o.mission)) throw UsageError("--mission: no mission " + o.mission + " in " + o.archive);
  Plan p{archive.catalog(o.mission), {}, {}, {}};
  for (const auto& part : p.catalog.partitions)
    p.data_from = std::min(p.data_from, part.first_time), p.data_to = std::max(p.data_to, part.last_time);
  std::set<std::string> wanted(o.params.begin(), o.params.end()), targets(o.targets.begin(), o.targets.end());
  for (const auto& n : wanted)
    if (!p.catalog.find_param(n)) throw UsageError("--params: unknown parameter '" + n + "' in mission " + o.mission);
  for (const auto& n : targets)
    if (!p.catalog.find_param(n)) throw UsageError("--targets: unknown parameter '" + n + "' in mission " + o.mission);
  for (const auto& info : p.catalog.params)
    if (wanted.empty() || wanted.count(info.name))
      p.channels.push_back({&info, o.anonymise ? "channel_" + std::to_string(p.channels.size() + 1) : info.name,
                            targets.empty() || targets.count(info.name) > 0});
  check_splits(o, p);
  if (o.format == "telemanom" &&
      (o.splits.size() != 2 || o.splits[0].name != "train" || o.splits[1].name != "test"))
    throw UsageError("--split: the telemanom layout has the splits train and test, in that order");
  std::set<std::string> names;
  for (const auto& c : p.channels) names.insert(c.info->name);
  for (const auto& e : p.catalog.events) {
    bool inside = false;
    for (const auto& s : o.splits) inside |= e.start < s.to && e.end >= s.from;
    if (!inside) continue;
    if (is_label(e, o.drop_rare_nominal) && names.count(e.param)) p.labels.push_back(&e);
    else if (!is_label(e, false)) p.others.push_back(&e);
  }
  return p;
}

std::string id_of(const io::Event& e, const Plan& p) {
  if (!e.id.empty()) return e.id;
  return "event_" + std::to_string(&e - p.catalog.events.data());
}

// This rank's rows [first, last) of one split, as CSV text.
std::string rows_text(const ExportOptions& o, const Plan& p, const Split& s, std::int64_t first, std::int64_t last) {
  if (first >= last) return {};
  const TimeNs t0 = s.from + first * o.grid, t1 = s.from + (last - 1) * o.grid;
  const io::Archive archive = io::Archive::open(o.archive);
  std::vector<io::Series> series;
  for (const auto& c : p.channels) {
    // Zero-order hold needs the last sample at or before t0: look back a slice, then further.
    io::Series x = archive.read(p.catalog, c.info->name, t0 - p.catalog.slice, t1 + 1);
    if (x.size() == 0 || x.time.front() > t0) {
      io::Series before = archive.read(p.catalog, c.info->name, kTimeMin, t0 + 1);
      x = archive.read(p.catalog, c.info->name, before.size() ? before.time.back() : t0, t1 + 1);
    }
    series.push_back(std::move(x));
  }
  std::vector<std::vector<std::pair<TimeNs, TimeNs>>> spans(p.channels.size());
  for (const auto* e : p.labels)
    for (std::size_t c = 0; c < p.channels.size(); ++c)
      if (p.channels[c].info->name == e->param) spans[c].emplace_back(e->start, e->end);
  std::vector<std::size_t> at(p.channels.size(), 0);
  std::string out;
  char tbuf[40];
  for (std::int64_t k = first; k < last; ++k) {
    const TimeNs t = s.from + k * o.grid;
    out.append(tbuf, format_time(t, tbuf));
    for (std::size_t c = 0; c < series.size(); ++c) {
      const auto& x = series[c];
      while (at[c] < x.size() && x.time[at[c]] <= t) ++at[c];
      out += ',';
      if (at[c] > 0) io::append_number(out, x.value[at[c] - 1]);
    }
    for (std::size_t c = 0; c < p.channels.size(); ++c) {
      if (!p.channels[c].target) continue;
      bool flagged = false;  // closed intervals, as ESA-ADB's labels
      for (const auto& [a, b] : spans[c]) flagged |= a <= t && t <= b;
      out += flagged ? ",1" : ",0";
    }
    out += '\n';
  }
  return out;
}

std::string split_header(const Plan& p) {
  std::string h = "timestamp";
  for (const auto& c : p.channels) h += "," + io::csv_field(c.name);
  for (const auto& c : p.channels)
    if (c.target) h += "," + io::csv_field("is_anomaly_" + c.name);
  return h + "\n";
}

std::map<std::string, std::string> table_files(const ExportOptions& o, const Plan& p) {
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> published;
  for (const auto& c : p.channels) published[c.info->name] = c.name;
  std::string ch = "Channel,Subsystem,Physical Unit,Group,Target,Categorical\n";
  for (const auto& c : p.channels)
    ch += io::csv_field(c.name) + "," + io::csv_field(o.anonymise ? "" : c.info->subsystem) + "," + io::csv_field(c.info->unit) +
          "," + io::csv_field(c.info->subsystem) + "," + (c.target ? "YES" : "NO") + "," +
          (c.info->kind == io::ParamKind::state ? "YES" : "NO") + "\n";
  files["channels.csv"] = ch;
  std::string labels = "ID,Channel,StartTime,EndTime\n", types = "ID,Class,Subclass,Category,Dimensionality,Locality,Length\n";
  std::set<std::string> typed;
  for (const auto* e : p.labels) {
    const std::string id = id_of(*e, p);
    labels += io::csv_field(id) + "," + io::csv_field(published[e->param]) + "," + format_time(e->start) + "," + format_time(e->end) + "\n";
    if (!typed.insert(id).second) continue;
    const std::string category = !e->category.empty() ? e->category : (e->kind == "anomaly" ? "Anomaly" : "Rare Event");
    const std::string fields[] = {id, e->cls, e->subclass, category, e->dimensionality, e->locality, e->length};
    for (std::size_t i = 0; i < std::size(fields); ++i) types += (i ? "," : "") + io::csv_field(fields[i]);
    types += "\n";
  }
  files["labels.csv"] = labels;
  files["anomaly_types.csv"] = types;
  std::string tc = "Telecommand,Priority\n", ev = "ID,Event,StartTime,EndTime\n";
  std::set<std::string> commands;
  for (const auto* e : p.others) {
    if (e->kind == "command" && !e->param.empty() && commands.insert(e->param).second)
      tc += io::csv_field(published.count(e->param) ? published[e->param] : e->param) + ",\n";
    ev += io::csv_field(id_of(*e, p)) + "," + io::csv_field(e->kind + (e->text.empty() ? "" : ": " + e->text)) + "," +
          format_time(e->start) + "," + format_time(e->end) + "\n";
  }
  files["telecommands.csv"] = tc;
  files["events.csv"] = ev;
  return files;
}

}  // namespace

std::vector<Split> parse_splits(const std::string& text) {
  std::vector<Split> out;
  for (const auto& item : io::split_csv(text)) {
    const auto colon = item.find(':'), dots = item.find("..");
    if (colon == std::string::npos || dots == std::string::npos || dots < colon)
      throw UsageError("--split " + item + ": expected NAME:FROM..TO, e.g. train:2026-01-01..2026-01-02");
    Split s{item.substr(0, colon), 0, 0};
    try {
      s.from = parse_time(item.substr(colon + 1, dots - colon - 1));
      s.to = parse_time(item.substr(dots + 2));
    } catch (const UsageError& e) {
      throw UsageError("--split " + item + ": " + e.what());
    }
    if (s.name.empty() || s.to <= s.from) throw UsageError("--split " + item + ": a name and FROM before TO");
    out.push_back(s);
  }
  return out;
}

namespace {

struct SplitStats {
  std::int64_t rows = 0, anomalous_rows = 0;
};

// Rows with any is_anomaly column set, counted from the text (the last fields of a row).
SplitStats count_rows(const std::string& text, std::size_t targets) {
  SplitStats s;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    ++s.rows;
    const std::string_view row(text.data() + begin, end - begin);
    if (targets > 0 && row.substr(row.size() - 2 * targets).find('1') != std::string_view::npos) ++s.anomalous_rows;
    begin = end + 1;
  }
  return s;
}

std::string datasheet(const ExportOptions& o, const Plan& p, const std::map<std::string, SplitStats>& stats) {
  std::string md = "# " + o.mission + " anomaly benchmark (ESA-ADB layout)\n\nMade by telemine " + std::string(version()) +
                   " from the archive's mission " + o.mission + ":\n\n    " + o.command + "\n\n";
  md += "Channels: " + std::to_string(p.channels.size()) + ", resampled by zero-order hold (the last sample at or before each "
        "grid time) on a " + format_duration(o.grid) + " grid" + (o.anonymise ? "; names anonymised" : "") + ".\n\n";
  md += "| split | from | to | rows | rows with an anomaly | contamination |\n|---|---|---|---|---|---|\n";
  for (const auto& s : o.splits) {
    const auto& st = stats.at(s.name);
    char c[32];
    std::snprintf(c, sizeof c, "%.4f", st.rows ? static_cast<double>(st.anomalous_rows) / static_cast<double>(st.rows) : 0.0);
    md += "| " + s.name + " | " + format_time(s.from) + " | " + format_time(s.to) + " | " + std::to_string(st.rows) + " | " +
          std::to_string(st.anomalous_rows) + " | " + c + " |\n";
  }
  std::map<std::string, std::set<std::string>> by_class;
  for (const auto* e : p.labels) by_class[(e->category.empty() ? e->kind : e->category) + " / " + (e->cls.empty() ? "-" : e->cls)].insert(id_of(*e, p));
  md += "\nLabelled events by category / class (ids):\n\n";
  for (const auto& [k, ids] : by_class) md += "- " + k + ": " + std::to_string(ids.size()) + "\n";
  md += "\nChannels:\n\n";
  for (const auto& c : p.channels)
    md += "- " + c.name + (c.target ? " (target)" : "") + (o.anonymise ? "" : ": " + c.info->subsystem + ", " + c.info->unit) + "\n";
  return md + "\nFiles: channels.csv, labels.csv (closed intervals), anomaly_types.csv, telecommands.csv, events.csv, one CSV per "
              "split, metadata.json (Croissant), SHA256SUMS.\n";
}

std::string croissant(const ExportOptions& o, const std::map<std::string, std::string>& files) {
  io::JsonWriter j;
  j.begin_object();
  j.key("@context").begin_object();
  j.field("@vocab", "https://schema.org/");
  j.field("sc", "https://schema.org/");
  j.field("cr", "http://mlcommons.org/croissant/");
  j.end_object();
  j.field("@type", "sc:Dataset");
  j.field("conformsTo", "http://mlcommons.org/croissant/1.0");
  j.field("name", o.mission + "-anomaly-benchmark");
  j.field("description", "Telemetry channels and labelled anomalies of mission " + o.mission + " in the layout of ESA-ADB");
  j.field("creator", std::string("telemine ") + version());
  j.key("distribution").begin_array();
  for (const auto& [name, bytes] : files) {
    j.begin_object();
    j.field("@type", "cr:FileObject");
    j.field("@id", name);
    j.field("name", name);
    j.field("contentUrl", name);
    j.field("encodingFormat", name.ends_with(".md") ? "text/markdown" : "text/csv");
    j.field("sha256", sha256_hex(bytes));
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

void write_all(const ExportOptions& o, const Plan& p, std::map<std::string, std::string> files, int ranks) {
  files["metadata.json"] = croissant(o, files);
  std::string sums;
  for (const auto& [name, bytes] : files) sums += sha256_hex(bytes) + "  " + name + "\n";
  io::JsonWriter j;
  j.begin_object();
  j.field("telemine", version());
  j.field("command", o.command);
  j.field("ranks", ranks);
  j.key("inputs").begin_array();
  for (const auto& part : p.catalog.partitions) {
    bool used = false;
    for (const auto& s : o.splits) used |= part.start < s.to && part.end > s.from - p.catalog.slice;
    if (!used) continue;
    j.begin_object().field("file", part.file).field("checksum", part.checksum).end_object();
  }
  j.end_array();
  j.key("files").begin_array();
  for (const auto& [name, bytes] : files)
    j.begin_object().field("name", name).field("bytes", static_cast<std::int64_t>(bytes.size())).field("sha256", sha256_hex(bytes)).end_object();
  j.end_array();
  j.end_object();
  files["SHA256SUMS"] = sums;
  files["product.json"] = j.str() + "\n";
  const fs::path out(o.output);
  if (fs::exists(out)) throw UsageError("--output " + o.output + " exists: remove it or choose another folder");
  const fs::path tmp = io::temporary_name(out);
  try {
    io::make_directories(tmp);
    for (const auto& [name, bytes] : files) {
      if (name.find('/') != std::string::npos) io::make_directories((tmp / name).parent_path());
      io::write_file(tmp / name, bytes);
      io::fsync_file(tmp / name);
    }
    io::rename_durably(tmp, out);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
}

// One split's grid values, column by column, read back from its CSV rows (the shortest
// decimal forms parse back to the same doubles; an empty cell is NaN).
std::vector<std::vector<double>> columns_of(const std::string& text, std::size_t channels) {
  std::vector<std::vector<double>> cols(channels);
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    std::size_t field = text.find(',', begin);  // past the timestamp
    for (std::size_t c = 0; c < channels; ++c) {
      const std::size_t next = std::min(text.find(',', field + 1), end);
      const std::string cell = text.substr(field + 1, next - field - 1);
      cols[c].push_back(cell.empty() ? std::numeric_limits<double>::quiet_NaN() : std::strtod(cell.c_str(), nullptr));
      field = next;
    }
    begin = end + 1;
  }
  return cols;
}

void telemanom_files(const ExportOptions& o, const Plan& p, const std::map<std::string, std::string>& text,
                     std::map<std::string, std::string>& files) {
  const Split& test = o.splits[1];
  const std::int64_t n_test = (test.to - test.from) / o.grid;
  for (const auto& s : o.splits) {
    const auto cols = columns_of(text.at(s.name), p.channels.size());
    for (std::size_t c = 0; c < p.channels.size(); ++c)
      files[s.name + "/" + p.channels[c].name + ".npy"] =
          io::npy_bytes({static_cast<std::int64_t>(cols[c].size()), 1}, cols[c]);
  }
  std::string csv = "chan_id,spacecraft,anomaly_sequences,class,num_values\n";
  for (const auto& ch : p.channels) {
    std::string seqs, classes;
    for (const auto* e : p.labels) {
      if (e->param != ch.info->name || !ch.target) continue;
      // Rows whose grid time lies in the closed label: the first at or after its start, the
      // last at or before its end.
      const std::int64_t a = std::max<std::int64_t>(0, (e->start - test.from + o.grid - 1) / o.grid);
      const std::int64_t b = std::min<std::int64_t>(n_test - 1, floor_div(e->end - test.from, o.grid));
      if (e->end < test.from || a > b) continue;
      seqs += (seqs.empty() ? "" : ", ") + ("[" + std::to_string(a) + ", " + std::to_string(b) + "]");
      classes += (classes.empty() ? "" : ", ") + (e->cls.empty() ? std::string("anomaly") : e->cls);
    }
    if (!seqs.empty())
      csv += ch.name + "," + io::csv_field(o.mission) + ",\"[" + seqs + "]\",\"[" + classes + "]\"," + std::to_string(n_test) + "\n";
  }
  files["labeled_anomalies.csv"] = csv;
}

}  // namespace

void export_esa_adb(const ExportOptions& o, const Comm& comm) {
  Plan p;
  comm.run_phase([&] { p = make_plan(o); });  // every rank checks the same options: errors everywhere
  std::map<std::string, std::string> mine;
  comm.run_phase([&] {
    for (const auto& s : o.splits) {
      const std::int64_t n = (s.to - s.from) / o.grid, r = comm.rank(), size = comm.size();
      mine[s.name] = rows_text(o, p, s, n * r / size, n * (r + 1) / size);
    }
  });
  std::map<std::string, std::vector<std::string>> gathered;
  for (const auto& s : o.splits) gathered[s.name] = comm.gather_bytes(mine[s.name]);
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    const bool esa_layout = o.format != "telemanom";
    std::map<std::string, std::string> files = esa_layout ? table_files(o, p) : std::map<std::string, std::string>{};
    std::map<std::string, SplitStats> stats;
    std::map<std::string, std::string> texts;
    std::size_t targets = 0;
    for (const auto& c : p.channels) targets += c.target;
    for (const auto& s : o.splits) {
      std::string& text = texts[s.name];
      for (const auto& part : gathered[s.name]) text += part;
      stats[s.name] = count_rows(text, targets);
      if (esa_layout) files[s.name + ".csv"] = split_header(p) + text;
    }
    if (!esa_layout) telemanom_files(o, p, texts, files);
    files["README.md"] = datasheet(o, p, stats);
    write_all(o, p, std::move(files), comm.size());
  });
}

int run_export_job(const Job& job, const Comm& comm) {
  const auto& c = job.common();
  if (c.missions.size() != 1) throw JobError("mission: a dataset is cut from one mission");
  ExportOptions o;
  o.archive = c.archive.string();
  o.mission = c.missions[0];
  o.params = c.params;
  o.output = c.output.string();
  const auto split = job.get("dataset.split");
  if (!split) throw JobError(job.where("dataset.split") + ": key 'dataset.split': required (e.g. train:2026-01-01..2026-01-05,test:2026-01-05..2026-01-08)");
  o.splits = parse_splits(*split);
  o.grid = parse_duration(job.get("dataset.grid").value_or("30s"));
  o.format = job.get("dataset.format").value_or("esa-adb");
  if (o.format != "esa-adb" && o.format != "telemanom") throw JobError("dataset.format: esa-adb or telemanom, not " + o.format);
  if (const auto t = job.get("dataset.targets"))
    for (auto& name : io::split_csv(*t)) {
      name.erase(0, name.find_first_not_of(' '));
      if (!name.empty()) o.targets.push_back(name);
    }
  o.anonymise = job.get("dataset.anonymise").value_or("no") == "yes";
  o.drop_rare_nominal = job.get("dataset.drop-rare-nominal").value_or("no") == "yes";
  o.command = "telemine run " + job.file().string();
  for (const auto& a : job.overrides()) o.command += " " + a;
  export_esa_adb(o, comm);
  if (comm.is_root()) std::printf("dataset: %s\n", o.output.c_str());
  return 0;
}

}  // namespace telemine::jobs::dataset
