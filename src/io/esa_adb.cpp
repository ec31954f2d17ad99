#include "io/esa_adb.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "core/error.hpp"

namespace telemine::io {

std::vector<std::string> split_csv(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string q = "\"";
  for (char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace telemine::io

namespace telemine::io {
namespace {

namespace fs = std::filesystem;

// A CSV file's rows, with its header's column positions.
struct Table {
  fs::path file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::int64_t> lines;
  std::size_t column(const std::string& name, bool required = true) const {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    if (required) throw IoError(file.string() + ":1: no column " + name);
    return header.size();
  }
};

Table read_table(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string() + ": cannot open");
  Table t{file, {}, {}, {}};
  std::string line;
  for (std::int64_t n = 1; std::getline(in, line); ++n) {
    if (n == 1) {
      t.header = split_csv(line);
      continue;
    }
    if (line.empty() || line == "\r") continue;
    auto f = split_csv(line);
    if (f.size() != t.header.size())
      throw IoError(file.string() + ":" + std::to_string(n) + ": expected " + std::to_string(t.header.size()) + " fields, found " +
                    std::to_string(f.size()));
    t.rows.push_back(std::move(f));
    t.lines.push_back(n);
  }
  return t;
}

TimeNs time_in(const Table& t, std::size_t row, std::size_t col) {
  TimeNs v;
  if (!try_parse_time(t.rows[row][col], v))
    throw IoError(t.file.string() + ":" + std::to_string(t.lines[row]) + ": invalid time '" + t.rows[row][col] + "'");
  return v;
}

std::string kind_of(const std::string& category) {
  if (category == "Anomaly") return "anomaly";
  if (category == "Rare Event" || category == "Rare Nominal Event") return "rare-nominal";
  if (category == "Communication Gap") return "gap";
  return category.empty() ? "anomaly" : "event";
}

void read_labels(const fs::path& folder, IngestBatch& b) {
  std::map<std::string, std::vector<std::string>> types;
  const fs::path tf = folder / "anomaly_types.csv";
  if (fs::exists(tf)) {
    const Table t = read_table(tf);
    const std::size_t id = t.column("ID");
    const char* names[] = {"Class", "Subclass", "Category", "Dimensionality", "Locality", "Length"};
    std::vector<std::size_t> cols;
    for (const char* n : names) cols.push_back(t.column(n, false));
    for (const auto& r : t.rows)
      for (auto c : cols) types[r[id]].push_back(c < r.size() ? r[c] : "");
  }
  if (!fs::exists(folder / "labels.csv")) return;
  const Table t = read_table(folder / "labels.csv");
  const std::size_t id = t.column("ID"), ch = t.column("Channel"), st = t.column("StartTime"), en = t.column("EndTime");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    Event e;
    e.id = t.rows[i][id];
    e.param = t.rows[i][ch];
    e.start = time_in(t, i, st);
    e.end = time_in(t, i, en);
    if (e.end < e.start) throw IoError(t.file.string() + ":" + std::to_string(t.lines[i]) + ": EndTime before StartTime");
    if (auto it = types.find(e.id); it != types.end())
      std::tie(e.cls, e.subclass, e.category, e.dimensionality, e.locality, e.length) =
          std::tie(it->second[0], it->second[1], it->second[2], it->second[3], it->second[4], it->second[5]);
    e.kind = kind_of(e.category);
    b.events.push_back(std::move(e));
  }
}

void read_other_events(const fs::path& folder, IngestBatch& b) {
  if (!fs::exists(folder / "events.csv")) return;
  const Table t = read_table(folder / "events.csv");
  const std::size_t id = t.column("ID"), ev = t.column("Event"), st = t.column("StartTime"), en = t.column("EndTime");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    Event e;
    e.id = t.rows[i][id];
    const std::string& text = t.rows[i][ev];
    const auto colon = text.find(": ");  // telemine writes `kind: text`
    e.kind = colon == std::string::npos ? text : text.substr(0, colon);
    if (colon != std::string::npos) e.text = text.substr(colon + 2);
    e.start = time_in(t, i, st);
    e.end = time_in(t, i, en);
    b.events.push_back(std::move(e));
  }
}

void read_wide(const Table& t, IngestBatch& b) {
  const fs::path& file = t.file;
  std::vector<Series*> cols(t.header.size(), nullptr);
  for (std::size_t c = 1; c < t.header.size(); ++c)
    if (t.header[c].rfind("is_anomaly_", 0) != 0) cols[c] = &b.samples[t.header[c]];
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const TimeNs when = time_in(t, i, 0);
    for (std::size_t c = 1; c < cols.size(); ++c) {
      const std::string& cell = t.rows[i][c];
      if (!cols[c] || cell.empty()) continue;
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (end != cell.c_str() + cell.size())
        throw IoError(file.string() + ":" + std::to_string(t.lines[i]) + ": invalid number '" + cell + "' for " + t.header[c]);
      cols[c]->time.push_back(when);
      cols[c]->value.push_back(v);
    }
    ++b.rows;
  }
}

// telemine's scaling.csv (`dataset export --scale minmax`): the archive gets the values back,
// x = Min + v * (Max - Min) (v + Min for a constant channel).
void unscale(const Table& t, IngestBatch& b) {
  const std::size_t ch = t.column("Channel"), lo = t.column("Min"), hi = t.column("Max");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    if (r[lo].empty() || r[hi].empty()) continue;  // no train value: not scaled
    char *e1 = nullptr, *e2 = nullptr;
    const double a = std::strtod(r[lo].c_str(), &e1), z = std::strtod(r[hi].c_str(), &e2);
    if (e1 != r[lo].c_str() + r[lo].size() || e2 != r[hi].c_str() + r[hi].size() || z < a)
      throw IoError(t.file.string() + ":" + std::to_string(t.lines[i]) + ": invalid Min, Max for " + r[ch]);
    auto it = b.samples.find(r[ch]);
    if (it == b.samples.end()) continue;
    const double span = z > a ? z - a : 1.0;
    for (double& v : it->second.value) v = a + v * span;
  }
}

