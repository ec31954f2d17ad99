#include "serve/api.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <fstream>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "io/archive.hpp"
#include "io/extent.hpp"
#include "io/live.hpp"
#include "kernels/decimate.hpp"
#include "serve/gzip.hpp"
#include "serve/products.hpp"

namespace telemine::serve {

namespace fs = std::filesystem;
using nlohmann::json;

Response error_response(int status, const std::string& text) {
  return Response{status, "application/json", json{{"error", text}}.dump()};
}

namespace {

// A request that cannot be answered as asked: becomes a 4xx response.
struct HttpError {
  int status;
  std::string text;
};

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    const std::size_t next = text.find(sep, at);
    out.emplace_back(text.substr(at, next == std::string_view::npos ? text.npos : next - at));
    if (next == std::string_view::npos) return out;
    at = next + 1;
  }
}

TimeNs time_arg(const Request& r, const std::string& key, TimeNs fallback) {
  const auto it = r.query.find(key);
  if (it == r.query.end() || it->second.empty()) return fallback;
  TimeNs t = 0;
  if (!try_parse_time(it->second, t)) throw HttpError{400, "bad time " + key + "='" + it->second + "' (ISO-8601, e.g. 2026-01-02T10:00:00Z)"};
  return t;
}

// Times as JSON numbers: milliseconds since the epoch, what JavaScript's Date takes. Exact for
// whole milliseconds; finer times keep a fraction (a double holds them to about 0.2 us).
void append_ms(std::string& out, TimeNs t) {
  char buf[40];
  char* end;
  if (t % kMillisecond == 0) end = std::to_chars(buf, buf + sizeof buf, t / kMillisecond).ptr;
  else end = std::to_chars(buf, buf + sizeof buf, static_cast<double>(t) / 1e6).ptr;
  out.append(buf, end);
}

void append_value(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// Recent answers by request, each valid while its mission's catalogue is the one it was made
// from (a catalogue read again after an ingest is a new object).
class ResponseCache {
 public:
  explicit ResponseCache(std::int64_t capacity) : capacity_(capacity) {}

  std::optional<Response> find(const std::string& key, const io::Catalog* catalog) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.catalog.get() != catalog) return std::nullopt;
    lru_.splice(lru_.begin(), lru_, it->second.at);
    return it->second.response;
  }

  void put(const std::string& key, std::shared_ptr<const io::Catalog> catalog, const Response& r) {
    const auto size = static_cast<std::int64_t>(r.body.size() + key.size());
    if (size > capacity_ / 4) return;  // one answer never crowds out the rest
    std::lock_guard lock(mutex_);
    if (const auto it = entries_.find(key); it != entries_.end()) erase(it);
    lru_.push_front(key);
    entries_.emplace(key, Entry{std::move(catalog), r, lru_.begin(), size});
    bytes_ += size;
    while (bytes_ > capacity_ && !lru_.empty()) erase(entries_.find(lru_.back()));
  }

 private:
  struct Entry {
    std::shared_ptr<const io::Catalog> catalog;
    Response response;
    std::list<std::string>::iterator at;
    std::int64_t bytes;
  };
  void erase(std::map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.bytes;
    lru_.erase(it->second.at);
    entries_.erase(it);
  }
  std::int64_t capacity_;
  std::mutex mutex_;
  std::list<std::string> lru_;
  std::map<std::string, Entry> entries_;
  std::int64_t bytes_ = 0;
};

std::string cache_key(const Request& r) {
  std::string key = r.path;
  for (const auto& [k, v] : r.query) key += "\n" + k + "=" + v;  // the map is sorted: one key per request
  return key;
}

json time_json(TimeNs t) { return t == kTimeMin || t == kTimeMax ? json(nullptr) : json(format_time(t)); }

}  // namespace

class Api::Impl {
 public:
  explicit Impl(ApiOptions o)
      : options_(std::move(o)), archive_(io::Archive::open(options_.archive)), cache_answers_(options_.cache_bytes) {
    if (!options_.products.empty()) products_ = std::make_unique<Products>(options_.products);
  }

  Response route(const Request& r) const;

 private:
  // A mission as a request sees it: the live segments of `telemine stream` (empty when none),
  // and the catalogue read after them, with the parameters only the segments hold so far.
  struct Snapshot {
    std::shared_ptr<const io::Catalog> catalog;
    std::shared_ptr<const io::LiveView> live;
  };
  struct CachedCatalog {
    fs::file_time_type mtime;
    std::uint64_t live_version = 0;
    Snapshot snapshot;
  };

