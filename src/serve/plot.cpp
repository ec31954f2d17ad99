#include "serve/plot.hpp"

#include <algorithm>
#include <fstream>

#include "core/error.hpp"
#include "io/archive.hpp"
#include "io/csv_reader.hpp"
#include "io/json.hpp"
#include "io/svg.hpp"
#include "kernels/decimate.hpp"
#include "serve/png.hpp"

namespace telemine::serve {

namespace fs = std::filesystem;

namespace {

// detections.csv (mission,param,start,end,score,contributors) rows of one mission, read as
// RFC 4180 (a parameter's name may hold a comma or a quote).
std::vector<io::SvgInterval> read_detections(const fs::path& file, const std::string& mission) {
  io::CsvReader csv = io::CsvReader::open(file);
  std::vector<std::string_view> c;
  if (!csv.next(c) || c.size() < 5 || c[0] != "mission" || c[1] != "param" || c[2] != "start" || c[3] != "end" ||
      c[4] != "score")
    csv.fail_at(1, "not a detections.csv header (mission,param,start,end,score,...)");
  std::vector<io::SvgInterval> out;
  while (csv.next(c)) {
    TimeNs a = 0, b = 0;
    if (c.size() < 5 || !try_parse_time(c[2], a) || !try_parse_time(c[3], b))
      csv.fail("expected mission,param,start,end,score,...");
    if (c[0] == mission) out.push_back(io::SvgInterval{a, b, "detection", std::string(c[1]), "score " + std::string(c[4])});
  }
  return out;
}

}  // namespace

std::int64_t plot(const PlotOptions& o) {
  if (o.params.empty()) throw UsageError("plot: give at least one --param");
  const io::Archive archive = io::Archive::open(o.archive);
  if (!archive.has_mission(o.mission)) throw UsageError("plot: unknown mission '" + o.mission + "' in " + o.archive.string());
  const io::Catalog c = archive.catalog(o.mission);
  io::SvgPlot p;
  p.title = o.mission;
  p.width = o.width;
  p.from = o.from != kTimeMin ? o.from : c.partitions.empty() ? 0 : c.partitions.front().start;
  p.to = o.to != kTimeMax ? o.to : c.partitions.empty() ? 1 : c.partitions.back().end;
  if (!(p.from < p.to)) throw UsageError("plot: --from must come before --to");
  if (io::plot_width(p) < 50) throw UsageError("plot: --width " + std::to_string(o.width) + " leaves no room to plot");
  std::int64_t drawn = 0;
  for (const auto& name : o.params) {
    const io::ParamInfo* info = c.find_param(name);
    if (!info) throw UsageError("plot: unknown parameter '" + name + "' in mission " + o.mission);
    kernels::M4 m4(p.from, p.to, io::plot_width(p));
    io::Series s;
    for (const io::PartitionInfo* part : c.overlapping(p.from, p.to)) {
      s.time.clear();
      s.value.clear();
      io::PartitionReader::open(archive.partition_path(o.mission, *part)).read(name, p.from, p.to, s);
      m4.add(s.time, s.value);
    }
    io::SvgSeries series{name, info->unit, {}, {}, {}, {}};
    for (const auto& pt : m4.points()) series.time.push_back(pt.time), series.value.push_back(pt.value);
    drawn += static_cast<std::int64_t>(series.time.size());
    p.panels.push_back(std::move(series));
  }
  for (const auto& e : c.events)
    if (e.end > p.from && e.start < p.to) p.intervals.push_back(io::SvgInterval{e.start, e.end, e.kind, e.param, e.text});
  if (!o.detections.empty())
    for (auto& d : read_detections(o.detections, o.mission)) p.intervals.push_back(std::move(d));
  const std::string svg = io::svg_plot(p);
  io::write_file_atomically(o.output, o.output.extension() == ".png" ? svg_to_png(svg) : svg);
  return drawn;
}

}  // namespace telemine::serve
