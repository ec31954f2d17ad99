#pragma once
/// \file The communicator every layer above core talks to. It owns a duplicate of the MPI
/// communicator it is given (never MPI_COMM_WORLD itself) and has a local, one-process
/// implementation of the same interface so that kernels, jobs and most tests run without mpirun.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/serialize.hpp"

namespace telemine {

enum class ReduceOp { sum, min, max };

/// Move-only handle to a group of ranks. All collective calls must be made by every rank in the
/// same order. Counts beyond 2^31 are split by the implementation.
class Comm {
 public:
  class Impl;

  /// A one-process communicator: rank 0 of 1; collectives are copies.
  static Comm local();
  /// A duplicate of MPI_COMM_WORLD when MPI is initialised, otherwise local().
  static Comm world();

  Comm(Comm&&) noexcept;
  Comm& operator=(Comm&&) noexcept;
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;
  ~Comm();

  int rank() const noexcept;
  int size() const noexcept;
  bool is_root() const noexcept { return rank() == 0; }
  bool is_mpi() const noexcept;

  void barrier() const;

  /// Broadcast raw bytes from root; `bytes` is resized on non-root ranks.
  void broadcast_bytes(std::string& bytes, int root = 0) const;

  /// Element-wise reduction to all ranks, in place.
  void allreduce(std::span<std::int64_t> data, ReduceOp op) const;
  void allreduce(std::span<double> data, ReduceOp op) const;
  void allreduce(std::span<float> data, ReduceOp op) const;

  /// Every rank's bytes, in rank order, on every rank.
  std::vector<std::string> allgather_bytes(const std::string& mine) const;
  /// Every rank's bytes, in rank order, on root only (empty elsewhere).
  std::vector<std::string> gather_bytes(const std::string& mine, int root = 0) const;
  /// Personalised exchange: send[r] goes to rank r; returns what each rank sent to this one.
  std::vector<std::string> alltoall_bytes(const std::vector<std::string>& send) const;

  /// Collective agreement at a phase boundary: true when every rank passed true.
  bool all_ok(bool ok) const;

  /// Runs `phase` on every rank; if it throws on any rank, every rank throws: the rank that
  /// failed rethrows its own error, the others a RemoteError carrying the lowest failing rank's
  /// message and exit code. No rank is left waiting in a later collective.
  void run_phase(const std::function<void()>& phase) const;

  /// True when the exception now reaching main came out of run_phase, i.e. every rank has it
  /// and will exit on its own; otherwise main must abort the other ranks.
  static bool failure_agreed() noexcept;

  /// Terminates every rank (MPI_Abort with `code`; std::exit locally).
  [[noreturn]] void abort(int code) const noexcept;

  // Typed conveniences.
  template <class T>
    requires std::is_arithmetic_v<T>
  T allreduce_value(T value, ReduceOp op) const {
    if constexpr (std::is_floating_point_v<T>) {
      double v = static_cast<double>(value);
      allreduce(std::span<double>(&v, 1), op);
      return static_cast<T>(v);
    } else {
      std::int64_t v = static_cast<std::int64_t>(value);
      allreduce(std::span<std::int64_t>(&v, 1), op);
      return static_cast<T>(v);
    }
  }

  /// The progress side channel: never a collective, never blocking, on a communicator of its
  /// own so that it cannot match any job message. A rank posts its latest counts to rank 0;
  /// when its previous post is still in flight the new one is dropped (the next one carries
  /// newer counts anyway). Returns whether it was sent. A no-op on rank 0 and when local.
  bool post_progress(const std::array<std::int64_t, 4>& counts) const;
  /// On rank 0: every post that has arrived since the last call, as (rank, counts).
  std::vector<std::pair<int, std::array<std::int64_t, 4>>> poll_progress() const;
  /// Typed collectives over any value `encode` takes (core/serialize.hpp): every rank's value,
  /// in rank order, on every rank (allgather) or on root only (gather; empty elsewhere); root's
  /// value on every rank (broadcast).
  template <class T>
  std::vector<T> allgather(const T& mine) const {
    return decode_all<T>(allgather_bytes(encode(mine)));
  }
  template <class T>
  std::vector<T> gather(const T& mine, int root = 0) const {
    return decode_all<T>(gather_bytes(encode(mine), root));
  }
  template <class T>
  void broadcast(T& value, int root = 0) const {
    std::string bytes = rank() == root ? encode(value) : std::string();
    broadcast_bytes(bytes, root);
    if (rank() != root) value = decode<T>(bytes);
  }

  /// Points to the MPI_Comm (for parallel HDF5 and MPI-IO); null when local.
  void* native_handle() const noexcept;

  explicit Comm(std::unique_ptr<Impl> impl);

 private:
  template <class T>
  static std::vector<T> decode_all(const std::vector<std::string>& parts) {
    std::vector<T> out;
    out.reserve(parts.size());
    for (const auto& p : parts) out.push_back(decode<T>(p));
    return out;
  }
  std::unique_ptr<Impl> impl_;
};

/// Initialises MPI first thing in main (thread level FUNNELED: only the main thread calls MPI),
/// and finalises it on scope exit unless an exception is unwinding (then the caller aborts).
/// When the process was not started by mpirun, MPI is still initialised as a singleton.
class MpiGuard {
 public:
  MpiGuard(int& argc, char**& argv);
  ~MpiGuard();
  MpiGuard(const MpiGuard&) = delete;
  MpiGuard& operator=(const MpiGuard&) = delete;
};

}  // namespace telemine
