#include "jobs/evaluate_esa.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "io/archive.hpp"
#include "io/esa_adb.hpp"
#include "io/json.hpp"
#include "jobs/labels/labels.hpp"
#include "kernels/esa_metrics.hpp"

namespace telemine::jobs {
namespace fs = std::filesystem;
namespace esa = kernels::esa;

namespace {

using Selection = std::map<std::string, std::set<std::string>>;

Selection parse_selection(const std::vector<std::string>& select) {
  static const std::set<std::string> fields = {"Class", "Subclass", "Category", "Dimensionality", "Locality", "Length"};
  Selection s;
  for (const auto& item : select) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq);
    if (eq == std::string::npos || !fields.count(key))
      throw UsageError("evaluate: --select " + item + ": expected Field=Value with Field one of Class, Subclass, Category, "
                       "Dimensionality, Locality, Length");
    for (const auto& v : io::split_csv(item.substr(eq + 1))) s[key].insert(v);
  }
  if (s.empty()) s["Category"] = {"Anomaly"};
  return s;
}

const std::string& field(const io::Event& e, const std::string& key) {
  if (key == "Class") return e.cls;
  if (key == "Subclass") return e.subclass;
  if (key == "Category") return e.category;
  if (key == "Dimensionality") return e.dimensionality;
  if (key == "Locality") return e.locality;
  return e.length;
}

std::vector<esa::Label> labels_of(const io::Catalog& c, const Selection& sel, TimeNs lo, TimeNs hi) {
  std::vector<esa::Label> out;
  std::size_t n = 0;
  for (io::Event e : c.events) {
    ++n;
    if (e.param.empty() || e.kind == "command" || e.end < lo || e.start > hi) continue;
    if (e.category.empty()) e.category = labels::category_of_kind(e.kind);
    bool selected = true;
    for (const auto& [key, values] : sel) selected = selected && values.count(field(e, key)) > 0;
    out.push_back({e.id.empty() ? "event_" + std::to_string(n) : e.id, e.param, std::max(e.start, lo), std::min(e.end, hi),
                   selected});
  }
  return out;
}

struct Detections {
  std::map<std::string, std::vector<std::pair<TimeNs, TimeNs>>> intervals;  // per channel
  std::vector<TimeNs> time;                                                 // ESA-ADB layout
  std::map<std::string, std::vector<std::uint8_t>> flags;
  bool series = false;
};

TimeNs time_at(const std::string& text, const std::string& where) {
  try {
    return parse_time(text);
  } catch (const UsageError& e) {
    throw UsageError(where + ": " + e.what());
  }
}

Detections read_detections(const std::string& file, const std::string& mission) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file + ": cannot open");
  Detections d;
  std::string line;
  std::vector<std::string> header;
  int kind = 0;  // 1 telemine, 2 param,start,end, 3 ESA-ADB series
  for (std::int64_t n = 1; std::getline(in, line); ++n) {
    const std::string where = file + ":" + std::to_string(n);
    auto f = io::split_csv(line);
    if (n == 1) {
      header = f;
      if (f.size() >= 4 && f[0] == "mission" && f[1] == "param" && f[2] == "start" && f[3] == "end") kind = 1;
      else if (f.size() == 3 && f[0] == "param" && f[1] == "start" && f[2] == "end") kind = 2;
      else if (f.size() >= 2 && f[0] == "timestamp") kind = 3;
      else throw UsageError(where + ": expected the header mission,param,start,end,... or param,start,end or "
                            "timestamp,is_anomaly_<channel>,...");
      if (kind == 3) {
        d.series = true;
        for (std::size_t i = 1; i < f.size(); ++i)  // value columns (a split CSV's) are left aside
          if (f[i].rfind("is_anomaly_", 0) == 0) d.flags[f[i].substr(11)];
      }
      continue;
    }
    if (f.size() == 1 && f[0].empty()) continue;
    if (f.size() != header.size() && kind != 1) throw UsageError(where + ": expected " + std::to_string(header.size()) + " fields");
    if (kind == 1) {
      if (f.size() < 4) throw UsageError(where + ": expected mission,param,start,end");
      if (f[0] == mission) d.intervals[f[1]].emplace_back(time_at(f[2], where), time_at(f[3], where));
    } else if (kind == 2) {
      d.intervals[f[0]].emplace_back(time_at(f[1], where), time_at(f[2], where));
    } else {
      d.time.push_back(time_at(f[0], where));
      for (std::size_t i = 1; i < f.size(); ++i) {
        if (header[i].rfind("is_anomaly_", 0) != 0) continue;
        if (f[i] != "0" && f[i] != "1") throw UsageError(where + ": " + header[i] + " must be 0 or 1, not '" + f[i] + "'");
        d.flags[header[i].substr(11)].push_back(f[i] == "1");
      }
    }
  }
  if (kind == 0) throw UsageError(file + ":1: empty file");
  return d;
}

