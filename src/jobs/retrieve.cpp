#include "jobs/retrieve.hpp"
#include "io/live.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/log.hpp"
#include "core/suggest.hpp"
#include "derived/derived.hpp"
#include "io/archive.hpp"
#include "io/csv_writer.hpp"
#include "jobs/plan.hpp"
#include "kernels/stats.hpp"
#include "kernels/timefuncs.hpp"

namespace telemine::jobs {

namespace fs = std::filesystem;

TableFormat parse_table_format(std::string_view text) {
  if (text == "table") return TableFormat::table;
  if (text == "csv") return TableFormat::csv;
  throw UsageError("unknown --format '" + std::string(text) + "' (expected table or csv)");
}

namespace {

std::string human_bytes(std::int64_t b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(b);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
  return buf;
}

// Prints rows as an aligned table, or as CSV with a header.
void print_rows(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                TableFormat format, std::FILE* out) {
  if (format == TableFormat::csv) {
    auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const bool quote = cells[i].find_first_of(",\"\n") != std::string::npos;
        std::string c = cells[i];
        if (quote) {
          std::string q = "\"";
          for (char ch : c) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
          c = q + "\"";
        }
        std::fprintf(out, "%s%s", i ? "," : "", c.c_str());
      }
      std::fputc('\n', out);
    };
    line(header);
    for (const auto& r : rows) line(r);
    return;
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      s += cells[i];
      if (i + 1 < cells.size()) s.append(width[i] - cells[i].size() + 2, ' ');
    }
    std::fprintf(out, "%s\n", s.c_str());
  };
  line(header);
  for (const auto& r : rows) line(r);
}

struct Span {
  TimeNs first = kTimeMax;
  TimeNs last = kTimeMin;
  bool empty() const noexcept { return first > last; }
};

Span mission_span(const io::Catalog& c) {
  Span s;
  for (const auto& p : c.partitions) {
    s.first = std::min(s.first, p.first_time);
    s.last = std::max(s.last, p.last_time);
  }
  return s;
}

std::string span_text(const Span& s) {
  return s.empty() ? "(empty)" : format_time(s.first) + " .. " + format_time(s.last);
}

// A table shows the span as one cell; CSV gives its ends a column each, empty when no samples.
std::vector<std::string> span_cells(const Span& s, TableFormat format) {
  if (format == TableFormat::table) return {span_text(s)};
  if (s.empty()) return {"", ""};
  return {format_time(s.first), format_time(s.last)};
}

std::vector<std::string> span_header(TableFormat format) {
  if (format == TableFormat::table) return {"span"};
  return {"span_start", "span_end"};
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

void list_missions(const io::Archive& archive, TableFormat format, std::FILE* out) {
  std::vector<std::vector<std::string>> rows;
  std::int64_t total_bytes = 0, total_samples = 0;
  for (const auto& m : archive.missions()) {
    const io::Catalog c = archive.catalog(m);
    std::int64_t bytes = static_cast<std::int64_t>(fs::file_size(archive.mission_dir(m) / "catalog.h5"));
    for (const auto& p : c.partitions) bytes += p.bytes;
    std::int64_t anomalies = 0;
    for (const auto& e : c.events) anomalies += e.kind == "anomaly";
    rows.push_back(joined({m, std::to_string(c.params.size()), std::to_string(c.partitions.size()),
                           std::to_string(c.total_samples()), std::to_string(anomalies),
                           format == TableFormat::csv ? std::to_string(bytes) : human_bytes(bytes)},
                          span_cells(mission_span(c), format)));
    total_bytes += bytes;
    total_samples += c.total_samples();
  }
  print_rows(joined({"mission", "params", "partitions", "samples", "anomalies", "size"}, span_header(format)), rows,
             format, out);
  if (format == TableFormat::table)
    std::fprintf(out, "\n%zu %s, %lld samples, %s on disk (%.2f bytes/sample)\n", rows.size(),
                 rows.size() == 1 ? "mission" : "missions", static_cast<long long>(total_samples),
                 human_bytes(total_bytes).c_str(),
                 total_samples ? static_cast<double>(total_bytes) / static_cast<double>(total_samples) : 0.0);
}

// Sample counts (valid or not) and time spans per parameter: every partition's samples are
// read, so this is asked for explicitly (`info --params`).
std::map<std::string, std::pair<std::int64_t, Span>> param_spans(const io::Archive& archive, const io::Catalog& c) {
  std::map<std::string, std::pair<std::int64_t, Span>> out;
  for (const auto& part : c.partitions) {
    const auto reader = io::PartitionReader::open(archive.partition_path(c.mission, part));
    for (const auto& name : reader.params()) {
      io::Series s;
      reader.read(name, s);
      auto& [count, span] = out[name];
      count += static_cast<std::int64_t>(s.size());
      if (s.size() == 0) continue;
      span.first = std::min(span.first, s.time.front());
      span.last = std::max(span.last, s.time.back());
    }
  }
  return out;
}

void list_params(const io::Archive& archive, const io::Catalog& c, const InfoOptions& o, std::FILE* out) {
  std::map<std::string, std::pair<std::int64_t, Span>> spans;
  if (o.params) spans = param_spans(archive, c);
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : c.params) {
    std::vector<std::string> row{p.name, std::string(io::to_string(p.kind)), p.unit, p.subsystem, p.description};
    if (o.params) {
      const auto& [count, span] = spans[p.name];
      row = joined(joined(row, {std::to_string(count)}), span_cells(span, o.format));
    }
    rows.push_back(std::move(row));
  }
  std::vector<std::string> header{"param", "kind", "unit", "subsystem", "description"};
  if (o.params) header = joined(joined(header, {"samples"}), span_header(o.format));
  print_rows(header, rows, o.format, out);
}

