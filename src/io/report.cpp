#include "io/report.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/time.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/json.hpp"
#include "io/svg.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

namespace {

using Row = std::map<std::string, std::string>;

// The outputs' CSV: a header line, then rows; quoted cells may hold commas and doubled quotes.
std::vector<Row> read_csv(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw IoError(file.string() + ": cannot open");
  auto cells = [](const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) out.emplace_back();
      else out.back() += c;
    }
    return out;
  };
  std::string line;
  if (!std::getline(in, line)) throw IoError(file.string() + ": empty, expected a header line");
  const auto header = cells(line);
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto c = cells(line);
    if (c.size() != header.size()) throw IoError(file.string() + ":" + std::to_string(rows.size() + 2) + ": wrong number of cells");
    Row r;
    for (std::size_t i = 0; i < c.size(); ++i) r[header[i]] = c[i];
    rows.push_back(std::move(r));
  }
  return rows;
}

double number(const std::string& s) { return s.empty() || s == "nan" ? NAN : std::strtod(s.c_str(), nullptr); }

TimeNs time_of(const fs::path& file, const std::string& s) {
  TimeNs t = 0;
  if (!try_parse_time(s, t)) throw IoError(file.string() + ": bad time '" + s + "'");
  return t;
}

std::string shortest(double v) {
  std::string s;
  append_number(s, v);
  return s;
}

std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string s = "<table><tr>";
  for (const auto& h : header) s += "<th>" + xml_escape(h) + "</th>";
  s += "</tr>\n";
  for (const auto& r : rows) {
    s += "<tr>";
    for (const auto& c : r) s += "<td>" + xml_escape(c) + "</td>";
    s += "</tr>\n";
  }
  return s + "</table>\n";
}

std::string stats_report(const fs::path& dir) {
  const auto rows = read_csv(dir / "stats.csv");
  std::map<std::string, SvgSeries> series;  // by mission/param, in file order of buckets
  for (const Row& r : rows) {
    SvgSeries& s = series[r.at("mission") + "/" + r.at("param")];
    s.label = r.at("param");
    s.unit = r.at("mission");
    s.time.push_back(time_of(dir / "stats.csv", r.at("bucket_start")));
    s.value.push_back(number(r.at("mean")));
    s.lo.push_back(number(r.at("min")));
    s.hi.push_back(number(r.at("max")));
  }
  std::string out = "<h2>Statistics: mean with the min..max band of each bucket</h2>\n";
  std::vector<std::vector<std::string>> summary;
  for (auto& [key, s] : series) {
    SvgPlot p;
    p.title = key;
    p.from = s.time.front();
    p.to = s.time.back() + std::max<DurationNs>(1, s.time.size() > 1 ? s.time[1] - s.time[0] : kHour);
    p.panel_height = 90;
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = 0; i < s.lo.size(); ++i)
      if (std::isfinite(s.lo[i])) lo = std::min(lo, s.lo[i]), hi = std::max(hi, s.hi[i]);
    summary.push_back({key, std::to_string(s.time.size()), std::isfinite(lo) ? shortest(lo) : "", std::isfinite(hi) ? shortest(hi) : ""});
    p.panels.push_back(std::move(s));
    out += svg_plot(p);
  }
  return out + "<h2>Parameters</h2>\n" + table({"parameter", "buckets", "min", "max"}, summary);
}

std::string dependency_report(const fs::path& dir) {
  const auto pairs = read_csv(dir / "pairs.csv");
  std::set<std::string> names;
  for (const Row& r : pairs) names.insert(r.at("param_a")), names.insert(r.at("param_b"));
  const std::vector<std::string> labels(names.begin(), names.end());
  std::map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < labels.size(); ++i) at[labels[i]] = i;
  std::vector<double> nmi(labels.size() * labels.size(), NAN);
  std::vector<std::vector<std::string>> significant;
  std::map<std::string, std::vector<std::string>> partners;
  for (const Row& r : pairs) {
    const std::size_t a = at[r.at("param_a")], b = at[r.at("param_b")];
    nmi[a * labels.size() + b] = nmi[b * labels.size() + a] = number(r.at("nmi"));
    if (r.at("significant") != "1") continue;  // pairs.csv writes 1 and 0
    significant.push_back({r.at("param_a"), r.at("param_b"), r.at("lag_seconds"), r.at("nmi"), r.at("score")});
    partners[r.at("param_a")].push_back(r.at("param_b") + " (lag " + r.at("lag_seconds") + " s)");
    partners[r.at("param_b")].push_back(r.at("param_a") + " (lag -" + r.at("lag_seconds") + " s)");
  }
  std::vector<std::vector<std::string>> partner_rows;
  for (auto& [p, list] : partners) {
    std::string joined;
    for (const auto& x : list) joined += (joined.empty() ? "" : ", ") + x;
    partner_rows.push_back({p, joined});
  }
  return "<h2>Dependency: " + std::to_string(significant.size()) + " significant pairs of " + std::to_string(pairs.size()) +
         "</h2>\n" + svg_heatmap("normalised mutual information at each pair's strongest lag", labels, nmi) +
         "<h2>Partners (lag &gt; 0: the partner follows)</h2>\n" + table({"parameter", "partners"}, partner_rows) +
         "<h2>Significant pairs</h2>\n" + table({"param_a", "param_b", "lag_seconds", "nmi", "score"}, significant);
}

