#pragma once
/// \file Progress of long work, printed by rank 0 only: a bar redrawn in place on a terminal,
/// periodic plain lines in a batch log (stderr not a terminal).

#include <chrono>
#include <cstdint>
#include <string>

namespace telemine {

class Comm;

class Progress {
 public:
  /// `total` in the caller's unit (samples, partitions); `unit` names it in the lines.
  /// Silent on ranks other than 0 and when `enabled` is false.
  Progress(const Comm& comm, std::string label, std::int64_t total, std::string unit,
           bool enabled = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Local progress on rank 0; other ranks' progress is not collected (no collectives here),
  /// so the caller reports rank 0's share scaled by the rank count when that is meaningful.
  void update(std::int64_t done);
  void finish();

 private:
  void draw(bool final);

  std::string label_;
  std::string unit_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  bool active_;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace telemine