bool is_identifier(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
}

// A stored parameter, one of the --define'd ones, or an ad-hoc expression, over [from, to).
io::Series read_param(const io::Archive& archive, const io::Catalog& c, const GetOptions& o, const std::string& param,
                      TimeNs from, TimeNs to) {
  std::vector<derived::Definition> defs;
  for (const auto& d : o.defines) defs.push_back(derived::parse_definition(d, "--define '" + d + "'"));
  const bool defined = std::any_of(defs.begin(), defs.end(), [&](const auto& d) { return d.name == param; });
  if (c.find_param(param) == nullptr && !defined) {
    if (is_identifier(param)) {
      std::vector<std::string> known;
      for (const auto& p : c.params) known.push_back(p.name);
      throw UsageError("mission " + o.mission + " has no parameter '" + param + "'" + did_you_mean(param, known) + " (" +
                       std::to_string(c.params.size()) + " parameters: see telemine info --archive " +
                       o.archive.string() + " --mission " + o.mission + ")");
    }
    defs.push_back({"(expression)", param, "--param '" + param + "'"});
  }
  if (defs.empty()) return archive.read(c, param, from, to);
  const auto d = derived::Definitions::make(defs, c, from, to, derived::Options{o.hold, o.grid});
  return d.read(archive, c, defined || c.find_param(param) ? param : "(expression)", from, to);
}

// Writes `text` out once it holds about a megabyte: a day at 1 Hz is 86,400 lines.
void flush_if_full(std::string& text, std::FILE* out, bool last = false) {
  if (!last && text.size() < (1 << 20) - 256) return;
  std::fwrite(text.data(), 1, text.size(), out);
  text.clear();
}

// A table's cells padded to `width`; CSV cells through io's CSV writer (names quoted when they must be).
struct RowWriter {
  TableFormat format;
  std::string& text;
  io::CsvWriter csv{text};
  void cell(std::string_view s, std::size_t width) {
    if (format == TableFormat::csv) return void(csv.field(s));
    text += s;
    text.append(s.size() < width ? width - s.size() : 1, ' ');
  }
  void number(double v, std::size_t width) {
    if (format == TableFormat::csv) return void(csv.field(v));
    std::string t;
    io::append_csv_number(t, v);
    cell(t, width);
  }
  void end() {
    if (format == TableFormat::csv) return csv.end_row();
    while (!text.empty() && text.back() == ' ') text.pop_back();
    text += '\n';
  }
};

