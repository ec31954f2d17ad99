#pragma once
/// \file Collective: every rank's sorted items reach rank 0 in one global order, in bounded
/// rounds, so that rank 0 writes outputs far larger than its memory (the dependency finder's
/// 2 x 10^8 pair results at 20,000 parameters) without ever holding them all.

#include <algorithm>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "core/comm.hpp"
#include "core/serialize.hpp"

namespace telemine {

/// Collective. Each rank passes its items sorted by `less`; rank 0 calls `emit` on every item
/// of every rank in the merged order (for items that `less` leaves equal, by rank), holding
/// about `budget_bytes` of them at a time. Each round, rank 0 broadcasts which ranks are to
/// send their next chunk (those running low), gathers the chunks, and emits until a rank that
/// has more to send runs out. When `emit` throws, the rounds end on every rank and every rank
/// throws (as in Comm::run_phase): no rank is left waiting.
template <class T, class Less, class Emit>
void merge_to_root(const Comm& comm, std::span<const T> mine, Less less, Emit emit, std::size_t budget_bytes = 64u << 20) {
  static_assert(std::is_trivially_copyable_v<T>);
  const int ranks = comm.size(), me = comm.rank();
  const std::size_t chunk = std::clamp<std::size_t>(budget_bytes / sizeof(T) / static_cast<std::size_t>(ranks), 64, 1u << 20);
  std::size_t sent = 0;
  // Rank 0: per rank, the items received and not yet emitted (from head on), and whether more
  // are to come.
  std::vector<std::vector<T>> buffer(comm.is_root() ? static_cast<std::size_t>(ranks) : 0);
  std::vector<std::size_t> head(buffer.size(), 0);
  std::vector<char> more(buffer.size(), 1);
  std::exception_ptr error;
  std::string ask(static_cast<std::size_t>(ranks), 1);  // the first round: every rank sends
  std::vector<int> heap;                                  // ranks with items to emit
  auto later = [&](int x, int y) {  // heap order: the smallest item on top, ties by rank
    const T& a = buffer[static_cast<std::size_t>(x)][head[static_cast<std::size_t>(x)]];
    const T& b = buffer[static_cast<std::size_t>(y)][head[static_cast<std::size_t>(y)]];
    if (less(b, a)) return true;
    if (less(a, b)) return false;
    return x > y;
  };
  for (;;) {
    comm.broadcast_bytes(ask);
    if (ask.find('\1') == std::string::npos) break;  // nothing asked: done (or rank 0 failed)
    std::string out;
    if (ask[static_cast<std::size_t>(me)]) {
      const std::size_t n = std::min(chunk, mine.size() - sent);
      ByteWriter w;
      w.put<std::uint8_t>(sent + n < mine.size() ? 1 : 0);
      w.put(mine.subspan(sent, n));
      sent += n;
      out = w.take();
    }
    const auto got = comm.gather_bytes(out);
    if (!comm.is_root()) continue;
    std::fill(ask.begin(), ask.end(), 0);
    if (error) continue;  // ask stays empty: the next broadcast ends the rounds
    try {
      for (int r = 0; r < ranks; ++r) {
        const auto u = static_cast<std::size_t>(r);
        if (got[u].empty()) continue;
        ByteReader rd(got[u]);
        more[u] = static_cast<char>(rd.get<std::uint8_t>());
        const auto items = rd.get_vector<T>();
        buffer[u].erase(buffer[u].begin(), buffer[u].begin() + static_cast<std::ptrdiff_t>(head[u]));
        head[u] = 0;
        buffer[u].insert(buffer[u].end(), items.begin(), items.end());
      }
      heap.clear();
      for (int r = 0; r < ranks; ++r)
        if (head[static_cast<std::size_t>(r)] < buffer[static_cast<std::size_t>(r)].size()) heap.push_back(r);
      std::make_heap(heap.begin(), heap.end(), later);
      while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const int r = heap.back();
        const auto u = static_cast<std::size_t>(r);
        emit(buffer[u][head[u]++]);
        if (head[u] < buffer[u].size()) {
          std::push_heap(heap.begin(), heap.end(), later);
        } else {
          heap.pop_back();
          if (more[u]) break;  // its next item may come before the others': ask for it first
        }
      }
      // Refill every rank running low, not only the one that ran out: fewer rounds.
      for (int r = 0; r < ranks; ++r) {
        const auto u = static_cast<std::size_t>(r);
        if (more[u] && buffer[u].size() - head[u] < chunk / 2 + 1) ask[u] = 1;
      }
    } catch (...) {
      error = std::current_exception();
      std::fill(ask.begin(), ask.end(), 0);
    }
  }
  comm.run_phase([&] {
    if (error) std::rethrow_exception(error);
  });
}

}  // namespace telemine
