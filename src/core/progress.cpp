#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "core/comm.hpp"

namespace telemine {

namespace {
constexpr auto kTtyInterval = std::chrono::milliseconds(200);
constexpr auto kLogInterval = std::chrono::seconds(10);
}  // namespace

Progress::Progress(const Comm& comm, std::string label, std::int64_t total, std::string unit,
                   bool enabled)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      active_(enabled && comm.is_root()),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  if (active_ && !finished_ && tty_ && done_ > 0) std::fputc('\n', stderr);  // leave the bar's line
}

void Progress::update(std::int64_t done) {
  done_ = done;
  if (!active_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < (tty_ ? kTtyInterval : std::chrono::steady_clock::duration(kLogInterval)))
    return;
  last_draw_ = now;
  draw(false);
}

void Progress::finish() {
  if (!active_ || finished_) return;
  done_ = total_;
  finished_ = true;
  // A batch log gets a closing line only for work long enough to have shown progress.
  if (tty_ || std::chrono::steady_clock::now() - start_ >= kLogInterval) draw(true);
}

void Progress::draw(bool final) {
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double frac = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
    bar[kWidth] = '\0';
    std::fprintf(stderr, "\r%s [%s] %3.0f%% %lld/%lld %s %.1fs%s", label_.c_str(), bar, frac * 100.0,
                 static_cast<long long>(done_), static_cast<long long>(total_), unit_.c_str(), secs,
                 final ? "\n" : "");
  } else {
    std::fprintf(stderr, "telemine: %s: %lld/%lld %s (%.0f%%) after %.0fs\n", label_.c_str(),
                 static_cast<long long>(done_), static_cast<long long>(total_), unit_.c_str(),
                 frac * 100.0, secs);
  }
  std::fflush(stderr);
}

}  // namespace telemine