  Snapshot snapshot(const std::string& mission) const;
  std::shared_ptr<const io::Catalog> catalog(const std::string& mission) const { return snapshot(mission).catalog; }
  std::pair<std::uint64_t, std::shared_ptr<const io::LiveView>> refresh_live(const std::string& mission) const;
  const io::ParamInfo& param(const io::Catalog& c, const std::string& name) const;
  Response missions() const;
  Response parameters(const io::Catalog& c) const;
  Response events(const io::Catalog& c, const Request& r) const;
  Response samples(const Snapshot& m, const io::ParamInfo& p, const Request& r) const;
  Response raw_samples(const Snapshot& m, const io::ParamInfo& p, TimeNs from, TimeNs to, bool csv) const;
  Response decimated(const Snapshot& m, const io::ParamInfo& p, TimeNs from, TimeNs to, int points) const;
  Response values(const Snapshot& m, const Request& r) const;
  std::optional<std::pair<TimeNs, double>> last_valid(const Snapshot& m, const std::string& param, TimeNs at) const;
  std::optional<std::pair<TimeNs, double>> last_stored(const io::Catalog& c, const std::string& param, TimeNs end) const;
  Response products(const std::vector<std::string>& seg) const;
  template <class F>
  Response cached(const Request& r, const std::shared_ptr<const io::Catalog>& c, F&& answer) const;
  std::optional<io::SampleExtent> extent(const fs::path& file, const io::PartitionInfo& part, const std::string& param) const;
  void read_partition(const io::Catalog& c, const io::PartitionInfo& part, const std::string& param, TimeNs from, TimeNs to,
                      io::Series& out) const;
  void decimate_run(const io::Catalog& c, std::span<const io::PartitionInfo* const> parts, const std::string& param,
                    kernels::M4& into) const;

  // Where each partition's samples of a parameter lie, asked of HDF5 once: the reads themselves
  // then go through pread, on any thread, outside the HDF5 mutex. An entry keeps its partition's
  // checksum, so a partition written again since is asked again.
  struct KnownExtent {
    std::string checksum;
    std::optional<io::SampleExtent> extent;
  };
  mutable std::mutex extents_mutex_;
  mutable std::unordered_map<std::string, KnownExtent> extents_;

  ApiOptions options_;
  io::Archive archive_;
  std::unique_ptr<Products> products_;
  mutable std::mutex h5_;  // every HDF5 call, catalogues and partitions alike
  mutable std::mutex cache_mutex_;
  mutable std::map<std::string, CachedCatalog> cache_;
  mutable std::mutex live_mutex_;
  mutable std::map<std::string, io::LiveTail> live_;  // missions being streamed into
  mutable ResponseCache cache_answers_;
};

// Answers of samples and values requests go out gzipped to a client that accepts it: raw days
// are megabytes of JSON, and sending a fifth of it is what lets 16 clients share two cores.
// The cache keeps the form that was sent, under a key that says which.
template <class F>
Response Api::Impl::cached(const Request& r, const std::shared_ptr<const io::Catalog>& c, F&& answer) const {
  // An answer compressed once for the cache is worth zlib's default level (a quarter fewer bytes
  // than the fastest, for about 3x the time); one compressed for a single reply, the fastest.
  auto compressed = [&r](Response out, int level) {
    if (r.gzip && out.status == 200 && out.body.size() >= 1024) out.body = gzip(out.body, level), out.encoding = "gzip";
    return out;
  };
  if (options_.cache_bytes <= 0) return compressed(answer(), 1);
  const std::string key = cache_key(r) + (r.gzip ? "\ngzip" : "");
  if (auto hit = cache_answers_.find(key, c.get())) return std::move(*hit);
  Response out = compressed(answer(), 6);
  if (out.status == 200) cache_answers_.put(key, c, out);
  return out;
}

// The live segments first, then the catalogue (io/live.hpp): a compaction in between moves
// samples from one to the other, never out of both. Read only what the segments gained.
std::pair<std::uint64_t, std::shared_ptr<const io::LiveView>> Api::Impl::refresh_live(const std::string& mission) const {
  const fs::path dir = archive_.mission_dir(mission);
  std::lock_guard lock(live_mutex_);
  auto it = live_.find(mission);
  if (it == live_.end()) {
    std::error_code ec;
    if (!fs::is_directory(io::live_dir(dir), ec)) return {0, std::make_shared<const io::LiveView>()};
    it = live_.emplace(mission, io::LiveTail(dir)).first;
  }
  it->second.refresh();
  return {it->second.version(), it->second.view()};
}

