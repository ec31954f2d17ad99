#include "stream/engine.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/csv_reader.hpp"
#include "io/csv_writer.hpp"
#include "io/live.hpp"
#include "io/mission_writer.hpp"
#include "stream/compactor.hpp"
#include "stream/limits.hpp"
#include "stream/live_stats.hpp"
#include "stream/novelty.hpp"
#include "stream/segment.hpp"

namespace telemine::stream {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHeader = "time,param,value\n";

struct Client {
  std::int64_t pending = 0;
  std::int64_t acked = 0;
};

struct Fields {
  std::string_view time, param, value;
  std::size_t count = 0;
};

// Splits a line into csv-long fields; quoted fields (RFC 4180) go through the one CSV reader.
// Returns a message for text the CSV reader refuses.
std::string split(std::string_view text, Fields& f, std::vector<std::string_view>& cells,
                  std::optional<io::CsvReader>& holder) {
  if (text.find('"') == std::string_view::npos) {
    f.count = 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), ','));
    if (f.count != 3) return {};
    const auto a = text.find(','), b = text.find(',', a + 1);
    f.time = text.substr(0, a);
    f.param = text.substr(a + 1, b - a - 1);
    f.value = text.substr(b + 1);
    return {};
  }
  try {
    holder.emplace(std::string(text), "line");
    if (!holder->next(cells)) cells.clear();
  } catch (const IoError& e) {
    const std::string what = e.what();
    const auto colon = what.find(": ");
    return colon == std::string::npos ? what : what.substr(colon + 2);
  }
  f.count = cells.size();
  if (f.count == 3) {
    f.time = cells[0];
    f.param = cells[1];
    f.value = cells[2];
  }
  return {};
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

// Samples of the active segment kept in memory for its compaction, at most (16 bytes each, plus
// the series' slack: 2-4 GB, a day at 1 Hz x 1,500 parameters); a larger segment is parsed from
// its file instead.
constexpr std::int64_t kParsedCap = 128LL << 20;

