#include "io/live.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <set>

#include "core/error.hpp"
#include "io/csv.hpp"
#include "io/csv_reader.hpp"

namespace telemine::io {

namespace fs = std::filesystem;

fs::path live_dir(const fs::path& mission_dir) { return mission_dir / "live"; }

std::string segment_file_name(std::uint64_t number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "segment-%08llu.csv", static_cast<unsigned long long>(number));
  return buf;
}

std::optional<std::uint64_t> segment_number(std::string_view name) {
  constexpr std::string_view prefix = "segment-", suffix = ".csv";
  if (name.size() <= prefix.size() + suffix.size() || name.substr(0, prefix.size()) != prefix ||
      name.substr(name.size() - suffix.size()) != suffix)
    return std::nullopt;
  const std::string_view digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
  return n;
}

std::vector<fs::path> list_segments(const fs::path& mission_dir) {
  std::vector<std::pair<std::uint64_t, fs::path>> found;
  std::error_code ec;
  for (fs::directory_iterator it(live_dir(mission_dir), ec), end; !ec && it != end; it.increment(ec))
    if (const auto n = segment_number(it->path().filename().native())) found.emplace_back(*n, it->path());
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

namespace {

// The file's text from byte `offset` up to its last line end; nothing when it is gone
// (compacted meanwhile).
std::optional<std::string> complete_lines(const fs::path& file, std::uint64_t offset = 0) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw IoError(file.string() + ": cannot read live segment: " + std::strerror(errno));
  }
  std::string text;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) > offset)
    text.resize(static_cast<std::size_t>(static_cast<std::uint64_t>(st.st_size) - offset));
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) text.resize(text.size() + (1 << 16));  // it may have grown since
    const ssize_t n = ::pread(fd, text.data() + got, text.size() - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw IoError(file.string() + ": cannot read live segment: " + std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  const auto last = text.rfind('\n');
  text.resize(last == std::string::npos ? 0 : last + 1);
  return text;
}

struct Line {
  std::string_view time, param, value;
};

// Splits one segment line; names holding a comma or quote are quoted (RFC 4180).
bool split_line(std::string_view line, Line& out, std::string& scratch) {
  const auto a = line.find(',');
  if (a == std::string_view::npos) return false;
  out.time = line.substr(0, a);
  if (a + 1 < line.size() && line[a + 1] == '"') {
    CsvReader csv(std::string(line), "segment");
    std::vector<std::string_view> f;
    if (!csv.next(f) || f.size() != 3) return false;
    scratch.assign(f[1]);
    out.param = scratch;
    out.value = line.substr(line.rfind(',') + 1);
    return true;
  }
  const auto b = line.find(',', a + 1);
  if (b == std::string_view::npos) return false;
  out.param = line.substr(a + 1, b - a - 1);
  out.value = line.substr(b + 1);
  return true;
}

// Calls `each(line_number, fields)` for every sample line of a segment's text.
template <class F>
void for_each_line(const fs::path& file, const std::string& text, F&& each) {
  std::size_t pos = 0;
  int number = 0;
  std::string scratch;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (number == 1 || line.empty()) continue;  // the header
    Line l;
    if (!split_line(line, l, scratch))
      throw IoError(file.string() + ":" + std::to_string(number) + ": malformed live segment line");
    each(number, l);
  }
}

// Calls `each(line_number_or_0, fields)` for the lines of `text` whose parameter is `param`.
// A plain name is found by searching for `,NAME,` (a line's first comma precedes the name), far
// faster than splitting every line; names a CSV writer quotes take the full path.
template <class F>
void for_each_line_of(const fs::path& file, const std::string& text, std::string_view param, F&& each) {
  if (param.empty() || param.find_first_of(",\"\r\n") != std::string_view::npos) {
    for_each_line(file, text, [&](int number, Line& l) {
      if (l.param == param) each(number, l);
    });
    return;
  }
  const std::string needle = "," + std::string(param) + ",";
  const std::string_view all(text);
  for (std::size_t pos = all.find(needle); pos != std::string_view::npos; pos = all.find(needle, pos + 1)) {
    const auto start = all.rfind('\n', pos);
    if (start == std::string_view::npos) continue;  // the header line
    if (all.find(',', start + 1) != pos) continue;    // the needle is not this line's parameter
    const auto end = all.find('\n', pos);
    Line l{all.substr(start + 1, pos - start - 1), all.substr(pos + 1, param.size()),
           all.substr(pos + needle.size(), end - pos - needle.size())};
    if (!l.value.empty() && l.value.back() == '\r') l.value.remove_suffix(1);
    each(0, l);
  }
}

}  // namespace

LiveSegments LiveSegments::read(const fs::path& mission_dir) {
  LiveSegments out;
  for (const auto& f : list_segments(mission_dir)) {
    auto text = complete_lines(f);
    if (!text || text->find('\n') + 1 >= text->size()) continue;  // gone, or no sample in it
    out.files_.push_back(f);
    out.texts_.push_back(std::move(*text));
  }
  return out;
}

void LiveSegments::append(std::string_view param, TimeNs from, TimeNs to, Series& out) const {
  for (std::size_t i = 0; i < texts_.size(); ++i)
    for_each_line_of(files_[i], texts_[i], param, [&](int number, Line& l) {
      TimeNs t;
      double v;
      const std::string what = check_long_fields(l.time, l.param, l.value, t, v);
      if (!what.empty())
        throw IoError(files_[i].string() + (number > 0 ? ":" + std::to_string(number) : std::string()) + ": " + what);
      if (t < from || t >= to) return;
      out.time.push_back(t);
      out.value.push_back(v);
    });
}

