#include "jobs/retrieve.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "derived/derived.hpp"
#include "io/archive.hpp"

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

std::string span_text(const io::Catalog& c) {
  if (c.partitions.empty()) return "(empty)";
  TimeNs first = kTimeMax, last = kTimeMin;
  for (const auto& p : c.partitions) {
    first = std::min(first, p.first_time);
    last = std::max(last, p.last_time);
  }
  return format_time(first) + " .. " + format_time(last);
}

bool is_identifier(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
}

// A stored parameter, one of the --define'd ones, or an ad-hoc expression.
io::Series read_param(const io::Archive& archive, const io::Catalog& c, const GetOptions& o) {
  std::vector<derived::Definition> defs;
  for (const auto& d : o.defines) defs.push_back(derived::parse_definition(d, "--define '" + d + "'"));
  const bool defined = std::any_of(defs.begin(), defs.end(), [&](const auto& d) { return d.name == o.param; });
  if (c.find_param(o.param) == nullptr && !defined) {
    if (is_identifier(o.param))
      throw UsageError("mission " + o.mission + " has no parameter '" + o.param + "' (" +
                       std::to_string(c.params.size()) + " parameters: see telemine info --archive " +
                       o.archive.string() + " --mission " + o.mission + ")");
    defs.push_back({"(expression)", o.param, "--param '" + o.param + "'"});
  }
  if (defs.empty()) return archive.read(c, o.param, o.from, o.to);
  const auto d = derived::Definitions::make(defs, c, o.from, o.to, derived::Options{o.hold, o.grid});
  return d.read(archive, c, defined || c.find_param(o.param) ? o.param : "(expression)", o.from, o.to);
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

}  // namespace

void info(const fs::path& archive_path, const std::string& mission, TableFormat format, std::FILE* out) {
  const io::Archive archive = io::Archive::open(archive_path);
  if (mission.empty()) {
    std::vector<std::vector<std::string>> rows;
    std::int64_t total_bytes = 0, total_samples = 0;
    for (const auto& m : archive.missions()) {
      const io::Catalog c = archive.catalog(m);
      std::int64_t bytes = static_cast<std::int64_t>(fs::file_size(archive.mission_dir(m) / "catalog.h5"));
      for (const auto& p : c.partitions) bytes += p.bytes;
      std::int64_t anomalies = 0;
      for (const auto& e : c.events) anomalies += e.kind == "anomaly";
      rows.push_back({m, std::to_string(c.params.size()), std::to_string(c.partitions.size()),
                      std::to_string(c.total_samples()), std::to_string(anomalies),
                      format == TableFormat::csv ? std::to_string(bytes) : human_bytes(bytes), span_text(c)});
      total_bytes += bytes;
      total_samples += c.total_samples();
    }
    print_rows({"mission", "params", "partitions", "samples", "anomalies", "size", "span"}, rows, format, out);
    if (format == TableFormat::table)
      std::fprintf(out, "\n%zu missions, %lld samples, %s on disk (%.2f bytes/sample)\n", rows.size(),
                   static_cast<long long>(total_samples), human_bytes(total_bytes).c_str(),
                   total_samples ? static_cast<double>(total_bytes) / static_cast<double>(total_samples) : 0.0);
    return;
  }
  const io::Catalog c = archive.catalog(mission);
  if (format == TableFormat::table) {
    std::int64_t bytes = 0;
    for (const auto& p : c.partitions) bytes += p.bytes;
    std::fprintf(out, "mission %s: %zu parameters, %zu partitions of %s, %lld samples, %s, span %s\n\n",
                 c.mission.c_str(), c.params.size(), c.partitions.size(), format_duration(c.slice).c_str(),
                 static_cast<long long>(c.total_samples()), human_bytes(bytes).c_str(), span_text(c).c_str());
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : c.params)
    rows.push_back({p.name, std::string(io::to_string(p.kind)), p.unit, p.subsystem, p.description});
  print_rows({"param", "kind", "unit", "subsystem", "description"}, rows, format, out);
  if (format == TableFormat::table) print_derived(c, out);
  if (format == TableFormat::table && !c.events.empty()) {
    std::fprintf(out, "\n%zu events:\n", c.events.size());
    std::vector<std::vector<std::string>> ev;
    for (const auto& e : c.events)
      ev.push_back({e.kind, e.param, e.cls, format_time(e.start), format_time(e.end), e.text});
    print_rows({"kind", "param", "class", "start", "end", "text"}, ev, format, out);
  }
}

std::int64_t get(const GetOptions& o, std::FILE* out) {
  if (o.to <= o.from) throw UsageError("--to must be after --from");
  const io::Archive archive = io::Archive::open(o.archive);
  const io::Catalog c = archive.catalog(o.mission);
  const io::Series s = read_param(archive, c, o);

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