// Catalogues are cached and read again when catalog.h5 changes (an ingest while serving) or
// the live segments do (a stream).
Api::Impl::Snapshot Api::Impl::snapshot(const std::string& mission) const {
  std::vector<std::string> names;
  {
    std::lock_guard lock(h5_);
    names = archive_.missions();
  }
  if (std::find(names.begin(), names.end(), mission) == names.end())
    throw HttpError{404, "unknown mission '" + mission + "'"};
  auto [live_version, live] = refresh_live(mission);
  const fs::path file = archive_.mission_dir(mission) / "catalog.h5";
  std::error_code ec;
  const auto mtime = fs::last_write_time(file, ec);
  {
    std::lock_guard lock(cache_mutex_);
    const auto it = cache_.find(mission);
    if (it != cache_.end() && it->second.mtime == mtime && it->second.live_version == live_version) return it->second.snapshot;
  }
  io::Catalog c;
  {
    std::lock_guard lock(h5_);
    c = archive_.catalog(mission);
  }
  io::add_param_names(c, live->params());
  Snapshot snap{std::make_shared<const io::Catalog>(std::move(c)), std::move(live)};
  std::lock_guard lock(cache_mutex_);
  cache_[mission] = CachedCatalog{mtime, live_version, snap};
  return snap;
}

const io::ParamInfo& Api::Impl::param(const io::Catalog& c, const std::string& name) const {
  const io::ParamInfo* p = c.find_param(name);
  if (!p) throw HttpError{404, "unknown parameter '" + name + "' in mission " + c.mission};
  return *p;
}

Response Api::Impl::route(const Request& r) const {
  if (r.method != "GET" && r.method != "HEAD") throw HttpError{405, "read-only: only GET"};
  const std::vector<std::string> seg = split(r.path, '/');  // "", "api", ...
  if (seg.size() < 3 || seg[0] != "" || seg[1] != "api") throw HttpError{404, "no such endpoint: " + r.path};
  if (seg[2] == "products") return products(seg);
  if (seg[2] != "missions") throw HttpError{404, "no such endpoint: " + r.path};
  if (seg.size() == 3) return missions();
  const Snapshot m = snapshot(seg[3]);
  const auto& c = m.catalog;
  if (seg.size() == 5 && seg[4] == "parameters") return parameters(*c);
  if (seg.size() == 5 && seg[4] == "events") return events(*c, r);
  if (seg.size() == 5 && seg[4] == "values") return cached(r, c, [&] { return values(m, r); });
  if (seg.size() == 7 && seg[4] == "parameters" && seg[6] == "samples") {
    const io::ParamInfo& p = param(*c, seg[5]);
    return cached(r, c, [&] { return samples(m, p, r); });
  }
  if (seg.size() == 6 && seg[4] == "parameters") {
    const io::ParamInfo& p = param(*c, seg[5]);
    return Response{200, "application/json",
                    json{{"name", p.name}, {"unit", p.unit}, {"description", p.description},
                         {"subsystem", p.subsystem}, {"kind", io::to_string(p.kind)}}.dump()};
  }
  throw HttpError{404, "no such endpoint: " + r.path};
}

Response Api::Impl::missions() const {
  std::vector<std::string> names;
  {
    std::lock_guard lock(h5_);
    names = archive_.missions();
  }
  json out = json::array();
  for (const auto& m : names) {
    const Snapshot snap = snapshot(m);
    const auto& c = snap.catalog;
    TimeNs first = kTimeMax, last = kTimeMin;
    for (const auto& p : c->partitions) {
      first = std::min(first, p.first_time);
      last = std::max(last, p.last_time);
    }
    out.push_back({{"name", m}, {"parameters", c->params.size()}, {"partitions", c->partitions.size()},
                   {"samples", c->total_samples()}, {"live_samples", snap.live->samples()},
                   {"events", c->events.size()}, {"slice", format_duration(c->slice)},
                   {"start", c->partitions.empty() ? json(nullptr) : time_json(first)},
                   {"end", c->partitions.empty() ? json(nullptr) : time_json(last + 1)}});
  }
  return Response{200, "application/json", out.dump()};
}

