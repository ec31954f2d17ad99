#include "jobs/dataset/export.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
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
#include "kernels/esa_resample.hpp"

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
  std::vector<std::pair<double, double>> scale{};  // per channel: min, max of the train split (minmax)
  std::int64_t restored = 0;                       // rows that kept a labelled sample, all ranks
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
  const auto& n = o.names;
  if (o.splits.empty()) throw UsageError(n.split + ": at least one split, e.g. train:2026-01-01..2026-01-02");
  for (std::size_t i = 0; i < o.splits.size(); ++i) {
    const auto& s = o.splits[i];
    if (s.from < p.data_from || s.to - o.grid > p.data_to)  // the last row, at to - grid, holds a sample
      throw UsageError(n.split + ": the split " + s.name + " (" + format_time(s.from) + ".." + format_time(s.to) +
                       ") falls outside the data (" + format_time(p.data_from) + ".." + format_time(p.data_to) + ")");
    if ((s.to - s.from) % o.grid != 0)
      throw UsageError(n.grid + ": " + format_duration(o.grid) + " does not divide the split " + s.name + " (" +
                       format_duration(s.to - s.from) + ")");
    for (std::size_t j = 0; j < i; ++j)
      if (s.from < o.splits[j].to && o.splits[j].from < s.to)
        throw UsageError(n.split + ": the split " + s.name + " overlaps the split " + o.splits[j].name);
  }
  if (o.format == "telemanom" && (o.splits.size() != 2 || o.splits[0].name != "train" || o.splits[1].name != "test"))
    throw UsageError(n.split + ": the telemanom layout has the splits train and test, in that order");
}

// Before any resampling: an output that exists must be an empty folder (replaced when complete).
void check_output(const ExportOptions& o) {
  const fs::path out(o.output);
  std::error_code ec;
  if (!fs::exists(out, ec)) return;
  if (!fs::is_directory(out, ec) || !fs::is_empty(out, ec))
    throw UsageError(o.names.output + ": " + o.output + " exists and is not an empty folder: remove it or choose another");
}

std::vector<Channel> pick_channels(const ExportOptions& o, const io::Catalog& catalog) {
  std::set<std::string> wanted(o.params.begin(), o.params.end()), targets(o.targets.begin(), o.targets.end());
  for (const auto& n : wanted)
    if (!catalog.find_param(n)) throw UsageError(o.names.params + ": unknown parameter '" + n + "' in mission " + o.mission);
  for (const auto& n : targets) {
    if (!catalog.find_param(n)) throw UsageError(o.names.targets + ": unknown parameter '" + n + "' in mission " + o.mission);
    if (!wanted.empty() && !wanted.count(n))
      throw UsageError(o.names.targets + ": '" + n + "' is not one of the channels (" + o.names.params + ")");
  }
  std::vector<Channel> out;
  for (const auto& info : catalog.params)
    if (wanted.empty() || wanted.count(info.name))
      out.push_back({&info, o.anonymise ? "channel_" + std::to_string(out.size() + 1) : info.name,
                     targets.empty() || targets.count(info.name) > 0});
  return out;
}

