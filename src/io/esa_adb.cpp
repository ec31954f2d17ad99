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

void read_wide(const fs::path& file, IngestBatch& b) {
  const Table t = read_table(file);
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

}  // namespace

IngestBatch read_esa_adb(const fs::path& folder) {
  IngestBatch b;
  const Table ch = read_table(folder / "channels.csv");
  const std::size_t name = ch.column("Channel"), sub = ch.column("Subsystem", false), unit = ch.column("Physical Unit", false),
                    cat = ch.column("Categorical", false);
  auto cell = [&](const std::vector<std::string>& r, std::size_t c) { return c < r.size() ? r[c] : std::string(); };
  for (const auto& r : ch.rows) {
    validate_name("parameter", r[name]);
    b.params.push_back({r[name], cell(r, unit), "", cell(r, sub), cell(r, cat) == "YES" ? ParamKind::state : ParamKind::numeric});
  }
  static const std::set<std::string> tables = {"channels.csv", "labels.csv", "anomaly_types.csv", "telecommands.csv", "events.csv"};
  std::vector<fs::path> wide;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.is_regular_file() && e.path().extension() == ".csv" && !tables.count(e.path().filename().string())) wide.push_back(e.path());
  std::sort(wide.begin(), wide.end());
  for (const auto& f : wide) read_wide(f, b);
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