std::vector<esa::ChannelEvents> per_channel(const Detections& d, const std::vector<std::string>& channels, TimeNs lo, TimeNs hi) {
  std::vector<esa::ChannelEvents> out;
  for (const auto& c : channels) {
    if (d.series) {
      const auto it = d.flags.find(c);
      out.push_back({c, it == d.flags.end() ? std::vector<esa::Span>{} : esa::events_from_samples(d.time, it->second, lo, hi)});
    } else {
      const auto it = d.intervals.find(c);
      out.push_back({c, it == d.intervals.end() ? std::vector<esa::Span>{} : esa::events_from_intervals(it->second, lo, hi)});
    }
  }
  return out;
}

// The detector's combined output (any channel flagged), as ESAScores takes one series.
std::vector<esa::Span> combined(const Detections& d, TimeNs lo, TimeNs hi) {
  if (!d.series) {
    std::vector<std::pair<TimeNs, TimeNs>> all;
    for (const auto& [_, v] : d.intervals) all.insert(all.end(), v.begin(), v.end());
    return esa::events_from_intervals(all, lo, hi);
  }
  std::vector<std::uint8_t> any(d.time.size(), 0);
  for (const auto& [_, f] : d.flags)
    for (std::size_t i = 0; i < f.size(); ++i) any[i] |= f[i];
  return esa::events_from_samples(d.time, any, lo, hi);
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

int evaluate_esa(const EvaluateOptions& o, const std::vector<std::string>& select, std::FILE* out) {
  const auto sel = parse_selection(select);
  const io::Archive archive = io::Archive::open(o.archive);
  const io::Catalog catalog = archive.catalog(o.mission);
  TimeNs lo = kTimeMax, hi = kTimeMin;
  for (const auto& p : catalog.partitions) lo = std::min(lo, p.first_time), hi = std::max(hi, p.last_time);
  if (!o.from.empty()) lo = parse_time(o.from);
  if (!o.to.empty()) hi = parse_time(o.to);
  if (lo >= hi) throw UsageError("evaluate: empty time range");
  const auto labels = labels_of(catalog, sel, lo, hi);
  const auto d = read_detections(o.detections, o.mission);

  std::vector<std::string> channels;
  std::map<std::string, std::vector<std::string>> subsystem_map;
  for (const auto& p : catalog.params) {
    channels.push_back(p.name);
    if (!p.subsystem.empty()) subsystem_map[p.subsystem].push_back(p.name);
  }
  const std::vector<std::pair<std::string, std::vector<std::string>>> subsystems(subsystem_map.begin(), subsystem_map.end());
  const auto pred = per_channel(d, channels, lo, hi);
  const auto s = esa::esa_scores(labels, combined(d, lo, hi), lo, hi, 0.5);
  const auto c = esa::channel_aware(labels, pred, subsystems, 0.5);
  const auto t = esa::adtqc(labels, pred);

  std::string name;
  for (const auto& [k, v] : sel)
    for (const auto& x : v) name += (name.empty() ? "" : "_") + x;
  const std::vector<std::pair<std::string, double>> cols = {
      {"EW_precision", s.ew_precision},       {"EW_recall", s.ew_recall},
      {"EW_F_0.50", s.ew_f},                  {"alarming_precision", s.alarming_precision},
      {"AFF_precision", s.aff_precision},     {"AFF_recall", s.aff_recall},
      {"AFF_F_0.50", s.aff_f},                {"channel_precision", c.channel_precision},
      {"channel_recall", c.channel_recall},   {"channel_F0.50", c.channel_f},
      {"subsystem_precision", c.subsystem_precision}, {"subsystem_recall", c.subsystem_recall},
      {"subsystem_F0.50", c.subsystem_f},     {"ADTQC_Nb_Before", static_cast<double>(t.before)},
      {"ADTQC_Nb_After", static_cast<double>(t.after)}, {"ADTQC_AfterRate", t.after_rate},
      {"ADTQC_Total", t.total}};
  std::string csv = "mission,selection", row = o.mission + "," + io::csv_field(name);
  std::fprintf(out, "ESA-ADB metrics, %s, selection %s, %s .. %s\n", o.mission.c_str(), name.c_str(), format_time(lo).c_str(),
               format_time(hi).c_str());
  for (const auto& [k, v] : cols) {
    if (!c.has_subsystems && k.rfind("subsystem_", 0) == 0) continue;
    csv += "," + k;
    row += "," + number(v);
    std::fprintf(out, "  %-20s %.6f\n", k.c_str(), v);
  }
  std::fprintf(out, "  (%lld anomalies found, %lld missed, %lld false alarms, %lld redundant)\n",
               static_cast<long long>(s.true_positives), static_cast<long long>(s.false_negatives),
               static_cast<long long>(s.false_positives), static_cast<long long>(s.redundant));
  const fs::path output = o.output.empty() ? fs::path(o.detections).parent_path() / "evaluation_esa.csv" : fs::path(o.output);
  io::write_file_atomically(output, csv + "\n" + row + "\n");
  std::fprintf(out, "CSV: %s\n", output.c_str());
  return 0;
}

}  // namespace telemine::jobs