std::int64_t LiveSegments::samples() const noexcept {
  std::int64_t n = 0;
  for (const auto& t : texts_) {
    const auto lines = static_cast<std::int64_t>(std::count(t.begin(), t.end(), '\n'));
    n += lines > 0 ? lines - 1 : 0;
  }
  return n;
}

bool LiveSegments::has(std::string_view param) const {
  bool found = false;
  for (std::size_t i = 0; i < texts_.size() && !found; ++i)
    for_each_line_of(files_[i], texts_[i], param, [&](int, Line&) { found = true; });
  return found;
}

std::vector<std::string> LiveSegments::params() const {
  std::set<std::string, std::less<>> names;
  for (std::size_t i = 0; i < texts_.size(); ++i)
    for_each_line(files_[i], texts_[i], [&](int, Line& l) {
      if (names.find(l.param) == names.end()) names.emplace(l.param);
    });
  return {names.begin(), names.end()};
}

bool LiveTail::refresh() {
  const auto files = list_segments(dir_);
  std::vector<Segment> kept;
  bool changed = false;
  std::size_t i = 0;
  for (const auto& f : files) {
    const std::uint64_t number = *segment_number(f.filename().native());
    while (i < segments_.size() && segments_[i].number < number) ++i, changed = true;  // compacted
    if (i < segments_.size() && segments_[i].number == number) kept.push_back(std::move(segments_[i++]));
    else {
      kept.emplace_back();
      kept.back().number = number;
    }
    changed |= read_more(f, kept.back());
  }
  changed |= i < segments_.size();
  segments_ = std::move(kept);
  if (!changed) return false;
  auto v = std::make_shared<LiveView>();
  for (const auto& seg : segments_) {
    v->pieces_.insert(v->pieces_.end(), seg.pieces.begin(), seg.pieces.end());
    v->samples_ += seg.samples;
  }
  view_ = std::move(v);
  ++version_;
  return true;
}

// The complete lines appended to `file` since `seg.offset`, as one more piece; false when there
// are none (or the file is gone: compacted between the listing and now).
bool LiveTail::read_more(const fs::path& file, Segment& seg) {
  const auto more = complete_lines(file, seg.offset);
  if (!more || more->empty()) return false;
  const std::string& text = *more;
  auto piece = std::make_shared<LiveView::Piece>();
  std::int64_t samples = 0;
  int lines = seg.lines;
  std::size_t pos = 0;
  std::string scratch;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    const int number = ++lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (number == 1 || line.empty()) continue;  // the header
    Line l;
    TimeNs t;
    double v;
    const std::string what =
        split_line(line, l, scratch) ? check_long_fields(l.time, l.param, l.value, t, v) : "malformed live segment line";
    if (!what.empty()) throw IoError(file.string() + ":" + std::to_string(number) + ": " + what);
    auto it = piece->find(l.param);
    if (it == piece->end()) it = piece->emplace(std::string(l.param), Series{}).first;
    it->second.time.push_back(t);
    it->second.value.push_back(v);
    ++samples;
  }
  // Only now, with every line parsed: a malformed one leaves the tail as it was.
  seg.offset += text.size();
  seg.lines = lines;
  seg.samples += samples;
  if (samples > 0) seg.pieces.push_back(std::move(piece));
  return true;
}

void LiveView::append(std::string_view param, TimeNs from, TimeNs to, Series& out) const {
  for (const auto& piece : pieces_) {
    const auto it = piece->find(param);
    if (it == piece->end()) continue;
    const Series& s = it->second;
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s.time[i] >= from && s.time[i] < to) out.time.push_back(s.time[i]), out.value.push_back(s.value[i]);
  }
}

bool LiveView::has(std::string_view param) const {
  return std::any_of(pieces_.begin(), pieces_.end(), [&](const auto& p) { return p->find(param) != p->end(); });
}

std::vector<std::string> LiveView::params() const {
  std::set<std::string> names;
  for (const auto& piece : pieces_)
    for (const auto& [name, s] : *piece) names.insert(name);
  return {names.begin(), names.end()};
}

void add_param_names(Catalog& catalog, std::vector<std::string> names) {
  bool added = false;
  for (auto& name : names) {
    if (catalog.find_param(name) != nullptr) continue;
    catalog.params.push_back(ParamInfo{std::move(name)});
    added = true;
  }
  if (added)
    std::sort(catalog.params.begin(), catalog.params.end(),
              [](const ParamInfo& a, const ParamInfo& b) { return a.name < b.name; });
}

Catalog with_live_params(const Archive& archive, Catalog catalog, std::string_view wanted) {
  std::error_code ec;
  const fs::path dir = archive.mission_dir(catalog.mission);
  if (!fs::is_directory(live_dir(dir), ec)) return catalog;
  if (!wanted.empty()) {
    if (catalog.find_param(wanted) == nullptr && LiveSegments::read(dir).has(wanted))
      add_param_names(catalog, {std::string(wanted)});
    return catalog;
  }
  add_param_names(catalog, LiveSegments::read(dir).params());
  return catalog;
}

Series read_with_live(const Archive& archive, const Catalog& catalog, std::string_view param, TimeNs from,
                      TimeNs to) {
  const fs::path dir = archive.mission_dir(catalog.mission);
  // Segments first, then the catalogue as it is now (see the file comment).
  const LiveSegments live = LiveSegments::read(dir);
  const Catalog now = live.empty() ? Catalog{} : read_catalog(dir / "catalog.h5");
  const Catalog& c = live.empty() ? catalog : now;
  Series out;
  for (const PartitionInfo* p : c.overlapping(from, to))
    PartitionReader::open(archive.partition_path(c.mission, *p)).read(param, from, to, out);
  if (live.empty()) return out;
  live.append(param, from, to, out);
  sort_and_dedupe(out.time, out.value);
  return out;
}

}  // namespace telemine::io
