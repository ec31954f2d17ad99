#include "jobs/labels/labels.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/error.hpp"
#include "io/esa_adb.hpp"
#include "io/json.hpp"

namespace telemine::jobs::labels {
namespace fs = std::filesystem;

namespace {

// The fields that make an anomaly's type: every row of one id must agree on them.
auto type_of(const io::Event& e) {
  return std::tie(e.kind, e.cls, e.subclass, e.category, e.dimensionality, e.locality, e.length);
}

std::string describe_type(const io::Event& e) {
  return e.kind + "/" + e.cls + "/" + e.subclass + "/" + e.category + "/" + e.dimensionality + "/" + e.locality + "/" + e.length;
}

bool event_order(const io::Event& a, const io::Event& b) {
  return std::tie(a.start, a.end, a.param, a.kind, a.cls, a.text, a.id) < std::tie(b.start, b.end, b.param, b.kind, b.cls, b.text, b.id);
}

std::string read_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path catalog_file(const io::Archive& archive, const std::string& mission) {
  return archive.mission_dir(mission) / "catalog.h5";
}

void fill_category(io::Event& e) {
  if (e.category.empty()) e.category = category_of_kind(e.kind);
  if (e.kind.empty()) e.kind = kind_of_category(e.category);
}

void save(const io::Archive& archive, io::Catalog& c) {
  std::sort(c.events.begin(), c.events.end(), event_order);
  io::write_catalog(catalog_file(archive, c.mission), c);
}

void print_table(const std::vector<const io::Event*>& events, std::FILE* out) {
  std::fprintf(out, "%-8s %-16s %-24s %-24s %-13s %-12s %-12s %s\n", "id", "param", "start", "end", "kind", "class",
               "category", "text");
  for (const auto* e : events)
    std::fprintf(out, "%-8s %-16s %-24s %-24s %-13s %-12s %-12s %s\n", e->id.c_str(), e->param.c_str(),
                 format_time(e->start).c_str(), format_time(e->end).c_str(), e->kind.c_str(), e->cls.c_str(),
                 e->category.c_str(), e->text.c_str());
  std::fprintf(out, "%zu events\n", events.size());
}

}  // namespace

bool Filter::matches(const io::Event& e) const {
  return (param.empty() || e.param == param) && (kind.empty() || e.kind == kind) && (cls.empty() || e.cls == cls) &&
         (category.empty() || e.category == category) && (id.empty() || e.id == id) && e.end > from && e.start < to;
}

std::string category_of_kind(const std::string& kind) {
  if (kind == "anomaly") return "Anomaly";
  if (kind == "rare-nominal") return "Rare Event";
  if (kind == "gap") return "Communication Gap";
  return "";
}

std::string kind_of_category(const std::string& category) {
  if (category == "Anomaly") return "anomaly";
  if (category == "Rare Event" || category == "Rare Nominal Event") return "rare-nominal";
  if (category == "Communication Gap") return "gap";
  return "";
}

std::string to_csv(const std::vector<io::Event>& events) {
  std::string csv = std::string(kCsvHeader) + "\n";
  for (const auto& e : events) {
    const std::string fields[] = {e.id,       e.param,    format_time(e.start), format_time(e.end), e.kind,
                                  e.cls,      e.subclass, e.category,           e.dimensionality,   e.locality,
                                  e.length,   e.text};
    for (std::size_t i = 0; i < std::size(fields); ++i) csv += (i ? "," : "") + io::csv_field(fields[i]);
    csv += "\n";
  }
  return csv;
}

std::string next_id(const io::Catalog& catalog) {
  long long top = -1;
  for (const auto& e : catalog.events)
    if (e.id.rfind("id_", 0) == 0 && e.id.size() > 3 && e.id.find_first_not_of("0123456789", 3) == std::string::npos)
      top = std::max(top, std::stoll(e.id.substr(3)));
  return "id_" + std::to_string(top + 1);
}

void check_event(const io::Event& e, const io::Catalog& catalog, const std::string& where) {
  if (e.end < e.start)
    throw UsageError(where + ": end " + format_time(e.end) + " is before start " + format_time(e.start));
  if (!e.param.empty() && !catalog.find_param(e.param))
    throw UsageError(where + ": unknown parameter '" + e.param + "' in mission " + catalog.mission);
  if (e.kind.empty()) throw UsageError(where + ": an event needs a kind (anomaly, rare-nominal, gap, command, ...)");
  for (const auto& o : catalog.events)
    if (!e.id.empty() && o.id == e.id && type_of(o) != type_of(e))
      throw UsageError(where + ": id " + e.id + " has the type " + describe_type(o) + " in the catalogue, not " +
                       describe_type(e));
}

std::vector<io::Event> parse_csv(const std::string& text, const std::string& file, const io::Catalog& catalog) {
  std::vector<io::Event> out;
  std::map<std::string, io::Event> first_of_id;
  std::istringstream in(text);
  std::string line;
  std::int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = file + ":" + std::to_string(n);
    if (n == 1) {
      if (line != kCsvHeader) throw UsageError(where + ": expected the header " + std::string(kCsvHeader));
      continue;
    }
    if (line.empty()) continue;
    const auto f = io::split_csv(line);
    if (f.size() != 12) throw UsageError(where + ": expected 12 fields, found " + std::to_string(f.size()));
    io::Event e;
    e.id = f[0];
    e.param = f[1];
    try {
      e.start = parse_time(f[2]);
      e.end = parse_time(f[3]);
    } catch (const UsageError& err) {
      throw UsageError(where + ": " + err.what());
    }
    std::tie(e.kind, e.cls, e.subclass, e.category, e.dimensionality, e.locality, e.length, e.text) =
        std::tie(f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11]);
    fill_category(e);
    if (e.id.empty()) {  // an event without an id (an older catalogue's) is its own anomaly
      io::Catalog seen = catalog;
      for (const auto& [id, first] : first_of_id) seen.events.push_back(first);
      e.id = next_id(seen);
    }
    check_event(e, catalog, where);
    auto [it, inserted] = first_of_id.emplace(e.id, e);
    if (!inserted && type_of(it->second) != type_of(e))
      throw UsageError(where + ": id " + e.id + " was given the type " + describe_type(it->second) +
                       " on an earlier line, here " + describe_type(e));
    out.push_back(std::move(e));
  }
  if (n == 0) throw UsageError(file + ":1: empty file (expected the header " + std::string(kCsvHeader) + ")");
  return out;
}