Plan make_plan(const ExportOptions& o) {
  check_output(o);
  const io::Archive archive = io::Archive::open(o.archive);
  if (!archive.has_mission(o.mission)) throw UsageError(o.names.mission + ": no mission " + o.mission + " in " + o.archive);
  Plan p{archive.catalog(o.mission), {}, {}, {}};
  for (const auto& part : p.catalog.partitions)
    p.data_from = std::min(p.data_from, part.first_time), p.data_to = std::max(p.data_to, part.last_time);
  p.channels = pick_channels(o, p.catalog);
  check_splits(o, p);
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

// Every channel's samples for the grid rows [t0, t1] of one split: from a bin before t0 on (the
// restoration looks at the bin [t0 - grid, t0)), and back to the last sample at or before t0.
std::vector<io::Series> read_window(const ExportOptions& o, const Plan& p, TimeNs t0, TimeNs t1) {
  const io::Archive archive = io::Archive::open(o.archive);
  const DurationNs back = std::max<DurationNs>(p.catalog.slice, o.grid);
  std::vector<io::Series> series;
  for (const auto& c : p.channels) {
    io::Series x = archive.read(p.catalog, c.info->name, t0 - back, t1 + 1);
    if (x.size() == 0 || x.time.front() > t0) {
      io::Series before = archive.read(p.catalog, c.info->name, kTimeMin, t0 + 1);
      x = archive.read(p.catalog, c.info->name, before.size() ? std::min(before.time.back(), t0 - o.grid) : t0 - o.grid, t1 + 1);
    }
    series.push_back(std::move(x));
  }
  return series;
}

// One chunk of grid rows, channel by channel (kernels/esa_resample.hpp).
struct Chunk {
  std::int64_t first = 0, rows = 0;
  std::vector<std::vector<double>> value;
  std::vector<std::vector<std::uint8_t>> flag;
  std::vector<std::vector<TimeNs>> restored;
  std::vector<TimeNs> first_sample;  // per channel: rows before it are empty cells (a NaN sample is `nan`)
};

// Calls visit(chunk) for the rows [first, last) of split s, resampled in chunks of 4096 rows
// (the values of a chunk stay in cache while its rows are formatted).
template <class Visit>
void resample_rows(const ExportOptions& o, const Plan& p, const Split& s, std::int64_t first, std::int64_t last, Visit&& visit) {
  if (first >= last) return;
  const auto series = read_window(o, p, s.from + first * o.grid, s.from + (last - 1) * o.grid);
  std::vector<std::vector<kernels::esa::Interval>> labels(p.channels.size());
  for (const auto* e : p.labels)
    for (std::size_t c = 0; c < p.channels.size(); ++c)
      if (p.channels[c].info->name == e->param) labels[c].push_back({e->start, e->end});
  const std::size_t nc = p.channels.size();
  Chunk ch{0, 0, std::vector<std::vector<double>>(nc), std::vector<std::vector<std::uint8_t>>(nc), std::vector<std::vector<TimeNs>>(nc), {}};
  for (const auto& x : series) ch.first_sample.push_back(x.size() ? x.time.front() : kTimeMax);
  constexpr std::int64_t kChunk = 4096;
  for (std::int64_t k = first; k < last; k += kChunk) {
    ch.first = k;
    ch.rows = std::min(kChunk, last - k);
    const TimeNs t0 = s.from + k * o.grid;
    for (std::size_t c = 0; c < nc; ++c) {
      const auto& x = series[c];
      // From the last sample before the chunk's first bin: the kernel finds its place from there.
      auto from = std::lower_bound(x.time.begin(), x.time.end(), t0 - o.grid);
      if (from != x.time.begin()) --from;
      const std::size_t i = static_cast<std::size_t>(from - x.time.begin());
      ch.value[c].resize(ch.rows), ch.flag[c].resize(ch.rows), ch.restored[c].resize(ch.rows);
      kernels::esa::resample_channel(std::span(x.time).subspan(i), std::span(x.value).subspan(i), labels[c], t0, o.grid,
                                     o.restore_labelled, ch.value[c], ch.flag[c], ch.restored[c]);
      if (!p.scale.empty()) kernels::esa::minmax_scale(ch.value[c], p.scale[c].first, p.scale[c].second);
    }
    visit(ch);
  }
}

// This rank's rows [first, last) of one split, as CSV text.
std::string rows_text(const ExportOptions& o, const Plan& p, const Split& s, std::int64_t first, std::int64_t last,
                      std::int64_t& restored) {
  std::string out;
  char tbuf[40];
  resample_rows(o, p, s, first, last, [&](const Chunk& ch) {
    for (const auto& col : ch.restored) restored += std::count_if(col.begin(), col.end(), [](TimeNs t) { return t != kTimeMin; });
    for (std::int64_t r = 0; r < ch.rows; ++r) {
      const TimeNs t = s.from + (ch.first + r) * o.grid;
      out.append(tbuf, format_time(t, tbuf));
      for (std::size_t c = 0; c < p.channels.size(); ++c) {
        out += ',';
        if (t >= ch.first_sample[c]) io::append_number(out, ch.value[c][r]);
      }
      for (std::size_t c = 0; c < p.channels.size(); ++c)
        if (p.channels[c].target) out += ch.flag[c][r] ? ",1" : ",0";
      out += '\n';
    }
    // The first chunk tells the row's size: reserve the rest once (no regrowth, no recopying).
    if (ch.first == first) out.reserve(out.size() / ch.rows * (last - first) * 21 / 20 + 64);
  });
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

std::vector<Split> parse_splits(const std::string& text, const std::string& name) {
  std::vector<Split> out;
  for (const auto& item : io::split_csv(text)) {
    const auto colon = item.find(':'), dots = item.find("..");
    if (colon == std::string::npos || dots == std::string::npos || dots < colon)
      throw UsageError(name + ": " + item + ": expected NAME:FROM..TO, e.g. train:2026-01-01..2026-01-02");
    Split s{item.substr(0, colon), 0, 0};
    try {
      s.from = parse_time(item.substr(colon + 1, dots - colon - 1));
      s.to = parse_time(item.substr(dots + 2));
    } catch (const UsageError& e) {
      throw UsageError(name + ": " + item + ": " + e.what());
    }
    if (s.name.empty() || s.to <= s.from) throw UsageError(name + ": " + item + ": a name and FROM before TO");
    // A split is a file name (<name>.csv, <name>/ in telemanom's layout).
    if (s.name.find_first_of("/\\.") != std::string::npos || s.name.find_first_of(" \t") != std::string::npos)
      throw UsageError(name + ": " + item + ": a split's name is a file name: no '/', '.' or space");
    for (const auto& o : out)
      if (o.name == s.name) throw UsageError(name + ": the split " + s.name + " is given twice");
    out.push_back(s);
  }
  return out;
}

namespace {

struct SplitStats {
  std::int64_t rows = 0, anomalous_rows = 0;
};

// Rows with any is_anomaly column set, counted from the text (the last fields of a row).
SplitStats count_rows(std::string_view text, std::size_t targets) {
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

const Split& train_split(const ExportOptions& o) {
  for (const auto& s : o.splits)
    if (s.name == "train") return s;
  return o.splits.front();
}

// How the values were made beyond the hold: ESA-ADB's restoration, the scaling.
std::string preprocessing_text(const ExportOptions& o, const Plan& p) {
  std::string md;
  if (o.restore_labelled)
    md += "Labelled samples kept as ESA-ADB's preprocessing keeps them: when a grid bin [t - grid, t) holds several samples, "
          "some labelled and the last one not, the row at t takes the bin's last labelled sample (value and is_anomaly = 1). "
          "Rows kept so: " + std::to_string(p.restored) + ".\n\n";
  else
    md += "Plain zero-order hold: labelled samples between grid times are not restored (`--restore-labelled no`).\n\n";
  if (o.scale == "minmax")
    md += "Values min-max scaled per channel, fitted on the split " + train_split(o).name +
          " and applied to every split: v = (x - min) / (max - min) (x - min for a constant channel); undo with "
          "x = min + v * (max - min), min and max per channel in scaling.csv and metadata.json (variableMeasured).\n\n";
  return md;
}

std::string datasheet(const ExportOptions& o, const Plan& p, const std::map<std::string, SplitStats>& stats) {
  const bool esa_layout = o.format != "telemanom";
  std::string md = "# " + o.mission + " anomaly benchmark (" + (esa_layout ? "ESA-ADB" : "telemanom") +
                   " layout)\n\nMade by telemine " + std::string(version()) +
                   " from the archive's mission " + o.mission + ":\n\n    " + o.command + "\n\n";
  md += "Channels: " + std::to_string(p.channels.size()) + ", resampled by zero-order hold (the last sample at or before each "
        "grid time) on a " + format_duration(o.grid) + " grid" + (o.anonymise ? "; names anonymised" : "") + ".\n\n";
  md += preprocessing_text(o, p);
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
  const std::string files = esa_layout ? "channels.csv, labels.csv (closed intervals), anomaly_types.csv, telecommands.csv, "
                                         "events.csv, one CSV per split"
                                       : "train/ and test/ with one .npy per channel (rows x 1, float64), "
                                         "labeled_anomalies.csv (inclusive [start, end] row indices into test/)";
  return md + "\nFiles: " + files + ", metadata.json (Croissant), SHA256SUMS" + (o.scale == "minmax" ? ", scaling.csv" : "") + ".\n";
}

// scaling.csv: the scaler of every channel, as published (undo: x = Min + v * (Max - Min)).
std::string scaling_csv(const Plan& p) {
  std::string csv = "Channel,Min,Max\n";
  for (std::size_t c = 0; c < p.channels.size(); ++c) {
    csv += io::csv_field(p.channels[c].name) + ",";
    if (!std::isnan(p.scale[c].first)) io::append_number(csv, p.scale[c].first);
    csv += ",";
    if (!std::isnan(p.scale[c].second)) io::append_number(csv, p.scale[c].second);
    csv += "\n";
  }
  return csv;
}

// schema.org's variableMeasured: one PropertyValue a channel, with the scaler's min and max.
void variables(io::JsonWriter& j, const ExportOptions& o, const Plan& p) {
  j.key("variableMeasured").begin_array();
  for (std::size_t c = 0; c < p.channels.size(); ++c) {
    j.begin_object();
    j.field("@type", "sc:PropertyValue");
    j.field("name", p.channels[c].name);
    if (!o.anonymise && !p.channels[c].info->unit.empty()) j.field("unitText", p.channels[c].info->unit);
    if (!p.scale.empty()) {
      j.field("minValue", p.scale[c].first);
      j.field("maxValue", p.scale[c].second);
      j.field("description", "min-max scaled on the split " + train_split(o).name + ": value = minValue + v * (maxValue - minValue)");
    }
    j.end_object();
  }
  j.end_array();
}

std::string croissant(const ExportOptions& o, const Plan& p, const std::map<std::string, std::string>& files,
                      const std::map<std::string, std::string>& digests) {
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
  j.field("description", "Telemetry channels and labelled anomalies of mission " + o.mission + " in the layout of " +
                             (o.format == "telemanom" ? "telemanom (Hundman et al.)" : "ESA-ADB"));
  j.field("creator", std::string("telemine ") + version());
  variables(j, o, p);
  j.key("distribution").begin_array();
  for (const auto& [name, bytes] : files) {
    j.begin_object();
    j.field("@type", "cr:FileObject");
    j.field("@id", name);
    j.field("name", name);
    j.field("contentUrl", name);
    j.field("encodingFormat", name.ends_with(".md") ? "text/markdown" : "text/csv");
    j.field("sha256", digests.at(name));
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

void write_all(const ExportOptions& o, const Plan& p, std::map<std::string, std::string> files, int ranks) {
  // Each file hashed once (a year's split is a gigabyte): for metadata.json, SHA256SUMS, product.json.
  std::map<std::string, std::string> digests;
  for (const auto& [name, bytes] : files) digests[name] = sha256_hex(bytes);
  files["metadata.json"] = croissant(o, p, files, digests);
  digests["metadata.json"] = sha256_hex(files["metadata.json"]);
  std::string sums;
  for (const auto& [name, bytes] : files) sums += digests.at(name) + "  " + name + "\n";
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
    j.begin_object().field("name", name).field("bytes", static_cast<std::int64_t>(bytes.size())).field("sha256", digests.at(name)).end_object();
  j.end_array();
  j.end_object();
  files["SHA256SUMS"] = sums;
  files["product.json"] = j.str() + "\n";
  const fs::path out(o.output);
  check_output(o);  // checked before the resampling too; an empty folder is replaced
  const fs::path tmp = io::temporary_name(out);
  try {
    io::make_directories(tmp);
    for (const auto& [name, bytes] : files) {
      if (name.find('/') != std::string::npos) io::make_directories((tmp / name).parent_path());
      io::write_file(tmp / name, bytes);
      io::fsync_file(tmp / name);
    }
    std::error_code ec;
    if (fs::is_directory(out, ec)) fs::remove(out);  // empty (check_output)
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

// The is_anomaly columns of one split's rows (the last `targets` fields), row by row.
std::vector<std::vector<std::uint8_t>> flags_of(const std::string& text, std::size_t targets) {
  std::vector<std::vector<std::uint8_t>> flags(targets);
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    for (std::size_t t = 0; t < targets; ++t) flags[t].push_back(text[end - 2 * (targets - t) + 1] == '1');
    begin = end + 1;
  }
  return flags;
}

// One channel's anomaly sequences: the runs of flagged test rows (labelled rows and the rows
// that kept a labelled sample), each with the class of the first label it meets.
void sequences(const ExportOptions& o, const Plan& p, const Channel& ch, const std::vector<std::uint8_t>& flag,
               std::string& seqs, std::string& classes) {
  const Split& test = o.splits[1];
  const std::int64_t n = static_cast<std::int64_t>(flag.size());
  for (std::int64_t a = 0; a < n; ++a) {
    if (!flag[a]) continue;
    std::int64_t b = a;
    while (b + 1 < n && flag[b + 1]) ++b;
    const TimeNs lo = test.from + (a - 1) * o.grid, hi = test.from + b * o.grid;  // the rows' bins
    std::string cls = "anomaly";
    for (const auto* e : p.labels)
      if (e->param == ch.info->name && e->start <= hi && e->end >= lo && !e->cls.empty()) {
        cls = e->cls;
        break;
      }
    seqs += (seqs.empty() ? "" : ", ") + ("[" + std::to_string(a) + ", " + std::to_string(b) + "]");
    classes += (classes.empty() ? "" : ", ") + cls;
    a = b;
  }
}

void telemanom_files(const ExportOptions& o, const Plan& p, const std::map<std::string, std::string>& text,
                     std::map<std::string, std::string>& files) {
  const std::int64_t n_test = (o.splits[1].to - o.splits[1].from) / o.grid;
  for (const auto& s : o.splits) {
    const auto cols = columns_of(text.at(s.name), p.channels.size());
    for (std::size_t c = 0; c < p.channels.size(); ++c)
      files[s.name + "/" + p.channels[c].name + ".npy"] =
          io::npy_bytes({static_cast<std::int64_t>(cols[c].size()), 1}, cols[c]);
  }
  std::size_t targets = 0;
  for (const auto& c : p.channels) targets += c.target;
  const auto flags = flags_of(text.at(o.splits[1].name), targets);
  std::string csv = "chan_id,spacecraft,anomaly_sequences,class,num_values\n";
  std::size_t t = 0;
  for (const auto& ch : p.channels) {
    if (!ch.target) continue;
    std::string seqs, classes;
    sequences(o, p, ch, flags[t++], seqs, classes);
    if (!seqs.empty())
      csv += ch.name + "," + io::csv_field(o.mission) + ",\"[" + seqs + "]\",\"[" + classes + "]\"," + std::to_string(n_test) + "\n";
  }
  files["labeled_anomalies.csv"] = csv;
}

// Min-max scaling fitted on the train split's grid values (every rank its rows, then reduced),
// before any row is formatted: every split is scaled with the same min and max.
void fit_scaler(const ExportOptions& o, Plan& p, const Comm& comm) {
  const std::size_t nc = p.channels.size();
  std::vector<double> lo(nc, std::numeric_limits<double>::infinity()), hi(nc, -std::numeric_limits<double>::infinity());
  comm.run_phase([&] {
    const Split& s = train_split(o);
    const std::int64_t n = (s.to - s.from) / o.grid, r = comm.rank(), size = comm.size();
    resample_rows(o, p, s, n * r / size, n * (r + 1) / size, [&](const Chunk& ch) {
      for (std::size_t c = 0; c < nc; ++c) {
        const auto [a, b] = kernels::esa::finite_range(ch.value[c]);
        if (!std::isnan(a)) lo[c] = std::min(lo[c], a), hi[c] = std::max(hi[c], b);
      }
    });
  });
  comm.allreduce(std::span<double>(lo), ReduceOp::min);
  comm.allreduce(std::span<double>(hi), ReduceOp::max);
  for (std::size_t c = 0; c < nc; ++c)
    p.scale.emplace_back(lo[c] <= hi[c] ? lo[c] : std::numeric_limits<double>::quiet_NaN(),
                         lo[c] <= hi[c] ? hi[c] : std::numeric_limits<double>::quiet_NaN());
}

}  // namespace

void export_esa_adb(const ExportOptions& o, const Comm& comm) {
  Plan p;
  comm.run_phase([&] { p = make_plan(o); });  // every rank checks the same options: errors everywhere
  if (o.scale == "minmax") fit_scaler(o, p, comm);
  std::map<std::string, std::string> mine;
  std::int64_t restored = 0;
  comm.run_phase([&] {
    for (const auto& s : o.splits) {
      const std::int64_t n = (s.to - s.from) / o.grid, r = comm.rank(), size = comm.size();
      mine[s.name] = rows_text(o, p, s, n * r / size, n * (r + 1) / size, restored);
    }
  });
  p.restored = comm.allreduce_value(restored, ReduceOp::sum);
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
      // Straight into the file's bytes (a year's split is a gigabyte: no second copy), each
      // rank's part freed once appended.
      std::string& text = esa_layout ? files[s.name + ".csv"] : texts[s.name];
      text = esa_layout ? split_header(p) : std::string();
      const std::size_t header = text.size();
      std::size_t total = header;
      for (const auto& part : gathered[s.name]) total += part.size();
      text.reserve(total);
      for (auto& part : gathered[s.name]) text += part, std::string().swap(part);
      stats[s.name] = count_rows(std::string_view(text).substr(header), targets);
    }
    if (!esa_layout) telemanom_files(o, p, texts, files);
    if (o.scale == "minmax") files["scaling.csv"] = scaling_csv(p);
    files["README.md"] = datasheet(o, p, stats);
    write_all(o, p, std::move(files), comm.size());
  });
}

namespace {

// How an error names a job's key: the option when it came from the command line
// (`--dataset.split`), else the file's place and the key (`job.ini:9: key 'dataset.split'`).
std::string key_name(const Job& job, const std::string& key) {
  const std::string w = job.where(key);
  return w == "command line" ? "--" + key : w + ": key '" + key + "'";
}

}  // namespace

int run_export_job(const Job& job, const Comm& comm) {
  const auto& c = job.common();
  if (c.missions.size() != 1) throw JobError(key_name(job, "mission") + ": a dataset is cut from one mission");
  ExportOptions o;
  o.names = {key_name(job, "dataset.split"), key_name(job, "dataset.grid"),   key_name(job, "params"),
             key_name(job, "dataset.targets"), key_name(job, "output"), key_name(job, "mission"),
             key_name(job, "dataset.format")};
  o.archive = c.archive.string();
  o.mission = c.missions[0];
  o.params = c.params;
  o.output = c.output.string();
  const auto split = job.get("dataset.split");
  if (!split) throw JobError(o.names.split + ": required (e.g. train:2026-01-01..2026-01-05,test:2026-01-05..2026-01-08)");
  o.splits = parse_splits(*split, o.names.split);
  o.grid = job.get_duration("dataset.grid").value_or(30 * kSecond);
  o.format = job.get_enum("dataset.format");
  if (const auto t = job.get("dataset.targets"))
    for (auto& name : io::split_csv(*t)) {
      name.erase(0, name.find_first_not_of(' '));
      if (!name.empty()) o.targets.push_back(name);
    }
  o.anonymise = job.get_enum("dataset.anonymise") == "yes";
  o.drop_rare_nominal = job.get_enum("dataset.drop-rare-nominal") == "yes";
  o.scale = job.get_enum("dataset.scale");
  o.restore_labelled = job.get_enum("dataset.restore-labelled") == "yes";
  o.command = "telemine run " + job.file().string();
  for (const auto& a : job.overrides()) o.command += " " + a;
  export_esa_adb(o, comm);
  if (comm.is_root()) std::printf("dataset: %s\n", o.output.c_str());
  return 0;
}

}  // namespace telemine::jobs::dataset