// Several parameters side by side on one time axis: the grid's points, or the first one's times.
std::int64_t write_wide(const io::Archive& archive, const io::Catalog& c, const GetOptions& o, std::FILE* out) {
  const DurationNs hold = o.hold > 0 ? o.hold : c.slice;
  const TimeNs early = o.from < kTimeMin + hold ? kTimeMin : o.from - hold;
  std::vector<io::Series> src;
  for (const auto& p : o.params) src.push_back(read_param(archive, c, o, p, o.grid > 0 ? early : o.from, o.to));
  std::vector<TimeNs> at;
  if (o.grid > 0) {
    // Without from/to the grid spans the parameters' samples.
    TimeNs first = kTimeMax, last = kTimeMin;
    for (const auto& x : src)
      if (x.size()) first = std::min(first, x.time.front()), last = std::max(last, x.time.back());
    if (o.from != kTimeMin) first = o.from;
    const TimeNs end = o.to != kTimeMax ? o.to : last == kTimeMin ? first : last + 1;
    if (first < end && (end - first) / o.grid > 50'000'000)
      throw UsageError("get: --grid " + format_duration(o.grid) + " gives more than 50 million rows over the range");
    for (TimeNs t = bucket_start(first - 1, o.grid) + o.grid; first < end && t < end; t += o.grid) at.push_back(t);
  } else {
    at = src[0].time;
  }
  std::vector<std::vector<double>> columns(src.size(), std::vector<double>(at.size()));
  for (std::size_t k = 0; k < src.size(); ++k)
    kernels::align_held(src[k].time, src[k].value, at, hold, columns[k]);
  std::string text;
  RowWriter w{o.format, text};
  w.cell("time", 31);
  for (const auto& p : o.params) w.cell(p, 24);
  w.end();
  char tbuf[48];
  for (std::size_t i = 0; i < at.size(); ++i) {
    w.cell(std::string_view(tbuf, format_time(at[i], tbuf)), 31);
    for (const auto& col : columns) w.number(col[i], 24);
    w.end();
    flush_if_full(text, out);
  }
  flush_if_full(text, out, true);
  return static_cast<std::int64_t>(at.size());
}

// Statistics per bucket instead of samples, the columns of stats.csv.
std::int64_t write_stats(const io::Archive& archive, const io::Catalog& c, const GetOptions& o, std::FILE* out) {
  std::string text;
  RowWriter w{o.format, text};
  const std::size_t widths[] = {24, 31, 8, 9, 24, 24, 24, 24, 24, 24};
  std::size_t n = 0;
  for (const char* h : {"param", "bucket_start", "count", "nan_count", "min", "max", "mean", "std", "first", "last"})
    w.cell(h, widths[n++]);
  w.end();
  std::int64_t rows = 0;
  char tbuf[48];
  for (const auto& p : o.params) {
    const io::Series s = read_param(archive, c, o, p, o.from, o.to);
    std::vector<kernels::BucketStats> buckets;
    kernels::bucket_stats(s.time, s.value, o.stats, buckets);
    for (const auto& b : buckets) {
      w.cell(p, widths[0]);
      w.cell(std::string_view(tbuf, format_time(b.start, tbuf)), widths[1]);
      w.cell(std::to_string(b.count), widths[2]);
      w.cell(std::to_string(b.nan_count), widths[3]);
      for (double v : {kernels::min_of(b), kernels::max_of(b), kernels::mean_of(b), kernels::sample_std(b), b.first, b.last})
        w.number(v, 24);
      w.end();
      flush_if_full(text, out);
    }
    rows += static_cast<std::int64_t>(buckets.size());
  }
  flush_if_full(text, out, true);
  return rows;
}

// Materialised derived parameters: their expressions and inputs, from the catalogue.
void print_derived(const io::Catalog& c, std::FILE* out) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, value] : c.attributes) {
    const std::string suffix = ".expression";
    if (key.rfind("derived.", 0) != 0 || key.size() <= suffix.size() + 8 ||
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string name = key.substr(8, key.size() - 8 - suffix.size());
    const auto inputs = c.attributes.find("derived." + name + ".inputs");
    rows.push_back({name, value, inputs == c.attributes.end() ? "" : inputs->second});
  }
  if (rows.empty()) return;
  std::fprintf(out, "\n%zu derived parameters (materialised by telemine derive):\n", rows.size());
  print_rows({"param", "expression", "inputs"}, rows, TableFormat::table, out);
}

