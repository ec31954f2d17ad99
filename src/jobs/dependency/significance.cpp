#include "jobs/dependency/significance.hpp"

#include <cmath>

#include "core/comm.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "io/csv.hpp"
#include "core/serialize.hpp"
#include "kernels/significance.hpp"

namespace telemine::jobs::dependency {

double fdr_threshold(const Comm& comm, const std::vector<double>& small_p, std::int64_t tests, double alpha) {
  const auto gathered = comm.gather_bytes([&] {
    ByteWriter w;
    w.put(small_p);
    return w.take();
  }());
  std::string threshold_bytes;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    std::vector<double> ps;
    for (const auto& bytes : gathered) {
      ByteReader rd(bytes);
      const auto p = rd.get_vector<double>();
      ps.insert(ps.end(), p.begin(), p.end());
    }
    ByteWriter w;
    w.put(kernels::benjamini_hochberg_threshold(std::move(ps), tests, alpha));
    threshold_bytes = w.take();
  });
  comm.broadcast_bytes(threshold_bytes);
  return ByteReader(threshold_bytes).get<double>();
}

std::int64_t mark_significant(const Comm& comm, std::vector<PairResult>& results, double threshold,
                              double min_effective) {
  std::int64_t n = 0;
  for (auto& r : results) n += r.significant = r.p <= threshold && r.n_eff >= min_effective;
  return comm.allreduce_value(n, ReduceOp::sum);
}

}  // namespace telemine::jobs::dependency

namespace telemine::jobs::dependency {

Caveats caveats_of(const PairResult& r, const Settings& set, const std::vector<ParamSummary>& summary) {
  Caveats c;
  c.at_max_lag = r.significant && set.max_lag > 0 && std::abs(r.lag) == set.max_lag;
  const std::int64_t cells = std::int64_t{summary[static_cast<std::size_t>(r.a)].bins} * summary[static_cast<std::size_t>(r.b)].bins;
  c.few_points = r.n < kPointsPerCell * cells;
  c.few_effective = r.n_eff < set.min_effective;
  return c;
}

namespace {

constexpr int kExamples = 3;  // pairs named a warning, per rank

struct CaveatList {
  Caveats counts;
  std::vector<std::string> examples[3];
};

std::string pair_text(const PairResult& r, const std::vector<Param>& params) {
  return params[static_cast<std::size_t>(r.a)].display + " ~ " + params[static_cast<std::size_t>(r.b)].display;
}

std::string number_text(double v) {
  std::string s;
  io::append_number(s, v);
  return s;
}

std::string warning_text(int kind, std::int64_t n, const Settings& set) {
  const std::string pairs = std::to_string(n) + (n == 1 ? " pair" : " pairs");
  if (kind == 0)
    return pairs + " significant with the strongest lag at max-lag (+-" + format_duration(set.max_lag * set.grid) +
           "): the true lag may lie beyond it; a longer max-lag would show it";
  if (kind == 1)
    return pairs + " counted fewer than " + std::to_string(kPointsPerCell) +
           " grid points per cell of their joint table (bins x bins): mi and nmi are biased upwards there (nmi tends to 1 with one "
           "point a cell); use fewer bins, a finer grid or a longer range";
  return pairs + " with fewer effective samples than min-effective-samples = " + number_text(set.min_effective) +
         " (autocorrelated series count for fewer samples than their points): not tested, never significant";
}

}  // namespace

Caveats warn_caveats(const Comm& comm, const Settings& set, const std::vector<Param>& params,
                     const std::vector<ParamSummary>& summary, const std::vector<PairResult>& results) {
  CaveatList mine;
  for (const auto& r : results) {
    const Caveats c = caveats_of(r, set, summary);
    const std::int64_t flags[3] = {c.at_max_lag, c.few_points, c.few_effective};
    std::int64_t* counts[3] = {&mine.counts.at_max_lag, &mine.counts.few_points, &mine.counts.few_effective};
    for (int k = 0; k < 3; ++k) {
      *counts[k] += flags[k];
      if (flags[k] && static_cast<int>(mine.examples[k].size()) < kExamples) mine.examples[k].push_back(pair_text(r, params));
    }
  }
  ByteWriter w;
  w.put(mine.counts.at_max_lag);
  w.put(mine.counts.few_points);
  w.put(mine.counts.few_effective);
  for (const auto& e : mine.examples) {
    w.put<std::uint64_t>(e.size());
    for (const auto& x : e) w.put(x);
  }
  const auto all = comm.allgather_bytes(w.take());
  Caveats total;
  std::vector<std::string> examples[3];
  for (const auto& bytes : all) {
    ByteReader rd(bytes);
    total.at_max_lag += rd.get<std::int64_t>();
    total.few_points += rd.get<std::int64_t>();
    total.few_effective += rd.get<std::int64_t>();
    for (auto& e : examples) {
      for (auto n = rd.get<std::uint64_t>(); n > 0; --n) {
        std::string x = rd.get_string();
        if (static_cast<int>(e.size()) < kExamples) e.push_back(std::move(x));
      }
    }
  }
  const std::int64_t counts[3] = {total.at_max_lag, total.few_points, total.few_effective};
  for (int k = 0; k < 3; ++k) {
    if (counts[k] == 0) continue;
    std::string text = "dependency: " + warning_text(k, counts[k], set) + " (";
    for (std::size_t i = 0; i < examples[k].size(); ++i) text += (i ? ", " : "") + examples[k][i];
    log::warn(text + (counts[k] > static_cast<std::int64_t>(examples[k].size()) ? ", ...)" : ")"));
  }
  return total;
}

}  // namespace telemine::jobs::dependency
