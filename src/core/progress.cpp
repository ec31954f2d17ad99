#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/comm.hpp"

namespace telemine {

namespace {
constexpr auto kTtyInterval = std::chrono::milliseconds(200);
constexpr auto kFirstLogLine = std::chrono::seconds(2);
constexpr auto kLogInterval = std::chrono::seconds(10);
constexpr auto kPostInterval = std::chrono::milliseconds(250);
// Rank 0 stops waiting for the others' reports after this long without one.
constexpr auto kSilence = std::chrono::seconds(1);

std::int64_t next_stage(const std::string& label) {
  static std::int64_t counter = 0;
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : label) h = (h ^ c) * 1099511628211ull;
  return (++counter << 16) | static_cast<std::int64_t>(h & 0xffff);
}

std::string format_seconds(double s) {
  char buf[32];
  if (s < 90) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 5400) std::snprintf(buf, sizeof buf, "%.0fmin", s / 60);
  else std::snprintf(buf, sizeof buf, "%.1fh", s / 3600);
  return buf;
}
}  // namespace

bool stderr_is_terminal() {
  if (isatty(STDERR_FILENO)) return true;
  if (std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr) return false;
  std::error_code ec;
  const auto target = std::filesystem::read_symlink("/proc/" + std::to_string(getppid()) + "/fd/2", ec).string();
  return !ec && (target.rfind("/dev/pts/", 0) == 0 || target.rfind("/dev/tty", 0) == 0);
}

Progress::Progress(const Comm& comm, std::string label, std::int64_t total, std::string unit, bool enabled)
    : comm_(&comm),
      label_(std::move(label)),
      unit_(std::move(unit)),
      stage_(next_stage(label_)),
      total_(total),
      active_(enabled),
      tty_(comm.is_root() && stderr_is_terminal()),
      start_(Clock::now()),
      last_draw_(start_),
      last_post_(start_),
      last_heard_(start_) {
  if (!active_ || comm.size() == 1) return;
  if (comm.is_root()) {
    counts_.assign(static_cast<std::size_t>(comm.size()), {0, 0});
    heard_.assign(counts_.size(), 0);
    ended_.assign(counts_.size(), 0);
    heard_[0] = 1;
  } else {
    post(false);  // the total at once, so rank 0 knows the job's size
  }
}

Progress::~Progress() {
  if (!active_) return;
  if (!comm_->is_root() && !finished_) post(true);  // unwinding: rank 0 must not wait for us
  if (comm_->is_root() && drawn_ && !finished_ && tty_) std::fputc('\n', stderr);  // leave the bar's line
}

void Progress::post(bool ended) noexcept {
  try {
    comm_->post_progress({stage_, done_, total_, ended ? 1 : 0});
    last_post_ = Clock::now();
  } catch (...) {
    // Progress is never worth failing a job, least of all while an error unwinds.
  }
}

void Progress::collect() {
  for (const auto& [rank, c] : comm_->poll_progress()) {
    const auto r = static_cast<std::size_t>(rank);
    if (r >= counts_.size() || c[0] < stage_) continue;  // an earlier stage's late post
    last_heard_ = Clock::now();
    heard_[r] = 1;
    if (c[0] > stage_) {  // that rank has already moved on to a later stage
      ended_[r] = 1;
      continue;
    }
    counts_[r] = {c[1], c[2]};
    ended_[r] = ended_[r] || c[3] != 0;
  }
}

std::int64_t Progress::global_done() const noexcept {
  std::int64_t d = done_;
  for (std::size_t r = 1; r < counts_.size(); ++r) d += counts_[r][0];
  return d;
}

std::int64_t Progress::global_total() const noexcept {
  std::int64_t t = total_;
  // A rank not heard from yet is assumed to have a share like ours.
  for (std::size_t r = 1; r < counts_.size(); ++r) t += heard_[r] ? counts_[r][1] : total_;
  return t;
}

void Progress::update(std::int64_t done) {
  done_ = done;
  if (!active_) return;
  const auto now = Clock::now();
  if (!comm_->is_root()) {
    if (now - last_post_ >= kPostInterval) post(false);
    return;
  }
  collect();
  const auto due = tty_ ? Clock::duration(kTtyInterval) : Clock::duration(drawn_ ? kLogInterval : kFirstLogLine);
  if (now - last_draw_ < due) return;
  last_draw_ = now;
  draw(false);
}

void Progress::wait_for_others() {
  last_heard_ = Clock::now();
  for (;;) {
    collect();
    bool all = true;
    for (std::size_t r = 1; r < ended_.size(); ++r) all = all && ended_[r];
    if (all || Clock::now() - last_heard_ > kSilence) return;
    update(done_);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Progress::finish() {
  if (!active_ || finished_) return;
  done_ = total_;
  if (!comm_->is_root()) {
    post(true);
    finished_ = true;
    return;
  }
  if (!counts_.empty()) wait_for_others();
  finished_ = true;
  // A batch log gets a closing line only for work long enough to have shown progress.
  if (tty_ || drawn_ || Clock::now() - start_ >= kFirstLogLine) draw(true);
}

void Progress::draw(bool final) {
  drawn_ = true;
  const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
  const std::int64_t done = final ? global_total() : global_done(), total = global_total();
  const double frac = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total)) : 1.0;
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  std::string tail = format_seconds(secs);
  if (!final && rate > 0 && done < total) tail += ", ETA " + format_seconds(static_cast<double>(total - done) / rate);
  char rate_text[48];
  std::snprintf(rate_text, sizeof rate_text, rate >= 100 ? "%.0f %s/s" : "%.1f %s/s", rate, unit_.c_str());
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
    bar[kWidth] = '\0';
    std::fprintf(stderr, "\r%s [%s] %3.0f%% %lld/%lld %s, %s, %s\033[K%s", label_.c_str(), bar, frac * 100.0,
                 static_cast<long long>(done), static_cast<long long>(total), unit_.c_str(), rate_text, tail.c_str(),
                 final ? "\n" : "");
  } else {
    std::fprintf(stderr, "telemine: %s: %lld/%lld %s (%.0f%%), %s, %s\n", label_.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total), unit_.c_str(), frac * 100.0, rate_text,
                 tail.c_str());
  }
  std::fflush(stderr);
}

}  // namespace telemine