int run(const Options& o, std::FILE* out) {
  const io::Archive archive = io::Archive::open(o.archive);
  if (!archive.has_mission(o.mission)) throw UsageError("labels: no mission " + o.mission + " in " + o.archive);
  io::Catalog c = archive.catalog(o.mission);
  switch (o.action) {
    case Action::list: {
      std::vector<const io::Event*> rows;
      std::vector<io::Event> copy;
      for (const auto& e : c.events)
        if (o.filter.matches(e)) rows.push_back(&e), copy.push_back(e);
      if (o.format == "csv") std::fputs(to_csv(copy).c_str(), out);
      else if (o.format == "table") print_table(rows, out);
      else throw UsageError("labels list: --format must be table or csv, not " + o.format);
      return 0;
    }
    case Action::add: {
      io::Event e = o.event;
      fill_category(e);
      if (e.id.empty()) e.id = next_id(c);
      // From the command line: the errors name the options.
      if (e.end < e.start)
        throw UsageError("labels add: --end " + format_time(e.end) + " is before --start " + format_time(e.start));
      if (!e.param.empty() && !c.find_param(e.param))
        throw UsageError("labels add: --param: unknown parameter '" + e.param + "' in mission " + c.mission);
      check_event(e, c, "labels add");
      c.events.push_back(e);
      save(archive, c);
      std::fprintf(out, "added %s (%s on %s, %s .. %s)\n", e.id.c_str(), e.kind.c_str(),
                   e.param.empty() ? "the mission" : e.param.c_str(), format_time(e.start).c_str(), format_time(e.end).c_str());
      return 0;
    }
    case Action::import: {
      io::Catalog base = c;
      if (o.replace) std::erase_if(base.events, [](const io::Event& e) { return !e.id.empty() || e.kind == "anomaly"; });
      auto events = parse_csv(read_text(o.input), o.input, base);
      const auto n = events.size();
      std::set<std::string> ids;
      for (auto& e : events) ids.insert(e.id), base.events.push_back(std::move(e));
      base.events.erase(std::unique(base.events.begin(), base.events.end()), base.events.end());
      save(archive, base);
      std::fprintf(out, "imported %zu events (%zu ids) into %s\n", n, ids.size(), o.mission.c_str());
      return 0;
    }
    case Action::export_: {
      std::vector<io::Event> rows;
      for (const auto& e : c.events)
        if (o.filter.matches(e)) rows.push_back(e);
      if (o.output.empty() || o.output == "-") std::fputs(to_csv(rows).c_str(), out);
      else io::write_file_atomically(o.output, to_csv(rows));
      return 0;
    }
    case Action::remove: {
      if (o.filter.id.empty()) throw UsageError("labels remove: --id is required");
      const auto before = c.events.size();
      std::erase_if(c.events, [&](const io::Event& e) { return e.id == o.filter.id; });
      if (c.events.size() == before) throw UsageError("labels remove: no event with id " + o.filter.id + " in " + o.mission);
      save(archive, c);
      std::fprintf(out, "removed %zu events of id %s\n", before - c.events.size(), o.filter.id.c_str());
      return 0;
    }
  }
  return 0;
}

}  // namespace telemine::jobs::labels
