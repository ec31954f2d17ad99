#include "stream/compactor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <map>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "io/csv.hpp"
#include "io/csv_reader.hpp"
#include "io/live.hpp"
#include "io/mission_writer.hpp"

namespace telemine::stream {

namespace fs = std::filesystem;

namespace {

using SeriesMap = SegmentSamples;

// Appends `more` (later samples) to `out`, parameter by parameter.
void append_samples(SeriesMap& out, SeriesMap&& more) {
  for (auto& [name, s] : more) {
    io::Series& to = out[name];
    if (to.time.empty()) {
      to = std::move(s);
      continue;
    }
    to.time.insert(to.time.end(), s.time.begin(), s.time.end());
    to.value.insert(to.value.end(), s.value.begin(), s.value.end());
  }
}

// Appends the samples of the whole lines in text[begin, end) per parameter, in line order;
// `line` is the number of the first. Lines are in the stream's canonical form (ns time, name,
// shortest value), read with a fast path; anything else goes through csv-long's checks
// (io/csv.hpp), which name the line of a bad one.
void read_lines(const fs::path& file, std::string_view text, std::int64_t line, SeriesMap& out) {
  std::unordered_map<std::string_view, io::Series*> seen;  // views into out's keys
  std::vector<std::string_view> cells;
  for (std::size_t start = 0; start < text.size(); ++line) {
    const std::size_t pos = text.find('\n', start);
    if (pos == std::string_view::npos) break;  // an incomplete last line: never acknowledged
    std::string_view l = text.substr(start, pos - start);
    start = pos + 1;
    std::string_view time, name, value;
    std::string quoted;
    const auto a = l.find(','), b = l.rfind(',');
    if (a == std::string_view::npos || a == b) throw IoError(file.string() + ":" + std::to_string(line) + ": malformed live segment line");
    time = l.substr(0, a);
    name = l.substr(a + 1, b - a - 1);
    value = l.substr(b + 1);
    if (!name.empty() && name.front() == '"') {
      io::CsvReader csv{std::string(l), file};
      if (!csv.next(cells) || cells.size() != 3) throw IoError(file.string() + ":" + std::to_string(line) + ": malformed quoted name");
      quoted.assign(cells[1]);
      name = quoted;
    }
    TimeNs t = 0;
    double v = 0;
    auto [pt, et] = std::from_chars(time.data(), time.data() + time.size(), t);
    auto [pv, ev] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (et != std::errc() || pt != time.data() + time.size() || ev != std::errc() || pv != value.data() + value.size() ||
        !in_time_range(t) || !std::isfinite(v) || quoted.size() > 0) {
      const std::string what = io::check_long_fields(time, name, value, t, v);
      if (!what.empty()) throw IoError(file.string() + ":" + std::to_string(line) + ": " + what);
    }
    auto it = seen.find(name);
    if (it == seen.end()) {
      auto at = out.find(name);
      if (at == out.end()) {
        io::validate_name("parameter", name);
        at = out.emplace(std::string(name), io::Series{}).first;
      }
      it = seen.emplace(at->first, &at->second).first;
    }
    it->second->time.push_back(t);
    it->second->value.push_back(v);
  }
}

// Appends one segment's samples per parameter, in line order. A large segment is parsed in
// pieces on the machine's cores (a day at 1 Hz x 1,000 parameters is 3 GB of text), each into
// its own map, then appended piece by piece: the same order, so the same later-wins result.
void read_segment(const fs::path& file, SeriesMap& out) {
  const std::string text = read_whole_file(file);
  const std::size_t body = text.find('\n');
  if (body == std::string::npos) return;
  const std::string_view all = std::string_view(text).substr(body + 1);
  constexpr std::size_t kPiece = 8 << 20;  // below, threads cost more than they save
  const std::size_t pieces =
      std::clamp<std::size_t>(all.size() / kPiece, 1, std::max(1u, std::min(4u, std::thread::hardware_concurrency())));
  std::vector<std::size_t> cut{0};
  for (std::size_t k = 1; k < pieces; ++k) {
    const std::size_t nl = all.find('\n', std::max(cut.back(), k * all.size() / pieces));
    if (nl != std::string_view::npos) cut.push_back(nl + 1);
  }
  cut.push_back(all.size());
  std::vector<SeriesMap> maps(cut.size() - 1);
  std::vector<std::exception_ptr> errors(maps.size());
  auto parse = [&](std::size_t k) {
    try {
      // Line numbers as a reader counts them: the header is line 1.
      const auto first = 2 + static_cast<std::int64_t>(std::count(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(cut[k]), '\n'));
      read_lines(file, all.substr(cut[k], cut[k + 1] - cut[k]), first, maps[k]);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t k = 1; k < maps.size(); ++k) helpers.emplace_back(parse, k);
  parse(0);
  for (auto& h : helpers) h.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);  // the first piece's error: the first bad line
  for (auto& piece : maps) append_samples(out, std::move(piece));
}

// What ingest of the segments (in this order) does on one rank: per parameter, sorted with the
// later sample winning at an equal time, cut into slices, merged into the partitions; csv-long
// declares only parameters new to the mission.
void write_segments(const fs::path& archive, const std::string& mission, DurationNs slice,
                    const std::vector<fs::path>& segments, ParsedSegments* parsed) {
  SeriesMap all;
  for (const auto& f : segments) {
    const auto it = parsed ? parsed->find(*io::segment_number(f.filename().native())) : ParsedSegments::iterator{};
    if (parsed && it != parsed->end()) {
      append_samples(all, std::move(it->second));  // taken by the stream already: not parsed again
      parsed->erase(it);
    } else {
      read_segment(f, all);
    }
  }
  const Comm local = Comm::local();
  io::MissionWriter w = io::MissionWriter::open(archive, mission, local, {slice});
  std::map<TimeNs, SeriesMap> slices;
  for (auto& [name, s] : all) {
    if (w.existing().find_param(name) == nullptr) w.declare(io::ParamInfo{name});
    io::sort_and_dedupe(s.time, s.value);
    for (std::size_t i = 0; i < s.size();) {
      const TimeNs start = bucket_start(s.time[i], w.slice());
      const auto j = static_cast<std::size_t>(
          std::lower_bound(s.time.begin() + static_cast<std::ptrdiff_t>(i), s.time.end(), start + w.slice()) - s.time.begin());
      io::Series& part = slices[start][name];
      if (i == 0 && j == s.size()) {
        part = std::move(s);  // the whole series in one slice (a day's segment): no copy
        break;
      }
      part.time.assign(s.time.begin() + static_cast<std::ptrdiff_t>(i), s.time.begin() + static_cast<std::ptrdiff_t>(j));
      part.value.assign(s.value.begin() + static_cast<std::ptrdiff_t>(i), s.value.begin() + static_cast<std::ptrdiff_t>(j));
      i = j;
    }
    s = io::Series{};
  }
  for (auto& [start, data] : slices) w.write_slice(start, std::move(data));
  w.commit();
}

}  // namespace

std::size_t compact_segments(const fs::path& archive, const std::string& mission, DurationNs slice,
                             std::uint64_t below, ParsedSegments* parsed) {
  const fs::path dir = archive / mission;
  std::vector<fs::path> segments;
  for (const auto& f : io::list_segments(dir)) {
    if (*io::segment_number(f.filename().native()) >= below) continue;
    std::error_code ec;
    if (fs::file_size(f, ec) == 0 && !ec) {
      fs::remove(f, ec);  // created, never written: nothing in it was ever acknowledged
      continue;
    }
    segments.push_back(f);
  }
  if (segments.empty()) return 0;
  write_segments(archive, mission, slice, segments, parsed);
  // Only now, with the partitions and catalogue in place, may the segments go. A kill between
  // the two leaves segments whose re-ingest changes nothing.
  for (const auto& f : segments) fs::remove(f);
  const fs::path live = io::live_dir(dir);
  const int fd = ::open(live.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return segments.size();
}

namespace {
void add_events(const fs::path& archive, const std::string& mission, const std::vector<io::Event>& events) {
  const Comm local = Comm::local();
  io::MissionWriter w = io::MissionWriter::open(archive, mission, local);
  for (const auto& e : events) w.add_event(e);
  w.commit();
}
}  // namespace

Compactor::Compactor(fs::path archive, std::string mission, DurationNs slice)
    : archive_(std::move(archive)), mission_(std::move(mission)), slice_(slice), thread_([this] { run(); }) {}

Compactor::~Compactor() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool Compactor::request(std::uint64_t below, std::vector<io::Event> events, ParsedSegments parsed) {
  {
    std::lock_guard lock(mutex_);
    events_.insert(events_.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
    parsed_.merge(parsed);
    if (running_ || below_ != 0) return false;
    below_ = below;
  }
  cv_.notify_all();
  return true;
}

bool Compactor::busy() const {
  std::lock_guard lock(mutex_);
  return running_ || below_ != 0;
}

std::string Compactor::wait() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return !running_ && below_ == 0; });
  return error_;
}

std::int64_t Compactor::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

void Compactor::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || below_ != 0; });
    if (below_ == 0) return;  // stopping, nothing asked for
    const std::uint64_t below = below_;
    running_ = true;
    below_ = 0;
    std::vector<io::Event> events = std::move(events_);
    events_.clear();
    ParsedSegments parsed = std::move(parsed_);
    parsed_.clear();
    lock.unlock();
    std::string error;
    std::size_t n = 0;
    try {
      n = compact_segments(archive_, mission_, slice_, below, &parsed);
      if (!events.empty()) add_events(archive_, mission_, events);
      events.clear();
    } catch (const std::exception& e) {
      error = e.what();
      log::warn("stream: compaction failed (the segments stay and are compacted later): " + error);
    }
    // A failed compaction may have consumed some segments' samples: those are parsed next time.
    if (!error.empty()) parsed.clear();
    lock.lock();
    events_.insert(events_.begin(), events.begin(), events.end());  // not written: the next time
    parsed_.merge(parsed);  // segments at or above `below`: later
    running_ = false;
    error_ = error;
    if (error.empty() && n > 0) ++completed_;
    cv_.notify_all();
  }
}

}  // namespace telemine::stream
