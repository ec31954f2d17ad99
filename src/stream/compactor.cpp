#include "stream/compactor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <vector>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/ingest.hpp"
#include "io/live.hpp"
#include "io/mission_writer.hpp"

namespace telemine::stream {

namespace fs = std::filesystem;

std::size_t compact_segments(const fs::path& archive, const std::string& mission, DurationNs slice,
                             std::uint64_t below) {
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
  io::IngestOptions o;
  o.archive = archive;
  o.mission = mission;
  o.format = io::InputFormat::csv_long;
  o.inputs = segments;  // in order: a later segment's sample wins at an equal time
  o.slice = slice;
  o.progress = false;
  const Comm local = Comm::local();
  io::ingest(o, local);
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

bool Compactor::request(std::uint64_t below, std::vector<io::Event> events) {
  {
    std::lock_guard lock(mutex_);
    events_.insert(events_.end(), std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
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
    lock.unlock();
    std::string error;
    std::size_t n = 0;
    try {
      n = compact_segments(archive_, mission_, slice_, below);
      if (!events.empty()) add_events(archive_, mission_, events);
      events.clear();
    } catch (const std::exception& e) {
      error = e.what();
      log::warn("stream: compaction failed (the segments stay and are compacted later): " + error);
    }
    lock.lock();
    events_.insert(events_.begin(), events.begin(), events.end());  // not written: the next time
    running_ = false;
    error_ = error;
    if (error.empty() && n > 0) ++completed_;
    cv_.notify_all();
  }
}

}  // namespace telemine::stream