// Samples `telemine stream` has made durable and not yet compacted (io/live.hpp).
void print_live(const io::Archive& archive, const io::Catalog& c, std::FILE* out) {
  std::error_code ec;
  if (!fs::is_directory(io::live_dir(archive.mission_dir(c.mission)), ec)) return;
  const auto live = io::LiveSegments::read(archive.mission_dir(c.mission));
  if (live.empty()) return;
  std::fprintf(out, "live: %lld samples in the stream's segments, not yet compacted (get reads them)\n\n",
               static_cast<long long>(live.samples()));
}

}  // namespace

void info(const InfoOptions& o, std::FILE* out) {
  const io::Archive archive = io::Archive::open(o.archive);
  if (o.mission.empty()) return list_missions(archive, o.format, out);
  if (!archive.has_mission(o.mission))
    throw UsageError("no mission '" + o.mission + "' in " + o.archive.string() +
                     did_you_mean(o.mission, archive.missions()));
  const io::Catalog c = archive.catalog(o.mission);
  if (o.format == TableFormat::table) {
    std::int64_t bytes = 0;
    for (const auto& p : c.partitions) bytes += p.bytes;
    std::fprintf(out, "mission %s: %zu parameters, %zu partitions of %s, %lld samples, %s, span %s\n\n",
                 c.mission.c_str(), c.params.size(), c.partitions.size(), format_duration(c.slice).c_str(),
                 static_cast<long long>(c.total_samples()), human_bytes(bytes).c_str(),
                 span_text(mission_span(c)).c_str());
    print_live(archive, c, out);
  }
  list_params(archive, c, o, out);
  if (o.format == TableFormat::table) print_derived(c, out);
  if (o.format == TableFormat::table && !c.events.empty()) {
    std::fprintf(out, "\n%zu events:\n", c.events.size());
    std::vector<std::vector<std::string>> ev;
    // The id that --around takes: the event's own, or event_N (its place in the catalogue).
    for (const auto& e : c.events)
      ev.push_back({e.kind, e.param, e.cls, format_time(e.start), format_time(e.end),
                    e.id.empty() ? "event_" + std::to_string(ev.size() + 1) : e.id, e.text});
    print_rows({"kind", "param", "class", "start", "end", "id", "text"}, ev, o.format, out);
  }
}

std::int64_t get(const GetOptions& o, std::FILE* out) {
  if (o.to <= o.from) throw UsageError("--to must be after --from");
  if (o.params.empty()) throw UsageError("get: --param is required");
  const io::Archive archive = io::Archive::open(o.archive);
  if (!archive.has_mission(o.mission))
    throw UsageError("archive " + o.archive.string() + " has no mission '" + o.mission + "'" +
                     did_you_mean(o.mission, archive.missions()));
  // Parameters that only the live segments of `telemine stream` hold so far (io/live.hpp).
  io::Catalog c = archive.catalog(o.mission);
  for (const auto& p : o.params) c = io::with_live_params(archive, std::move(c), p);
  // Samples not yet compacted are no partition's: with live segments, "nothing overlaps" is unknown.
  if (io::list_segments(o.archive / o.mission).empty()) require_overlap(archive, {o.mission}, o.from, o.to, "get");
  if (o.stats > 0) return write_stats(archive, c, o, out);
  if (o.params.size() > 1) return write_wide(archive, c, o, out);
  const io::Series s = read_param(archive, c, o, o.params[0], o.from, o.to);
  if (s.size() == 0)
    log::warn("no sample of " + o.params[0] + " in the range, though the mission has data there");

  // Formatted into one buffer and written in large blocks: a day at 1 Hz is 86,400 lines.
  std::string buf;
  buf.reserve(1 << 20);
  buf += o.format == TableFormat::csv ? "time,value\n" : "time                            value\n";
  char line[96];
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::size_t n = format_time(s.time[i], line);
    if (o.format == TableFormat::csv) {
      line[n++] = ',';
    } else {
      while (n < 32) line[n++] = ' ';
    }
    const double v = s.value[i];
    if (std::isnan(v)) {
      std::memcpy(line + n, "nan", 3);
      n += 3;
    } else {
      n = static_cast<std::size_t>(std::to_chars(line + n, line + sizeof line, v).ptr - line);
    }
    line[n++] = '\n';
    buf.append(line, n);
    if (buf.size() > (1 << 20) - 128) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
  return static_cast<std::int64_t>(s.size());
}

}  // namespace telemine::jobs
