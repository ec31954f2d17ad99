#include "io/csv.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/error.hpp"

namespace telemine::io {

void append_number(std::string& line, double v) {
  if (std::isnan(v)) {
    line += "nan";
    return;
  }
  char buf[32];
  line.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(file.string() + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
    if (n <= 0) {
      ::close(fd);
      throw IoError(file.string() + ": cannot read: " + std::strerror(errno));
    }
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return bytes;
}

// Walks a buffer line by line (LF or CRLF), counting lines from 1.
class Lines {
 public:
  explicit Lines(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}
  bool next(std::string_view& line) {
    if (p_ >= end_) return false;
    const char* nl = static_cast<const char*>(std::memchr(p_, '\n', static_cast<std::size_t>(end_ - p_)));
    const char* e = nl ? nl : end_;
    line = std::string_view(p_, static_cast<std::size_t>(e - p_));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    p_ = nl ? nl + 1 : end_;
    ++number_;
    return true;
  }
  int number() const noexcept { return number_; }

 private:
  const char* p_;
  const char* end_;
  int number_ = 0;
};

[[noreturn]] void bad(const fs::path& file, int line, const std::string& what) {
  throw IoError(file.string() + ":" + std::to_string(line) + ": " + what);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits a line into fields, RFC 4180 quotes allowed; `scratch` holds unescaped quoted fields.
// Fast path: no quote in the line.
void split(std::string_view line, std::vector<std::string_view>& fields, std::vector<std::string>& scratch) {
  fields.clear();
  if (line.find('"') == std::string_view::npos) {
    std::size_t start = 0;
    for (;;) {
      const auto comma = line.find(',', start);
      fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      if (comma == std::string_view::npos) return;
      start = comma + 1;
    }
  }
  scratch.clear();
  scratch.reserve(line.size());  // no reallocation: fields point into these strings
  std::size_t i = 0;
  for (;;) {
    std::string& f = scratch.emplace_back();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f += line[i++];
      }
      while (i < line.size() && line[i] != ',') f += line[i++];
    } else {
      while (i < line.size() && line[i] != ',') f += line[i++];
    }
    fields.push_back(f);
    if (i >= line.size()) return;
    ++i;  // the comma
  }
}

bool parse_time_field(std::string_view s, TimeNs& t) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.find('-', 1) == std::string_view::npos) {  // an integer number of ns (a date has '-' after the year)
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), t);
    return ec == std::errc() && p == s.data() + s.size();
  }
  return try_parse_time(s, t);
}

// Returns false for text that is not a number; `nan` in any case is an invalid sample.
bool parse_value(std::string_view s, double& v, bool& infinite) {
  s = trim(s);
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

void check_name(const fs::path& file, int line, std::string_view name) {
  if (name.empty()) bad(file, line, "empty parameter name");
  if (name.find('/') != std::string_view::npos) bad(file, line, "parameter name '" + std::string(name) + "' contains '/'");
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

}  // namespace

IngestBatch read_csv_long(const fs::path& file) {
  const std::string text = read_file(file);
  Lines lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  std::vector<std::string> scratch;
  if (!lines.next(line)) bad(file, 1, "empty file (expected the header time,param,value)");
  split(line, f, scratch);
  if (f.size() != 3 || !iequals(trim(f[0]), "time") || !iequals(trim(f[1]), "param") || !iequals(trim(f[2]), "value"))
    bad(file, 1, "expected the header time,param,value, got '" + std::string(line) + "'");

  IngestBatch batch;
  std::string last_name;
  Series* last = nullptr;  // rows usually repeat the previous parameter: skip the map lookup
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    split(line, f, scratch);
    const int n = lines.number();
    if (f.size() != 3) bad(file, n, "expected 3 fields (time,param,value), got " + std::to_string(f.size()));
    TimeNs t;
    if (!parse_time_field(f[0], t)) bad(file, n, "invalid time '" + std::string(f[0]) + "'");
    const std::string_view name = trim(f[1]);
    double v;
    bool infinite;
    if (!parse_value(f[2], v, infinite)) bad(file, n, "invalid value '" + std::string(f[2]) + "'");
    if (infinite) bad(file, n, "infinite value not allowed; use nan for an invalid sample");
    if (last == nullptr || name != last_name) {
      check_name(file, n, name);
      auto it = batch.samples.find(name);
      if (it == batch.samples.end()) {
        it = batch.samples.emplace(std::string(name), Series{}).first;
        batch.params.push_back({std::string(name)});
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
  const std::string text = read_file(file);
  Lines lines(text);
  std::string_view line;
  std::vector<std::string_view> f;
  std::vector<std::string> scratch;
  if (!lines.next(line)) bad(file, 1, "empty file (expected a header time,<param>,...)");
  split(line, f, scratch);
  if (f.size() < 2 || !iequals(trim(f[0]), "time"))
    bad(file, 1, "expected a header time,<param>,<param>,..., got '" + std::string(line) + "'");
  IngestBatch batch;
  std::vector<Series*> columns;
  for (std::size_t i = 1; i < f.size(); ++i) {
    const std::string name(trim(f[i]));
    check_name(file, 1, name);
    auto [it, fresh] = batch.samples.emplace(name, Series{});
    if (!fresh) bad(file, 1, "parameter '" + name + "' appears twice in the header");
    batch.params.push_back({name});
    columns.push_back(&it->second);
  }
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    split(line, f, scratch);
    const int n = lines.number();
    if (f.size() != columns.size() + 1)
      bad(file, n, "expected " + std::to_string(columns.size() + 1) + " fields, got " + std::to_string(f.size()));
    TimeNs t;
    if (!parse_time_field(f[0], t)) bad(file, n, "invalid time '" + std::string(f[0]) + "'");
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (trim(f[i + 1]).empty()) continue;  // no sample of this parameter at this time
      double v;
      bool infinite;
      if (!parse_value(f[i + 1], v, infinite)) bad(file, n, "invalid value '" + std::string(f[i + 1]) + "'");
      if (infinite) bad(file, n, "infinite value not allowed; use nan for an invalid sample");
      columns[i]->time.push_back(t);
      columns[i]->value.push_back(v);
    }
    ++batch.rows;
  }
  return batch;
}

}  // namespace telemine::io