// ESA-ADB's label values in its preprocessed is_anomaly columns (notebooks/data-prep/utils.py,
// AnnotationLabel): 1 anomaly, 2 rare event, 3 communication gap, 4 invalid; 0 nominal.
void kind_of_label(int v, Event& e) {
  static const char* kinds[] = {"", "anomaly", "rare-nominal", "gap", "invalid"};
  static const char* categories[] = {"", "Anomaly", "Rare Event", "Communication Gap", "Invalid"};
  e.kind = kinds[v];
  e.category = categories[v];
}

// One event per run of equal non-zero values in an is_anomaly_<channel> column, from its first
// row's time to its last's (the labels of ESA-ADB's preprocessed files, held on the grid).
void label_runs(const Table& t, IngestBatch& b) {
  for (std::size_t c = 1; c < t.header.size(); ++c) {
    if (t.header[c].rfind("is_anomaly_", 0) != 0) continue;
    int run = 0;
    for (std::size_t i = 0; i <= t.rows.size(); ++i) {
      int v = 0;
      if (i < t.rows.size()) {
        const std::string& cell = t.rows[i][c];
        char* end = nullptr;
        const double d = std::strtod(cell.c_str(), &end);  // pandas may write 1 or 1.0
        if (cell.empty() || end != cell.c_str() + cell.size() || d != static_cast<int>(d) || d < 0 || d > 4)
          throw IoError(t.file.string() + ":" + std::to_string(t.lines[i]) + ": " + t.header[c] + " must be 0 to 4 (ESA-ADB's labels), not '" + cell + "'");
        v = static_cast<int>(d);
      }
      if (v == run) continue;
      if (run != 0) b.events.back().end = time_in(t, i - 1, 0);
      if (v != 0) {
        Event e;
        e.param = t.header[c].substr(11);
        e.start = time_in(t, i, 0);
        kind_of_label(v, e);
        b.events.push_back(std::move(e));
      }
      run = v;
    }
  }
}

