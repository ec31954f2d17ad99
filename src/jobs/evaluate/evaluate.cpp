#include "jobs/evaluate/evaluate.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/csv_reader.hpp"
#include "io/csv_writer.hpp"
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

// What the detections' own product.json (a novelty job's, beside them) says: its missions, and
// whether the scored range overlapped the reference period (recall is then measured partly on
// training data). Empty when there is no product.json.
struct DetectionsProduct {
  std::set<std::string> missions;
  bool scored_overlaps_reference = false;
};

bool flag_anywhere(const nlohmann::json& j, const std::string& key) {
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      if ((k == key && v.is_boolean() && v.get<bool>()) || flag_anywhere(v, key)) return true;
  if (j.is_array())
    for (const auto& v : j)
      if (flag_anywhere(v, key)) return true;
  return false;
}

DetectionsProduct read_detections_product(const EvaluateOptions& o) {
  DetectionsProduct out;
  const fs::path file = fs::path(o.detections).parent_path() / "product.json";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return out;
  try {
    const auto doc = nlohmann::json::parse(read_whole_file(file));
    for (const char* list : {"inputs", "parameters"})
      for (const auto& i : doc.value(list, nlohmann::json::array()))
        if (i.contains("mission") && i["mission"].is_string()) out.missions.insert(i["mission"].get<std::string>());
    out.scored_overlaps_reference = flag_anywhere(doc, "scored_overlaps_reference");
  } catch (const nlohmann::json::exception& e) {
    log::warn(file.string() + ": not read (" + e.what() + "); the detections' mission is taken from their rows");
  }
  return out;
}

// The detections of o.mission, by parameter, read with io's RFC 4180 reader (a parameter named
// `A,B` is quoted); errors name the file and line. Detections of another mission only are refused.
Intervals read_detections(const EvaluateOptions& o, const DetectionsProduct& product) {
  Intervals detections;
  io::CsvReader csv = io::CsvReader::open(o.detections);
  std::vector<std::string_view> f;
  if (!csv.next(f) || f.size() < 4 || f[0] != "mission" || f[1] != "param" || f[2] != "start" || f[3] != "end")
    throw UsageError(o.detections + ":1: expected the header mission,param,start,end,score,contributors");
  std::set<std::string> missions = product.missions;
  while (csv.next(f)) {
    if (f.size() < 4) throw UsageError(o.detections + ":" + std::to_string(csv.line()) + ": expected mission,param,start,end");
    missions.emplace(f[0]);
    if (f[0] != o.mission) continue;
    try {
      detections[std::string(f[1])].push_back({parse_time(std::string(f[2])), parse_time(std::string(f[3]))});
    } catch (const UsageError& e) {
      throw UsageError(o.detections + ":" + std::to_string(csv.line()) + ": " + e.what());
    }
  }
  if (!missions.empty() && !missions.count(o.mission)) {
    std::string names;
    for (const auto& m : missions) names += (names.empty() ? "" : ", ") + m;
    throw UsageError(o.detections + ": these are detections of " + (missions.size() == 1 ? "mission " : "missions ") +
                     names + ", not of " + o.mission + ": give --mission " + *missions.begin() +
                     ", or the detections of a job that read " + o.mission);
  }
  return detections;
}

// A score's figures, NaN where undefined: precision without a detection, recall (and so F0.5)
// without a label. A detector that finds nothing of a labelled parameter has F0.5 = 0.
struct Figures {
  double precision, recall, f05, corrected_precision, corrected_f05;
};

Figures figures_of(const k::EventScore& s) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool p = s.detections > 0, r = s.labels > 0;
  return {p ? s.precision() : nan, r ? s.recall() : nan, r ? (p ? s.f05() : 0.0) : nan,
          p ? s.corrected_precision() : nan, r ? (p ? s.corrected_f05() : 0.0) : nan};
}

// `%*.3f`, or `-` for an undefined figure, right-aligned in `width`.
std::string cell(double v, int width) {
  char buf[32];
  if (std::isnan(v)) std::snprintf(buf, sizeof buf, "%*s", width, "-");
  else std::snprintf(buf, sizeof buf, "%*.3f", width, v);
  return buf;
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

  const DetectionsProduct product = read_detections_product(o);
  const Intervals detections = read_detections(o, product);
  std::set<std::string> names;
  for (const auto& [p, _] : labels) names.insert(p);
  for (const auto& [p, _] : detections) names.insert(p);
  std::string csv_text;
  io::CsvWriter csv(csv_text);
  csv.header({"mission", "param", "labels", "found", "detections", "false_detections", "precision", "recall", "f05",
              "corrected_precision", "corrected_f05"});
  std::fprintf(out, "%-16s %6s %6s %6s %6s %9s %7s %6s %8s\n", "param", "labels", "found", "detect", "false", "precision", "recall",
               "F0.5", "corr.F0.5");
  k::EventScore total;
  bool undefined = false;
  auto row = [&](const std::string& name, const k::EventScore& s) {
    const Figures f = figures_of(s);
    undefined = undefined || std::isnan(f.precision) || std::isnan(f.recall);
    std::fprintf(out, "%-16s %6lld %6lld %6lld %6lld %s %s %s %s\n", name.c_str(), static_cast<long long>(s.labels),
                 static_cast<long long>(s.found), static_cast<long long>(s.detections), static_cast<long long>(s.false_detections),
                 cell(f.precision, 9).c_str(), cell(f.recall, 7).c_str(), cell(f.f05, 6).c_str(), cell(f.corrected_f05, 8).c_str());
    csv.field(o.mission).field(name).field(s.labels).field(s.found).field(s.detections).field(s.false_detections);
    for (double v : {f.precision, f.recall, f.f05, f.corrected_precision, f.corrected_f05}) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6f", v);
      csv.field(std::isnan(v) ? "nan" : buf);
    }
    csv.end_row();
  };
  for (const auto& name : names) {
    const auto s = k::score_events(labels[name], detections_of(detections, name), range);
    total += s;
    row(name, s);
  }
  row("(mission)", total);
  if (const std::string classes = recall_by_class(catalog, labels, detections, range); !classes.empty())
    std::fprintf(out, "labels found by class:%s\n", classes.c_str());
  if (undefined) std::fprintf(out, "-: undefined (precision without a detection; recall and F0.5 without a label)\n");
  if (product.scored_overlaps_reference)
    std::fprintf(out, "note: the novelty job scored a range that overlaps its reference (training) period: "
                      "recall there is measured on the data the models learned from\n");
  const fs::path output = o.output.empty() ? fs::path(o.detections).parent_path() / "evaluation.csv" : fs::path(o.output);
  io::write_file_atomically(output, csv_text);
  std::fprintf(out, "event-wise over %s .. %s; CSV: %s\n", format_time(range.start).c_str(), format_time(range.end).c_str(),
               output.c_str());
  return 0;
}

}  // namespace telemine::jobs