Response Api::Impl::parameters(const io::Catalog& c) const {
  json out = json::array();
  for (const auto& p : c.params)
    out.push_back({{"name", p.name}, {"unit", p.unit}, {"description", p.description}, {"subsystem", p.subsystem},
                   {"kind", io::to_string(p.kind)}});
  return Response{200, "application/json", out.dump()};
}

Response Api::Impl::events(const io::Catalog& c, const Request& r) const {
  const TimeNs from = time_arg(r, "from", kTimeMin), to = time_arg(r, "to", kTimeMax);
  if (!(from < to)) throw HttpError{400, "from must come before to"};
  const auto kind = r.query.find("kind");
  json out = json::array();
  for (const auto& e : c.events) {
    if (e.end <= from || e.start >= to) continue;
    if (kind != r.query.end() && !kind->second.empty() && e.kind != kind->second) continue;
    out.push_back({{"start", format_time(e.start)}, {"end", format_time(e.end)}, {"kind", e.kind},
                   {"param", e.param}, {"class", e.cls}, {"text", e.text}});
  }
  return Response{200, "application/json", out.dump()};
}

Response Api::Impl::samples(const Snapshot& m, const io::ParamInfo& p, const Request& r) const {
  const TimeNs from = time_arg(r, "from", kTimeMin), to = time_arg(r, "to", kTimeMax);
  if (!(from < to)) throw HttpError{400, "from must come before to"};
  const auto points = r.query.find("points");
  const auto format = r.query.find("format");
  const bool csv = format != r.query.end() && format->second == "csv";
  if (format != r.query.end() && !csv && format->second != "json")
    throw HttpError{400, "format must be json or csv"};
  if (points == r.query.end()) return raw_samples(m, p, from, to, csv);
  int n = 0;
  const auto& text = points->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > options_.max_points)
    throw HttpError{400, "points='" + text + "' must be a whole number from 1 to " + std::to_string(options_.max_points)};
  return decimated(m, p, from, to, n);
}

Response Api::Impl::raw_samples(const Snapshot& m, const io::ParamInfo& p, TimeNs from, TimeNs to, bool csv) const {
  const io::Catalog& c = *m.catalog;
  io::Series s;
  const auto too_many = [&] {
    if (static_cast<std::int64_t>(s.size()) > options_.max_raw_samples)
      throw HttpError{413, "more than " + std::to_string(options_.max_raw_samples) +
                               " samples in this range: ask for points=N (a plot N pixels wide) or a shorter range"};
  };
  for (const io::PartitionInfo* part : c.overlapping(from, to)) {
    read_partition(c, *part, p.name, from, to, s);
    too_many();
  }
  // Samples streamed and not yet compacted, merged as ingest merges (the later wins).
  const std::size_t stored = s.size();
  m.live->append(p.name, from, to, s);
  if (s.size() > stored) io::sort_and_dedupe(s.time, s.value);
  too_many();
  std::string out;
  if (csv) {
    out.reserve(s.size() * 48 + 16);
    out += "time,value\n";
    char buf[40];
    for (std::size_t i = 0; i < s.size(); ++i) {
      out.append(buf, format_time(s.time[i], buf));
      out += ',';
      if (std::isnan(s.value[i])) out += "nan";
      else out.append(buf, std::to_chars(buf, buf + sizeof buf, s.value[i]).ptr);
      out += '\n';
    }
    return Response{200, "text/csv", std::move(out)};
  }
  out.reserve(s.size() * 32 + 256);
  out += json{{"mission", c.mission}, {"param", p.name}, {"unit", p.unit}, {"kind", io::to_string(p.kind)},
              {"from", time_json(from)}, {"to", time_json(to)}, {"decimated", false}, {"count", s.size()}}.dump();
  out.pop_back();
  out += ",\"t\":[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ',';
    append_ms(out, s.time[i]);
  }
  out += "],\"v\":[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ',';
    append_value(out, s.value[i]);
  }
  out += "]}";
  return Response{200, "application/json", std::move(out)};
}

std::optional<io::SampleExtent> Api::Impl::extent(const fs::path& file, const io::PartitionInfo& part,
                                                  const std::string& param) const {
  const std::string key = file.string() + '\n' + param;
  {
    std::lock_guard lock(extents_mutex_);
    if (const auto it = extents_.find(key); it != extents_.end() && it->second.checksum == part.checksum) return it->second.extent;
  }
  std::optional<io::SampleExtent> e;
  {
    std::lock_guard lock(h5_);
    e = io::sample_extent(file, param);
  }
  std::lock_guard lock(extents_mutex_);
  if (extents_.size() > 1'000'000) extents_.clear();  // about 100 MB: start again rather than grow
  extents_[key] = KnownExtent{part.checksum, e};
  return e;
}

