#include "jobs/dependency/compute.hpp"

#include <algorithm>
#include <chrono>

#include "core/comm.hpp"
#include "core/progress.hpp"
#include "core/serialize.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/job.hpp"
#include "kernels/information.hpp"
#include "kernels/joint_counts.hpp"
#include "kernels/significance.hpp"

namespace telemine::jobs::dependency {

namespace k = kernels;

void PairBest::add(std::int64_t lag, std::span<const std::int64_t> counts, std::span<const double> xlogx, double alpha,
                   std::vector<double>& small_p) {
  const auto m = k::measure_pair(counts, bins_a, bins_b, inflation, xlogx);
  if (m.significance.p <= alpha && m.n_eff >= min_effective) small_p.push_back(m.significance.p);
  const bool better = m.mi.mi > result.mi ||
                      (m.mi.mi == result.mi && (std::abs(lag) < std::abs(result.lag) ||
                                                (std::abs(lag) == std::abs(result.lag) && lag < result.lag)));
  if (any && !better) return;
  result.lag = lag;
  result.mi = m.mi.mi;
  result.nmi = m.mi.nmi;
  result.p = m.significance.p;
  result.score = m.significance.score;
  result.n = m.mi.n;
  result.n_eff = m.n_eff;
  any = true;
}

std::vector<std::int64_t> lags_of(const Settings& set) {
  std::vector<std::int64_t> lags;
  for (std::int64_t l = -set.max_lag; l <= set.max_lag; l += set.lag_step) lags.push_back(l);
  return lags;
}

std::vector<std::pair<std::int64_t, std::int64_t>> triple_passes(const Settings& set) {
  if (set.mode != Mode::all) return {};
  return k::triple_lags(set.max_lag / set.lag_step, set.lag_step);
}

PairMeter::PairMeter(const Settings& settings, const std::vector<ParamSummary>& summary,
                     const std::vector<std::vector<std::uint8_t>>& codes,
                     std::vector<std::pair<std::int64_t, std::int64_t>> passes, std::int64_t points)
    : set_(settings),
      summary_(summary),
      codes_(codes),
      passes_(std::move(passes)),
      lags_(lags_of(settings)),
      acf_lags_(k::autocorrelation_lags(points)),
      xlogx_(k::xlogx_table(points + 1)) {}

int PairMeter::measure_group(std::span<const std::pair<std::int32_t, std::int32_t>> pairs,
                             std::vector<PairResult>& results, std::vector<double>& small_p) {
  const bool two = pairs.size() > 1 && pairs[1].first == pairs[0].first;
  const bool three = !passes_.empty() && two && pairs.size() > 2 &&
                     pairs[2] == std::make_pair(pairs[0].second, pairs[1].second);
  const int n = three ? 3 : two ? 2 : 1;
  std::array<std::optional<PairBest>, 3> best;
  for (int m = 0; m < n; ++m) {
    const auto [a, b] = pairs[static_cast<std::size_t>(m)];
    best[m].emplace(a, b, summary_[a].bins, summary_[b].bins,
                    k::variance_inflation(acf_lags_, summary_[a].rho, summary_[b].rho), set_.min_effective);
  }
  const std::int32_t x = pairs[0].first, y = pairs[0].second, z = two ? pairs[1].second : -1;
  const int bx = summary_[x].bins, by = summary_[y].bins, bz = two ? summary_[z].bins : 0;
  auto clear = [&] {
    for (int m = 0; m < n; ++m) tables_[m].assign(static_cast<std::size_t>(best[m]->bins_a * best[m]->bins_b), 0);
  };
  const double alpha = set_.alpha;
  if (three) {
    for (const auto& [p, q] : passes_) {  // (x, y) at p, (x, z) at q, (y, z) at q - p
      clear();
      k::joint_counts_three(codes_[x], codes_[y], codes_[z], bx, by, bz, p, q, tables_[0], tables_[1], tables_[2]);
      best[0]->add(p, tables_[0], xlogx_, alpha, small_p);
      best[1]->add(q, tables_[1], xlogx_, alpha, small_p);
      best[2]->add(q - p, tables_[2], xlogx_, alpha, small_p);
    }
  } else {
    for (const std::int64_t lag : lags_) {
      clear();
      if (two)
        k::joint_counts_two(codes_[x], codes_[y], codes_[z], bx, by, bz, lag, tables_[0], tables_[1]);
      else
        k::joint_counts(codes_[x], codes_[y], bx, by, lag, tables_[0]);
      for (int m = 0; m < n; ++m) best[m]->add(lag, tables_[m], xlogx_, alpha, small_p);
    }
  }
  for (int m = 0; m < n; ++m) results.push_back(best[m]->result);
  return n;
}

namespace {

// Pieces of a run are named by their first pair and hold their end: "run-C0" is [C0, C1).
std::string piece_name(std::int64_t c0) { return "run-" + std::to_string(c0); }

// The piece that starts at pair `c0` read back from its checkpoint, if it holds a whole piece
// inside the run (ending by `b1`): returns its end, or c0.
std::int64_t resume_piece(const Checkpoints& checkpoints, std::int64_t c0, std::int64_t b1, PairsMeasured& out) {
  const auto saved = checkpoints.load(piece_name(c0));
  if (!saved) return c0;
  try {
    ByteReader rd(*saved);
    const auto c1 = rd.get<std::int64_t>();
    auto r = rd.get_vector<PairResult>();
    auto p = rd.get_vector<double>();
    if (!rd.done() || c1 <= c0 || c1 > b1 || static_cast<std::int64_t>(r.size()) != c1 - c0) return c0;
    out.results.insert(out.results.end(), r.begin(), r.end());
    out.small_p.insert(out.small_p.end(), p.begin(), p.end());
    out.resumed += c1 - c0;
    return c1;
  } catch (const std::exception&) {
    return c0;
  }
}

void save_piece(const Checkpoints& checkpoints, std::int64_t c0, std::int64_t c1, const PairsMeasured& out,
                std::size_t r0, std::size_t p0) {
  ByteWriter w;
  w.put<std::int64_t>(c1);
  w.put(std::span<const PairResult>(out.results.data() + r0, out.results.size() - r0));
  w.put(std::span<const double>(out.small_p.data() + p0, out.small_p.size() - p0));
  checkpoints.save(piece_name(c0), w.take());
}

}  // namespace

PairsMeasured measure_pairs(const Job& job, const Comm& comm, const PairRun& run, PairMeter& meter,
                            const Checkpoints& checkpoints, DurationNs checkpoint_every) {
  PairsMeasured out;
  const auto& pairs = run.pairs;  // pairs[i - run.begin] is pair i of them all
  const std::int64_t b0 = run.begin, b1 = run.begin + static_cast<std::int64_t>(pairs.size());
  Progress progress(comm, "pairs", b1 - b0, "pairs", job.progress());
  // The pieces an earlier run of this job finished, in a chain from the run's first pair.
  std::int64_t c0 = b0;
  for (std::int64_t next; (next = resume_piece(checkpoints, c0, b1, out)) != c0;) c0 = next;
  progress.update(c0 - b0);
  // Then pieces of about `checkpoint_every` of work each: a kill loses at most one.
  using Clock = std::chrono::steady_clock;
  const auto every = std::chrono::nanoseconds(checkpoint_every);
  while (c0 < b1) {
    const std::size_t r0 = out.results.size(), p0 = out.small_p.size();
    const auto piece_start = Clock::now();
    std::int64_t i = c0;
    while (i < b1 && Clock::now() - piece_start < every) {
      const std::span<const std::pair<std::int32_t, std::int32_t>> rest(pairs.data() + (i - b0), static_cast<std::size_t>(b1 - i));
      const int n = meter.measure_group(rest, out.results, out.small_p);
      if ((i - b0) / 256 != (i + n - b0) / 256) progress.update(i - b0);
      i += n;
    }
    save_piece(checkpoints, c0, i, out, r0, p0);
    c0 = i;
  }
  progress.finish();
  return out;
}

}  // namespace telemine::jobs::dependency
