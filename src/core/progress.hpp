#pragma once
/// \file Progress of long work, over all ranks, printed by rank 0: a bar with rate and ETA
/// redrawn in place on a terminal (also under mpirun, whose own stderr is then the terminal),
/// periodic plain lines in a batch log (the first after 2 s, then every 10 s).
///
/// Each rank counts its own share; the other ranks post their counts to rank 0 on the Comm's
/// progress side channel (non-blocking, never a collective), so the figures are the job's,
/// not rank 0's. A rank that fails or finishes posts that it has ended; rank 0, done with its
/// own share first, keeps drawing while the others still report, and stops waiting after a
/// second of silence, so a stalled or failed rank never holds it.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace telemine {

class Comm;

class Progress {
 public:
  /// `total` is this rank's share in the caller's unit (samples, partitions); `unit` names it.
  /// Every rank of `comm` constructs it at the same point of the job (as with a collective,
  /// though nothing blocks); `enabled` must be the same on every rank.
  Progress(const Comm& comm, std::string label, std::int64_t total, std::string unit, bool enabled = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// This rank's count so far.
  void update(std::int64_t done);
  /// This rank's share is complete. On rank 0, waits (drawing) while other ranks still report.
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  void post(bool ended) noexcept;
  void collect();
  void wait_for_others();
  void draw(bool final);
  std::int64_t global_done() const noexcept;
  std::int64_t global_total() const noexcept;

  const Comm* comm_;
  std::string label_;
  std::string unit_;
  std::int64_t stage_;  // the same on every rank for the same Progress
  std::int64_t done_ = 0;
  std::int64_t total_;
  bool active_;  // progress shown at all (same on every rank)
  bool tty_;
  bool finished_ = false;
  bool drawn_ = false;
  // Rank 0: the latest counts each rank posted.
  std::vector<std::array<std::int64_t, 2>> counts_;
  std::vector<char> heard_, ended_;
  Clock::time_point start_, last_draw_, last_post_, last_heard_;
};

/// True when progress on stderr reaches a terminal: stderr itself, or, under a local mpirun
/// that pipes our stderr, the launcher's own stderr.
bool stderr_is_terminal();

}  // namespace telemine