void Api::Impl::read_partition(const io::Catalog& c, const io::PartitionInfo& part, const std::string& param, TimeNs from,
                               TimeNs to, io::Series& out) const {
  const fs::path file = archive_.partition_path(c.mission, part);
  if (const auto e = extent(file, part, param)) return io::read_extent(file, *e, from, to, out);
  std::lock_guard lock(h5_);  // another layout than the archive writes: through HDF5
  io::PartitionReader::open(file).read(param, from, to, out);
}

// One partition at a time into one buffer: a year of 1 Hz never sits in memory at once.
void Api::Impl::decimate_run(const io::Catalog& c, std::span<const io::PartitionInfo* const> parts, const std::string& param,
                             kernels::M4& into) const {
  io::Series s;
  for (const io::PartitionInfo* part : parts) {
    s.time.clear();
    s.value.clear();
    read_partition(c, *part, param, kTimeMin, kTimeMax, s);
    into.add(s.time, s.value);
  }
}

static Response m4_answer(const io::Catalog& c, const io::ParamInfo& p, TimeNs from, TimeNs to, int points, const kernels::M4& m4);

// Long ranges are decimated in two halves on two threads (the machine's cores), then merged.
Response Api::Impl::decimated(const Snapshot& m, const io::ParamInfo& p, TimeNs from, TimeNs to, int points) const {
  const io::Catalog& c = *m.catalog;
  const auto parts = c.overlapping(from, to);
  io::Series live;
  m.live->append(p.name, from, to, live);
  // An open range spans the slices holding samples, stored or live: the same span, and so the
  // same answer, before and after a compaction.
  const auto [live_first, live_last] = std::minmax_element(live.time.begin(), live.time.end());
  const DurationNs slice = c.slice > 0 ? c.slice : kDay;
  if (from == kTimeMin)
    from = std::min(parts.empty() ? kTimeMax : parts.front()->start, live.size() ? bucket_start(*live_first, slice) : kTimeMax);
  if (to == kTimeMax)
    to = std::max(parts.empty() ? kTimeMin : parts.back()->end, live.size() ? bucket_start(*live_last, slice) + slice : kTimeMin);
  if (!(from < to)) from = 0, to = 1;  // nothing anywhere: an empty answer
  kernels::M4 m4(from, to, points), later(from, to, points);
  if (live.size() > 0) {
    // Live samples replace stored ones at the same time: the series merged first, then drawn.
    io::Series s;
    for (const io::PartitionInfo* part : parts) read_partition(c, *part, p.name, from, to, s);
    s.time.insert(s.time.end(), live.time.begin(), live.time.end());
    s.value.insert(s.value.end(), live.value.begin(), live.value.end());
    io::sort_and_dedupe(s.time, s.value);
    m4.add(s.time, s.value);
    return m4_answer(c, p, from, to, points, m4);
  }
  const std::span<const io::PartitionInfo* const> all(parts);
  const std::size_t half = parts.size() >= 8 ? parts.size() / 2 : parts.size();
  std::exception_ptr error;
  std::thread helper;
  if (half < parts.size())
    helper = std::thread([&] {
      try {
        decimate_run(c, all.subspan(half), p.name, later);
      } catch (...) {
        error = std::current_exception();
      }
    });
  try {
    decimate_run(c, all.first(half), p.name, m4);
  } catch (...) {
    if (helper.joinable()) helper.join();
    throw;
  }
  if (helper.joinable()) helper.join();
  if (error) std::rethrow_exception(error);
  m4.merge(later);
  return m4_answer(c, p, from, to, points, m4);
}

// The decimated answer: the M4 points as two arrays, times in ms.
static Response m4_answer(const io::Catalog& c, const io::ParamInfo& p, TimeNs from, TimeNs to, int points, const kernels::M4& m4) {
  const auto pts = m4.points();
  std::string out;
  out.reserve(pts.size() * 32 + 256);
  out += json{{"mission", c.mission}, {"param", p.name}, {"unit", p.unit}, {"kind", io::to_string(p.kind)},
              {"from", format_time(from)}, {"to", format_time(to)}, {"decimated", true}, {"points", points},
              {"samples", m4.samples()}, {"count", pts.size()}}.dump();
  out.pop_back();
  out += ",\"t\":[";
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (i) out += ',';
    append_ms(out, pts[i].time);
  }
  out += "],\"v\":[";
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (i) out += ',';
    append_value(out, pts[i].value);
  }
  out += "]}";
  return Response{200, "application/json", std::move(out)};
}

