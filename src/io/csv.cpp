#include "io/csv.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/text.hpp"
#include "io/csv_reader.hpp"
#include "io/csv_writer.hpp"

namespace telemine::io {

void append_number(std::string& line, double v) { append_csv_number(line, v); }

namespace fs = std::filesystem;

namespace {

[[noreturn]] void bad(const CsvReader& csv, const std::string& what) { csv.fail(what); }

// Input text as shown in a message: quoted, control characters escaped, cut after 200 bytes.
std::string shown(std::string_view text) { return "'" + excerpt(text) + "'"; }

// A time is ISO-8601 or an integer number of ns; either must lie in the supported range
// (core/time.hpp), so that nothing downstream overflows near the ends of int64.
// The message for a bad time field, empty when `field` is a good time (stored in `t`).
std::string time_problem(std::string_view field, TimeNs& t) {
  const std::string_view s = trim(field, kCellBlanks);
  TimeParse status = TimeParse::malformed;
  if (!s.empty() && s.find('-', 1) == std::string_view::npos) {  // ns: a date has '-' after the year
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), t);
    if (p == s.data() + s.size() && ec == std::errc::result_out_of_range) status = TimeParse::out_of_range;
    else if (p == s.data() + s.size() && ec == std::errc())
      status = in_time_range(t) ? TimeParse::ok : TimeParse::out_of_range;
  } else if (!s.empty()) {
    status = parse_time_status(s, t);
  }
  if (status == TimeParse::out_of_range) return time_range_message(excerpt(s));
  if (status != TimeParse::ok) return "invalid time " + shown(field);
  return {};
}

void parse_time_field(const CsvReader& csv, std::string_view field, TimeNs& t) {
  const std::string what = time_problem(field, t);
  if (!what.empty()) bad(csv, what);
}

// Returns false for text that is not a number; `nan` in any case is an invalid sample.
bool parse_value(std::string_view s, double& v, bool& infinite) {
  s = trim(s, kCellBlanks);
  infinite = false;
  if (s.size() == 3 && (s[0] | 0x20) == 'n' && (s[1] | 0x20) == 'a' && (s[2] | 0x20) == 'n') {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (p != s.data() + s.size() || s.empty()) return false;
  if (ec == std::errc::result_out_of_range) {
    infinite = true;  // overflow to infinity is as unusable as inf itself
    return true;
  }
  if (ec != std::errc()) return false;
  if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
  infinite = std::isinf(v);
  return true;
}

// The archive's rules for names (io/archive.hpp validate_name), reported at the line.
std::string name_problem(std::string_view name) {
  if (name.empty()) return "empty parameter name";
  if (name.find('/') != std::string_view::npos) return "parameter name " + shown(name) + " contains '/'";
  bool plain = name.size() <= 255 && name != "." && name != "..";
  for (unsigned char c : name) plain = plain && c >= 0x20 && c != 0x7f;
  if (plain) return {};  // the common case, without an exception
  try {
    validate_name("parameter", name);
  } catch (const UsageError& e) {
    return e.what();
  }
  return {};
}

void check_name(const CsvReader& csv, std::string_view name) {
  const std::string what = name_problem(name);
  if (!what.empty()) bad(csv, what);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// One value cell: a number or nan; infinity is refused.
std::string value_problem(std::string_view cell, double& v) {
  bool infinite;
  if (!parse_value(cell, v, infinite)) return "invalid value " + shown(cell);
  if (infinite) return "infinite value not allowed; use nan for an invalid sample";
  return {};
}

double value_of(const CsvReader& csv, std::string_view cell) {
  double v;
  const std::string what = value_problem(cell, v);
  if (!what.empty()) bad(csv, what);
  return v;
}

ParamInfo named(std::string name) {
  ParamInfo p;
  p.name = std::move(name);
  return p;
}

std::string joined(const std::vector<std::string_view>& fields) {
  std::string out;
  for (const auto f : fields) out.append(out.empty() ? "" : ",").append(f);
  return out;
}

}  // namespace

std::string check_long_fields(std::string_view time, std::string_view& param, std::string_view value, TimeNs& t,
                              double& v) {
  std::string what = time_problem(time, t);
  if (what.empty()) {
    param = trim(param, kCellBlanks);
    what = name_problem(param);
  }
  if (what.empty()) what = value_problem(value, v);
  return what;
}

bool is_long_header(std::string_view time, std::string_view param, std::string_view value) {
  return iequals(trim(time, kCellBlanks), "time") && iequals(trim(param, kCellBlanks), "param") &&
         iequals(trim(value, kCellBlanks), "value");
}

IngestBatch read_csv_long(const fs::path& file) {
  CsvReader csv = CsvReader::open(file);
  std::vector<std::string_view> f;
  if (!csv.next(f)) csv.fail_at(1, "empty file (expected the header time,param,value)");
  if (f.size() != 3 || !iequals(trim(f[0], kCellBlanks), "time") || !iequals(trim(f[1], kCellBlanks), "param") ||
      !iequals(trim(f[2], kCellBlanks), "value"))
    bad(csv, "expected the header time,param,value, got " + shown(joined(f)));

  IngestBatch batch;
  std::string last_name;
  Series* last = nullptr;  // rows usually repeat the previous parameter: skip the map lookup
  while (csv.next(f)) {
    if (f.size() != 3) bad(csv, "expected 3 fields (time,param,value), got " + std::to_string(f.size()));
    TimeNs t;
    parse_time_field(csv, f[0], t);
    const std::string_view name = trim(f[1], kCellBlanks);
    const double v = value_of(csv, f[2]);
    if (last == nullptr || name != last_name) {
      check_name(csv, name);
      auto it = batch.samples.find(name);
      if (it == batch.samples.end()) {
        it = batch.samples.emplace(std::string(name), Series{}).first;
        batch.params.push_back(named(std::string(name)));
      }
      last = &it->second;
      last_name = name;
    }
    last->time.push_back(t);
    last->value.push_back(v);
    ++batch.rows;
  }
  return batch;
}

IngestBatch read_csv_wide(const fs::path& file) {
  CsvReader csv = CsvReader::open(file);
  std::vector<std::string_view> f;
  if (!csv.next(f)) csv.fail_at(1, "empty file (expected a header time,<param>,...)");
  if (f.size() < 2 || !iequals(trim(f[0], kCellBlanks), "time"))
    bad(csv, "expected a header time,<param>,<param>,..., got " + shown(joined(f)));
  IngestBatch batch;
  std::vector<Series*> columns;
  for (std::size_t i = 1; i < f.size(); ++i) {
    const std::string name(trim(f[i], kCellBlanks));
    check_name(csv, name);
    auto [it, fresh] = batch.samples.emplace(name, Series{});
    if (!fresh) bad(csv, "parameter " + shown(name) + " appears twice in the header");
    batch.params.push_back(named(name));
    columns.push_back(&it->second);
  }
  while (csv.next(f)) {
    if (f.size() != columns.size() + 1)
      bad(csv, "expected " + std::to_string(columns.size() + 1) + " fields, got " + std::to_string(f.size()));
    TimeNs t;
    parse_time_field(csv, f[0], t);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (trim(f[i + 1], kCellBlanks).empty()) continue;  // no sample of this parameter at this time
      const double v = value_of(csv, f[i + 1]);
      columns[i]->time.push_back(t);
      columns[i]->value.push_back(v);
    }
    ++batch.rows;
  }
  return batch;
}

}  // namespace telemine::io