// Hashes names as std::string and std::string_view alike, so lookups build no string.
struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// All of `text` to `fd` (none: nothing to do); false with errno set when the write failed.
bool write_out(int fd, const std::string& text) {
  for (std::size_t done = 0; fd >= 0 && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

class StreamEngine::Impl {
 public:
  StreamOptions o;
  fs::path mission_dir;
  std::optional<LiveLock> lock;
  DurationNs slice = kDay;
  std::optional<SegmentWriter> active;
  std::uint64_t active_number = 1;
  std::string batch;
  std::vector<Client> clients;
  TimeNs newest = kTimeMin;
  TimeNs oldest = kTimeMax;  // oldest sample taken since the active segment began
  Clock::time_point last_compaction = Clock::now();
  StreamCounters counts;
  std::string disk_error;  // the current outage, said once
  std::optional<Compactor> compactor;
  Limits limits;
  std::map<std::string, bool, std::less<>> outside;  // parameter now outside its limits
  std::vector<Alert> alerts;                          // raised, waiting for their sample's flush
  std::unique_ptr<LiveNovelty> novelty;               // --models
  std::vector<NoveltyAlert> novel;                    // scored, waiting for their samples' flush
  // The active segment's samples as taken, so that its compaction need not parse it again; given
  // up (the compaction then parses the file) past kParsedCap samples.
  std::unordered_map<std::string, io::Series, NameHash, std::equal_to<>> active_samples;
  std::int64_t active_count = 0;
  bool active_kept = true;
  ParsedSegments sealed;  // sealed segments' samples, for the next compaction request
  std::optional<LiveStats> live_stats;                // --stats
  std::string stats_text;                             // closed buckets, waiting for their samples' flush
  int stats_fd = -1;
  std::vector<io::Event> unarchived;                  // written out, waiting for a compaction
  int alerts_fd = -1;

  ~Impl() {
    if (alerts_fd > STDERR_FILENO) ::close(alerts_fd);
    if (stats_fd > STDERR_FILENO) ::close(stats_fd);
  }
  void close_periods();
  void close_all_periods();
  void keep(std::string_view param, TimeNs t, double v);
  io::Catalog open_mission();
  void check_limits(std::string_view param, TimeNs t, double v);
  void write_alerts();
  void rotate();
  // The slice of the oldest live sample has closed: no sample for it can arrive any more.
  bool day_closed() const {
    return oldest != kTimeMax && bucket_start(oldest, slice) + slice <= newest - o.lateness;
  }
};

// Creates the mission when new (an empty catalogue), so that readers find it from the first
// sample on; otherwise takes its slice and newest sample time from the catalogue (returned).
io::Catalog StreamEngine::Impl::open_mission() {
  const fs::path cat = mission_dir / "catalog.h5";
  if (!fs::exists(cat)) {
    const Comm local = Comm::local();
    io::MissionWriter w = io::MissionWriter::open(o.archive, o.mission, local, {o.slice});
    w.commit();
  }
  io::Catalog c = io::read_catalog(cat);
  slice = c.slice;
  limits = read_limits(c);
  for (const auto& p : c.partitions)
    if (p.samples > 0) newest = std::max(newest, p.last_time);
  return c;
}

void StreamEngine::Impl::check_limits(std::string_view param, TimeNs t, double v) {
  const auto it = limits.find(param);
  if (it == limits.end() || std::isnan(v)) return;
  auto state = outside.find(param);
  if (state == outside.end()) state = outside.emplace(std::string(param), false).first;
  const bool out = it->second.outside(v);
  if (out && !state->second) {
    alerts.push_back({std::string(param), t, v, it->second});
    ++counts.alerts;
  }
  state->second = out;
}

// After the batch holding their samples is durable: an alert is never about a lost sample.
void StreamEngine::Impl::write_alerts() {
  std::string text;
  for (const auto& a : alerts) {
    text += alert_json(o.mission, a);
    unarchived.push_back(alert_event(a));
  }
  alerts.clear();
  for (const auto& a : novel) {
    text += novelty_json(o.mission, a);
    unarchived.push_back(novelty_event(a));
  }
  novel.clear();
  if (!write_out(alerts_fd, text))
    log::warn("stream: cannot write alerts to " + o.alerts.string() + ": " + std::strerror(errno) +
              " (they still go into the archive as events)");
  if (!write_out(stats_fd, stats_text))
    log::warn("stream: cannot write statistics to " + o.stats.string() + ": " + std::strerror(errno));
  stats_text.clear();
}

// Periods and buckets complete now: novelty scores and statistics, written once their samples
// are durable.
void StreamEngine::Impl::close_periods() {
  if (novelty) {
    const std::size_t before = novel.size();
    novelty->close_until(newest, novel);
    counts.novel += static_cast<std::int64_t>(novel.size() - before);
  }
  if (live_stats) live_stats->close_until(newest, stats_text);
}

// The end of the stream closes every period and bucket.
void StreamEngine::Impl::close_all_periods() {
  if (novelty) {
    const std::size_t before = novel.size();
    novelty->close_all(novel);
    counts.novel += static_cast<std::int64_t>(novel.size() - before);
  }
  if (live_stats) live_stats->close_all(stats_text);
}

void StreamEngine::Impl::rotate() {
  active.emplace(SegmentWriter::create(io::live_dir(mission_dir) / io::segment_file_name(active_number + 1)));
  if (active_kept && active_count > 0) {
    SegmentSamples& seg = sealed[active_number];
    for (auto& [name, series] : active_samples) seg.emplace(name, std::move(series));
  }
  active_samples.clear();
  active_count = 0;
  active_kept = true;
  ++active_number;
  batch.assign(kHeader);
  oldest = kTimeMax;
}

void StreamEngine::Impl::keep(std::string_view param, TimeNs t, double v) {
  if (!active_kept) return;
  if (active_count >= kParsedCap) {
    active_samples.clear();
    active_kept = false;
    return;
  }
  auto it = active_samples.find(param);  // no string built: a transparent hash
  if (it == active_samples.end()) it = active_samples.emplace(std::string(param), io::Series{}).first;
  it->second.time.push_back(t);
  it->second.value.push_back(v);
  ++active_count;
}

StreamEngine::StreamEngine(StreamOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.o = std::move(options);
  io::validate_name("mission", m.o.mission);
  if (m.o.flush <= 0 || m.o.lateness < 0 || m.o.compact_every <= 0)
    throw UsageError("stream: --flush and --compact-every must be positive, --lateness not negative");
  m.mission_dir = m.o.archive / m.o.mission;
  const fs::path live = io::live_dir(m.mission_dir);
  std::error_code ec;
  fs::create_directories(live, ec);
  if (ec) throw IoError(live.string() + ": cannot create folder: " + ec.message());
  m.lock.emplace(live);
  const Recovered r = recover_segments(m.mission_dir);
  if (r.torn_bytes > 0)
    log::info("stream: cut " + std::to_string(r.torn_bytes) + " bytes of an unacknowledged last line from the segments");
  const io::Catalog catalog = m.open_mission();
  m.newest = std::max(m.newest, r.newest);
  m.counts.recovered = r.samples;
  m.active_number = r.next_number;
  m.active.emplace(SegmentWriter::create(live / io::segment_file_name(m.active_number)));
  m.batch.assign(kHeader);
  if (m.o.alerts == "-") {
    m.alerts_fd = STDOUT_FILENO;
  } else if (!m.o.alerts.empty()) {
    m.alerts_fd = ::open(m.o.alerts.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m.alerts_fd < 0) throw IoError(m.o.alerts.string() + ": cannot open the alerts file: " + std::strerror(errno));
  }
  if (!m.o.models.empty())
    m.novelty = std::make_unique<LiveNovelty>(m.o.models, m.o.mission, m.o.lateness, catalog.params);
  if (!m.o.stats.empty()) {
    if (m.o.stats_bucket <= 0) throw UsageError("stream: --stats-bucket must be positive");
    m.live_stats.emplace(m.o.mission, m.o.stats_bucket, m.o.lateness);
    m.stats_fd = m.o.stats == "-" ? STDOUT_FILENO : ::open(m.o.stats.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m.stats_fd < 0) throw IoError(m.o.stats.string() + ": cannot open the statistics file: " + std::strerror(errno));
  }
  m.compactor.emplace(m.o.archive, m.o.mission, m.slice);
  // A restart replays what the previous stream left: its segments are compacted first.
  if (r.samples > 0 || r.next_number > 1) m.compactor->request(m.active_number);
}

StreamEngine::~StreamEngine() = default;

int StreamEngine::add_client() {
  impl_->clients.emplace_back();
  return static_cast<int>(impl_->clients.size() - 1);
}

bool StreamEngine::line(int client, std::int64_t number, std::string_view text, std::string& refusal) {
  Impl& m = *impl_;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (blank(text)) return true;
  Fields f;
  static thread_local std::vector<std::string_view> cells;
  std::optional<io::CsvReader> holder;
  std::string what = split(text, f, cells, holder);
  if (what.empty() && f.count != 3) what = "expected 3 fields (time,param,value), got " + std::to_string(f.count);
  if (what.empty() && number == 1 && io::is_long_header(f.time, f.param, f.value)) return true;
  TimeNs t = 0;
  double v = 0;
  if (what.empty()) what = io::check_long_fields(f.time, f.param, f.value, t, v);
  if (!what.empty()) {
    ++m.counts.malformed;
    refusal.append(std::to_string(number)).append(": ").append(what);
    return false;
  }
  if (m.newest != kTimeMin && t < m.newest - m.o.lateness) {
    ++m.counts.late;
    refusal.append(std::to_string(number))
        .append(": late: ")
        .append(format_time(t))
        .append(" is more than ")
        .append(format_duration(m.o.lateness))
        .append(" (--lateness) before the newest sample, ")
        .append(format_time(m.newest));
    return false;
  }
  m.newest = std::max(m.newest, t);
  m.oldest = std::min(m.oldest, t);
  if (!m.limits.empty()) m.check_limits(f.param, t, v);
  if (m.novelty) m.novelty->add(f.param, t, v);
  if (m.live_stats) m.live_stats->add(f.param, t, v);
  m.keep(f.param, t, v);
  char buf[24];
  m.batch.append(buf, std::to_chars(buf, buf + sizeof buf, t).ptr);
  m.batch += ',';
  io::append_csv_field(m.batch, f.param);
  m.batch += ',';
  io::append_csv_number(m.batch, v);
  m.batch += '\n';
  ++m.clients[static_cast<std::size_t>(client)].pending;
  ++m.counts.accepted;
  return true;
}

bool StreamEngine::flush() {
  Impl& m = *impl_;
  m.close_periods();
  const bool pending = !m.alerts.empty() || !m.novel.empty() || !m.stats_text.empty();
  if (m.batch.empty()) {
    if (pending) m.write_alerts();
    return true;
  }
  std::string error;
  if (!m.active->write_durably(m.batch, error)) {
    if (m.disk_error.empty())
      log::warn("stream: " + error + ": not acknowledging until the disk takes the batch again (nothing acknowledged is lost)");
    m.disk_error = error;
    return false;
  }
  if (!m.disk_error.empty()) log::info("stream: the disk takes writes again; acknowledging");
  m.disk_error.clear();
  if (pending) m.write_alerts();
  for (auto& c : m.clients) {
    c.acked += c.pending;
    m.counts.acked += c.pending;
    c.pending = 0;
  }
  return true;
}

std::int64_t StreamEngine::acked(int client) const { return impl_->clients.at(static_cast<std::size_t>(client)).acked; }
std::int64_t StreamEngine::pending(int client) const {
  return impl_->clients.at(static_cast<std::size_t>(client)).pending;
}
bool StreamEngine::backlogged() const noexcept { return impl_->batch.size() >= impl_->o.max_batch_bytes; }
DurationNs StreamEngine::flush_period() const noexcept { return impl_->o.flush; }

StreamCounters StreamEngine::counters() const {
  StreamCounters c = impl_->counts;
  c.compactions = impl_->compactor->completed();
  if (impl_->live_stats) c.buckets = impl_->live_stats->written();
  return c;
}

void StreamEngine::tick(Clock::time_point now) {
  Impl& m = *impl_;
  if (m.compactor->busy()) return;
  const bool day_closed = m.day_closed();
  const bool interval = now - m.last_compaction >= std::chrono::nanoseconds(m.o.compact_every);
  if (!day_closed && !interval) return;
  m.last_compaction = now;
  if (m.active->size() + static_cast<std::int64_t>(m.batch.size()) > static_cast<std::int64_t>(kHeader.size())) {
    if (!flush()) return;  // a full disk: no new segment either
    try {
      m.rotate();
    } catch (const IoError& e) {
      log::warn(std::string("stream: cannot start a new segment, compaction postponed: ") + e.what());
      return;
    }
  }
  m.compactor->request(m.active_number, std::move(m.unarchived), std::move(m.sealed));
  m.unarchived.clear();
  m.sealed.clear();
}

void StreamEngine::compact_now() {
  Impl& m = *impl_;
  m.compactor->wait();
  if (!flush()) throw IoError("stream: the last batch could not be written: " + m.disk_error);
  if (m.active->size() > static_cast<std::int64_t>(kHeader.size())) m.rotate();
  m.compactor->request(m.active_number, std::move(m.unarchived), std::move(m.sealed));
  m.unarchived.clear();
  m.sealed.clear();
  const std::string error = m.compactor->wait();
  if (!error.empty()) throw IoError("stream: compaction failed (the segments stay): " + error);
  m.last_compaction = Clock::now();
}

void StreamEngine::finish() {
  impl_->close_all_periods();  // scored and written as the batch jobs would score the last ones
  compact_now();
  // The empty active segment (only its header, perhaps) goes too: nothing is left live.
  Impl& m = *impl_;
  if (m.active->size() + static_cast<std::int64_t>(m.batch.size()) <= static_cast<std::int64_t>(kHeader.size())) {
    std::error_code ec;
    fs::remove(m.active->path(), ec);
  }
}

}  // namespace telemine::stream