// Partitions from the one holding `at` backwards, until a valid sample turns up.
std::optional<std::pair<TimeNs, double>> Api::Impl::last_valid(const Snapshot& m, const std::string& param,
                                                               TimeNs at) const {
  const io::Catalog& c = *m.catalog;
  const TimeNs end = at == kTimeMax ? at : at + 1;
  // The newest valid live sample (the later one at an equal time), then the partitions'.
  io::Series s;
  m.live->append(param, kTimeMin, end, s);
  std::optional<std::pair<TimeNs, double>> live;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!std::isnan(s.value[i]) && (!live || s.time[i] >= live->first)) live = std::pair{s.time[i], s.value[i]};
  const auto stored = last_stored(c, param, end);
  if (live && (!stored || live->first >= stored->first)) return live;
  return stored;
}

std::optional<std::pair<TimeNs, double>> Api::Impl::last_stored(const io::Catalog& c, const std::string& param, TimeNs end) const {
  const auto parts = c.overlapping(kTimeMin, end);
  io::Series s;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    s.time.clear();
    s.value.clear();
    {
      std::lock_guard lock(h5_);
      io::PartitionReader::open(archive_.partition_path(c.mission, **it)).read(param, kTimeMin, end, s);
    }
    for (std::size_t i = s.size(); i-- > 0;)
      if (!std::isnan(s.value[i])) return std::pair{s.time[i], s.value[i]};
  }
  return std::nullopt;
}

Response Api::Impl::values(const Snapshot& m, const Request& r) const {
  const io::Catalog& c = *m.catalog;
  const auto at_it = r.query.find("at");
  if (at_it == r.query.end() || at_it->second.empty()) throw HttpError{400, "values needs at=T (ISO-8601)"};
  const TimeNs at = time_arg(r, "at", 0);
  std::vector<const io::ParamInfo*> params;
  const auto list = r.query.find("params");
  if (list == r.query.end() || list->second.empty()) {
    for (const auto& p : c.params) params.push_back(&p);
  } else {
    const auto names = split(list->second, ',');
    if (names.size() > 1000) throw HttpError{400, "at most 1000 parameters at once"};
    for (const auto& n : names) params.push_back(&param(c, n));
  }
  json out = json::array();
  for (const io::ParamInfo* p : params) {
    const auto v = last_valid(m, p->name, at);
    out.push_back({{"param", p->name}, {"unit", p->unit}, {"kind", io::to_string(p->kind)},
                   {"time", v ? json(format_time(v->first)) : json(nullptr)},
                   {"value", v ? json(v->second) : json(nullptr)}});
  }
  return Response{200, "application/json", json{{"mission", c.mission}, {"at", format_time(at)}, {"values", out}}.dump()};
}

Response Api::Impl::products(const std::vector<std::string>& seg) const {
  if (!products_) throw HttpError{404, "no products folder (start the server with --products DIR)"};
  if (seg.size() == 3) return Response{200, "application/json", products_->list().dump()};
  const auto product = products_->find(seg[3]);
  if (!product) throw HttpError{404, "unknown product '" + seg[3] + "'"};
  if (seg.size() == 4) return Response{200, "application/json", product->manifest.dump()};
  if (seg.size() == 6 && seg[4] == "files") {
    const auto file = products_->file(*product, seg[5]);
    if (!file) throw HttpError{404, "product " + product->id + " has no output '" + seg[5] + "'"};
    std::ifstream in(*file, std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) throw HttpError{500, "cannot read " + file->filename().string()};
    return Response{200, content_type_of(*file), body.str()};
  }
  throw HttpError{404, "no such endpoint: /" + seg[1] + "/" + seg[2] + "/" + seg[3] + "/..."};
}

std::unique_ptr<Api> Api::open(ApiOptions options) {
  return std::unique_ptr<Api>(new Api(std::make_unique<Impl>(std::move(options))));
}
Api::Api(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Api::~Api() = default;

Response Api::handle(const Request& request) const {
  try {
    return impl_->route(request);
  } catch (const HttpError& e) {
    return error_response(e.status, e.text);
  } catch (const UsageError& e) {
    return error_response(400, e.what());
  } catch (const std::exception& e) {
    return error_response(500, e.what());
  }
}

}  // namespace telemine::serve