// ESA-ADB's published preprocessed CSVs (its notebooks/data-prep scripts write them for
// TimeEval: `<n>_months.train.csv`, `<n>_months.test.csv`): `timestamp` as `%Y-%m-%d %H:%M:%S`
// (UTC), the channels (channel_N, then telecommand_N), then is_anomaly_<column> for each.
// No channels.csv: the columns are the channels, telecommands as state parameters; the labels
// are the runs of the is_anomaly columns, the same event in several files (ESA-ADB's train
// files overlap) kept once, and numbered id_0, id_1, ... in time order.
void read_preprocessed(const fs::path& folder, IngestBatch& b) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.is_regular_file() && e.path().extension() == ".csv") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::set<std::string> params;
  for (const auto& f : files) {
    const Table t = read_table(f);
    if (t.header.empty() || t.header[0] != "timestamp") continue;  // e.g. TimeEval's datasets.csv index
    read_wide(t, b);
    label_runs(t, b);
    for (std::size_t c = 1; c < t.header.size(); ++c)
      if (t.header[c].rfind("is_anomaly_", 0) != 0 && params.insert(t.header[c]).second) {
        validate_name("parameter", t.header[c]);
        const bool command = t.header[c].rfind("telecommand_", 0) == 0;
        b.params.push_back({t.header[c], "", "", command ? "telecommands" : "", command ? ParamKind::state : ParamKind::numeric});
      }
  }
  if (params.empty()) throw IoError(folder.string() + ": no channels.csv and no CSV with a timestamp column (ESA-ADB's layout)");
  auto key = [](const Event& e) { return std::tie(e.start, e.param, e.end, e.kind); };
  std::sort(b.events.begin(), b.events.end(), [&](const Event& x, const Event& y) { return key(x) < key(y); });
  b.events.erase(std::unique(b.events.begin(), b.events.end(), [&](const Event& x, const Event& y) { return key(x) == key(y); }),
                 b.events.end());
  for (std::size_t i = 0; i < b.events.size(); ++i) b.events[i].id = "id_" + std::to_string(i);
}

}  // namespace

IngestBatch read_esa_adb(const fs::path& folder) {
  IngestBatch b;
  if (!fs::exists(folder / "channels.csv")) {
    read_preprocessed(folder, b);
    return b;
  }
  const Table ch = read_table(folder / "channels.csv");
  const std::size_t name = ch.column("Channel"), sub = ch.column("Subsystem", false), unit = ch.column("Physical Unit", false),
                    cat = ch.column("Categorical", false);
  auto cell = [&](const std::vector<std::string>& r, std::size_t c) { return c < r.size() ? r[c] : std::string(); };
  for (const auto& r : ch.rows) {
    validate_name("parameter", r[name]);
    b.params.push_back({r[name], cell(r, unit), "", cell(r, sub), cell(r, cat) == "YES" ? ParamKind::state : ParamKind::numeric});
  }
  static const std::set<std::string> tables = {"channels.csv", "labels.csv",  "anomaly_types.csv",
                                               "telecommands.csv", "events.csv", "scaling.csv"};
  std::vector<fs::path> wide;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.is_regular_file() && e.path().extension() == ".csv" && !tables.count(e.path().filename().string())) wide.push_back(e.path());
  std::sort(wide.begin(), wide.end());
  for (const auto& f : wide) read_wide(read_table(f), b);
  if (fs::exists(folder / "scaling.csv")) unscale(read_table(folder / "scaling.csv"), b);
  for (const auto& sample : b.samples) {
    const std::string& p = sample.first;  // not a structured binding: clang 14 cannot capture one
    if (std::none_of(b.params.begin(), b.params.end(), [&](const ParamInfo& i) { return i.name == p; }))
      throw IoError((folder / "channels.csv").string() + ": channel " + p + " of the split files is not listed");
  }
  read_labels(folder, b);
  read_other_events(folder, b);
  return b;
}

}  // namespace telemine::io
