#include "jobs/evaluate/evaluate.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/fs.hpp"
#include "io/json.hpp"
#include "kernels/novelty.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;
namespace k = kernels;

namespace {

using Intervals = std::map<std::string, std::vector<k::Interval>>;  ///< by parameter name

const std::vector<k::Interval>& detections_of(const Intervals& d, const std::string& name) {
  static const std::vector<k::Interval> none;
  const auto it = d.find(name);
  return it == d.end() ? none : it->second;
}

// The detections of o.mission, by parameter; errors name the file and line.
Intervals read_detections(const EvaluateOptions& o) {
  Intervals detections;
  const std::string text = read_whole_file(o.detections);
  std::istringstream in(text);
  std::string line;
  std::int64_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1) {
      if (line.rfind("mission,param,start,end", 0) != 0)
        throw UsageError(o.detections + ":1: expected the header mission,param,start,end,score,contributors");
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    if (cells.size() < 4) throw UsageError(o.detections + ":" + std::to_string(lineno) + ": expected mission,param,start,end");
    if (cells[0] != o.mission) continue;
    try {
      detections[cells[1]].push_back({parse_time(cells[2]), parse_time(cells[3])});
    } catch (const UsageError& e) {
      throw UsageError(o.detections + ":" + std::to_string(lineno) + ": " + e.what());
    }
  }

  return detections;
}

// Recall by label class (point, contextual, ...): " point 2/3, contextual 1/1", or empty.
std::string recall_by_class(const io::Catalog& catalog, const Intervals& labels, const Intervals& detections,
                            k::Interval range) {
  // Recall by label class (point, contextual, ...): a merged sequence joins its parts' classes.
  std::map<std::string, std::map<std::string, std::vector<k::Interval>>> by_class;  // class -> param -> labels
  for (const auto& [p, merged] : labels)
    for (const auto& m : merged) {
      std::set<std::string> classes;
      for (const auto& e : catalog.events)
        if (e.kind == "anomaly" && e.param == p && !e.cls.empty() && m.start <= e.start && e.end <= m.end) classes.insert(e.cls);
      std::string joined;
      for (const auto& c : classes) joined += (joined.empty() ? "" : "+") + c;
      by_class[joined.empty() ? "unclassed" : joined][p].push_back(m);
    }
  std::string classes;
  for (const auto& [c, per_param] : by_class) {
    k::EventScore s;
    for (const auto& [p, l] : per_param) s += k::score_events(l, detections_of(detections, p), range);
    if (s.labels > 0)
      classes += " " + c + " " + std::to_string(s.found) + "/" + std::to_string(s.labels) + ",";
  }
  return classes.empty() ? classes : classes.substr(0, classes.size() - 1);
}

}  // namespace

int evaluate(const EvaluateOptions& o, std::FILE* out) {
  const io::Archive archive = io::Archive::open(o.archive);
  const io::Catalog catalog = archive.catalog(o.mission);
  k::Interval range{kTimeMax, kTimeMin};
  for (const auto& p : catalog.partitions) {
    range.start = std::min(range.start, p.start);
    range.end = std::max(range.end, p.end);
  }
  if (!o.from.empty()) range.start = parse_time(o.from);
  if (!o.to.empty()) range.end = parse_time(o.to);
  if (range.start >= range.end) throw UsageError("evaluate: empty time range");

  Intervals labels;
  for (const auto& e : catalog.events)
    if (e.kind == "anomaly" && !e.param.empty()) labels[e.param].push_back({e.start, e.end});
  // A parameter labelled twice with overlapping sequences (SMAP's P-2) counts them as one set.
  for (auto& [p, l] : labels) l = k::merge_intervals(l);

  const Intervals detections = read_detections(o);
  std::set<std::string> names;
  for (const auto& [p, _] : labels) names.insert(p);
  for (const auto& [p, _] : detections) names.insert(p);
  std::string csv = "mission,param,labels,found,detections,false_detections,precision,recall,f05,corrected_precision,corrected_f05\n";
  std::fprintf(out, "%-16s %6s %6s %6s %6s %9s %7s %6s %8s\n", "param", "labels", "found", "detect", "false", "precision", "recall",
               "F0.5", "corr.F0.5");
  k::EventScore total;
  auto row = [&](const std::string& name, const k::EventScore& s) {
    std::fprintf(out, "%-16s %6lld %6lld %6lld %6lld %9.3f %7.3f %6.3f %8.3f\n", name.c_str(), static_cast<long long>(s.labels),
                 static_cast<long long>(s.found), static_cast<long long>(s.detections), static_cast<long long>(s.false_detections),
                 s.precision(), s.recall(), s.f05(), s.corrected_f05());
    char line_buf[256];
    std::snprintf(line_buf, sizeof line_buf, "%lld,%lld,%lld,%lld,%.6f,%.6f,%.6f,%.6f,%.6f\n", static_cast<long long>(s.labels),
                  static_cast<long long>(s.found), static_cast<long long>(s.detections), static_cast<long long>(s.false_detections),
                  s.precision(), s.recall(), s.f05(), s.corrected_precision(), s.corrected_f05());
    csv += o.mission + "," + name + "," + line_buf;
  };
  for (const auto& name : names) {
    const auto s = k::score_events(labels[name], detections_of(detections, name), range);
    total += s;
    row(name, s);
  }
  row("(mission)", total);
  if (const std::string classes = recall_by_class(catalog, labels, detections, range); !classes.empty())
    std::fprintf(out, "labels found by class:%s\n", classes.c_str());
  const fs::path output = o.output.empty() ? fs::path(o.detections).parent_path() / "evaluation.csv" : fs::path(o.output);
  io::write_file_atomically(output, csv);
  std::fprintf(out, "event-wise over %s .. %s; CSV: %s\n", format_time(range.start).c_str(), format_time(range.end).c_str(),
               output.c_str());
  return 0;
}

}  // namespace telemine::jobs