// The series of a detection's contributors, three times its length either side.
std::string around(const Row& d, const fs::path& archive_dir, const fs::path& file) {
  const TimeNs start = time_of(file, d.at("start")), end = time_of(file, d.at("end"));
  const DurationNs pad = std::max<DurationNs>(end - start, 10 * kMinute) * 3;
  SvgPlot p;
  p.title = d.at("param") + " " + d.at("start") + " .. " + d.at("end") + ", score " + d.at("score");
  p.from = start - pad;
  p.to = end + pad;
  p.panel_height = 80;
  const Archive archive = Archive::open(archive_dir);
  const Catalog c = archive.catalog(d.at("mission"));
  std::stringstream contributors(d.at("contributors"));
  std::string item;
  while (std::getline(contributors, item, ';') && p.panels.size() < 4) {
    const std::string name = item.substr(0, item.find(':'));
    if (!c.find_param(name)) continue;
    Series s = archive.read(c, name, p.from, p.to);
    p.panels.push_back(SvgSeries{name, item, std::move(s.time), std::move(s.value), {}, {}});
    p.intervals.push_back(SvgInterval{start, end, "anomaly", name, "detection"});
  }
  return p.panels.empty() ? std::string() : svg_plot(p);
}

std::string novelty_report(const fs::path& dir, const fs::path& archive) {
  const fs::path file = dir / "detections.csv";
  auto rows = read_csv(file);
  std::vector<std::vector<std::string>> table_rows;
  for (const Row& r : rows) table_rows.push_back({r.at("mission"), r.at("param"), r.at("start"), r.at("end"), r.at("score"), r.at("contributors")});
  std::string out = "<h2>Novelty: " + std::to_string(rows.size()) + " detections</h2>\n" +
                    table({"mission", "param", "start", "end", "score", "contributors"}, table_rows);
  if (archive.empty() || rows.empty()) return out;
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return number(a.at("score")) > number(b.at("score")); });
  out += "<h2>The series around the strongest detections</h2>\n";
  for (std::size_t i = 0; i < rows.size() && i < 10; ++i) out += around(rows[i], archive, file);
  return out;
}

nlohmann::json read_product(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw IoError(file.string() + ": cannot open");
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw IoError(file.string() + ": not a JSON object");
  return j;
}

}  // namespace

bool write_report(const fs::path& folder, const fs::path& archive) {
  const auto product = read_product(folder / "product.json");
  const std::string kind = product.value("product", "");
  std::string body;
  if (kind == "telemine stats") body = stats_report(folder);
  else if (kind == "telemine dependency") body = dependency_report(folder);
  else if (kind == "telemine novelty") body = novelty_report(folder, archive);
  else return false;
  const std::string title = kind + " " + folder.filename().string();
  std::string html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + xml_escape(title) +
                     "</title>\n<style>body{font:13px sans-serif;margin:16px;color:#1d232a}table{border-collapse:collapse;"
                     "margin:6px 0 14px}td,th{border:1px solid #ccd;padding:2px 6px;text-align:left}svg{display:block;"
                     "margin:6px 0}</style></head><body>\n<h1>" + xml_escape(title) + "</h1>\n<p>created " +
                     xml_escape(product.value("created", "")) + ", telemine " + xml_escape(product.value("telemine_version", "")) +
                     ", " + std::to_string(product.value("ranks", 0)) + " ranks</p>\n<pre>" +
                     xml_escape(product.value("job_text", "")) + "</pre>\n" + body + "</body></html>\n";
  write_file_atomically(folder / "report.html", html);
  return true;
}

}  // namespace telemine::io
