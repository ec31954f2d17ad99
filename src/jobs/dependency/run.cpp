#include "jobs/dependency/run.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <tuple>
#include <numeric>
#include <optional>
#include <span>
#include <thread>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/merge.hpp"
#include "core/progress.hpp"
#include "core/serialize.hpp"
#include "core/time.hpp"
#include "io/archive.hpp"
#include "io/csv.hpp"
#include "io/json.hpp"
#include "io/table.hpp"
#include "jobs/checkpoint.hpp"
#include "jobs/engine/params.hpp"
#include "jobs/engine/scan.hpp"
#include "jobs/job.hpp"
#include "jobs/dependency/pairs.hpp"
#include "jobs/dependency/settings.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"
#include "kernels/dependency.hpp"

namespace telemine::jobs {
namespace {

namespace k = kernels;
using dependency::Mode;
using dependency::PairItem;
using dependency::PairRun;
using dependency::pair_run;
using dependency::slice_grid;
using dependency::Settings;

struct Param {
  int mission = 0;
  std::string name;     ///< as in the archive
  std::string display;  ///< `NAME`, or `MISSION/NAME` when the job spans several missions
  io::ParamKind kind = io::ParamKind::numeric;
};

bool matches(const std::vector<std::string>& patterns, const Param& p) {
  for (const auto& pat : patterns)
    if (glob_match(pat, p.display) || glob_match(pat, p.name)) return true;
  return false;
}

// What the owner of a parameter learned from its whole series, shared with every rank.
enum class Status : std::uint8_t { ok, no_data, constant };
struct ParamSummary {
  Status status = Status::no_data;
  int bins = 0;
  std::int64_t present = 0;
  std::vector<double> rho;  ///< autocorrelation of the codes at autocorrelation_lags(G)
};
void put(ByteWriter& w, const ParamSummary& s) {
  w.put<std::uint8_t>(static_cast<std::uint8_t>(s.status));
  w.put<std::int32_t>(s.bins);
  w.put<std::int64_t>(s.present);
  w.put(s.rho);
}
void get(ByteReader& r, ParamSummary& s) {
  s.status = static_cast<Status>(r.get<std::uint8_t>());
  s.bins = r.get<std::int32_t>();
  s.present = r.get<std::int64_t>();
  s.rho = r.get_vector<double>();
}

struct PairResult {
  std::int32_t a = 0, b = 0;
  std::int64_t lag = 0;  ///< grid steps: b follows a by lag
  double mi = 0, nmi = 0, score = 0, p = 1;
  bool significant = false;
};

// One pair's measures over its lags: keeps the strongest (ties to the shortest lag) and the
// p-values that Benjamini-Hochberg may keep.
struct PairBest {
  PairResult result;
  int bins_a, bins_b;
  double inflation;
  bool any = false;
  PairBest(std::int32_t a, std::int32_t b, int bins_a_, int bins_b_, double inflation_)
      : result{a, b}, bins_a(bins_a_), bins_b(bins_b_), inflation(inflation_) {}
  void add(std::int64_t lag, std::span<const std::int64_t> counts, std::span<const double> xlogx, double alpha,
           std::vector<double>& small_p) {
    const auto m = kernels::measure_pair(counts, bins_a, bins_b, inflation, xlogx);
    if (m.significance.p <= alpha) small_p.push_back(m.significance.p);
    // The strongest lag; ties go to the shortest, then to the earlier: the same whatever order
    // the lags come in.
    const bool better = m.mi.mi > result.mi ||
                        (m.mi.mi == result.mi && (std::abs(lag) < std::abs(result.lag) ||
                                                  (std::abs(lag) == std::abs(result.lag) && lag < result.lag)));
    if (any && !better) return;
    result.lag = lag;
    result.mi = m.mi.mi;
    result.nmi = m.mi.nmi;
    result.p = m.significance.p;
    result.score = m.significance.score;
    any = true;
  }
};

std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int run_dependency(const Job& job, const Comm& comm) {
  const Settings set = dependency::read_settings(job);
  const Plan plan = plan_collectively(job, comm);

  // Parameters in plan order; names carry their mission when the job spans several.
  const ParamIndex index(plan);
  std::vector<Param> params;
  for (std::size_t p = 0; p < index.size(); ++p)
    params.push_back({index.mission(p), index.info(p).name, index.label(p), index.info(p).kind});
  const auto n_params = static_cast<std::int32_t>(params.size());

  // Which parameters each side of a pair may take, checked before any rank reads anything.
  std::vector<bool> side_a(params.size(), true), side_b(params.size(), true);
  comm.run_phase([&] {
    auto select = [&](const std::vector<std::string>& patterns, const char* key, std::vector<bool>& side) {
      bool any = false;
      for (std::size_t i = 0; i < params.size(); ++i) any |= (side[i] = matches(patterns, params[i]));
      if (!any) job.fail(key, "matches no parameter of the job");
    };
    if (set.mode == Mode::one) select({set.target}, "dependency.target", side_a);
    if (set.mode == Mode::sets) {
      select(set.set_a, "dependency.set-a", side_a);
      select(set.set_b, "dependency.set-b", side_b);
    }
  });

  // The grid: aligned to the Unix epoch, over [from, to) or the partitions' span.
  TimeNs from = plan.from, to = plan.to;
  if (!plan.partitions.empty()) {
    if (from == kTimeMin) from = plan.partitions.front().info.start;
    if (to == kTimeMax) to = plan.partitions.front().info.end;
    for (const auto& p : plan.partitions) {
      if (plan.from == kTimeMin) from = std::min(from, p.info.start);
      if (plan.to == kTimeMax) to = std::max(to, p.info.end);
    }
  }
  const TimeNs grid0 = plan.partitions.empty() ? 0 : bucket_start(from, set.grid);
  const std::int64_t points = plan.partitions.empty() ? 0 : floor_div(to - grid0 + set.grid - 1, set.grid);
  // Checked here too for a range taken from the partitions (from and to not given): every rank
  // has the same plan, so every rank refuses alike.
  if (points > dependency::kMaxGridPoints)
    job.fail("dependency.grid", "gives " + std::to_string(points) + " grid points over the archive's range, more than " +
                                    std::to_string(dependency::kMaxGridPoints) + ": choose a coarser grid or set from and to");
  if (points > 0 && set.max_lag >= points) job.fail("dependency.max-lag", "is not shorter than the range of the data");
  const std::vector<std::int64_t> slice = slice_grid(plan, grid0, set.grid, points, comm.size());
  const int me = comm.rank(), ranks = comm.size();
  const std::int64_t lo = slice[me], hi = slice[me + 1], local = hi - lo;

  std::vector<std::int64_t> lags;
  for (std::int64_t l = -set.max_lag; l <= set.max_lag; l += set.lag_step) lags.push_back(l);

  if (job.dry_run()) {
    if (comm.is_root()) {
      std::printf("dependency: %d parameters on a %s grid of %lld points from %s, %zu lags, bins %d\n", n_params,
                  format_duration(set.grid).c_str(), static_cast<long long>(points),
                  points ? format_time(grid0).c_str() : "-", lags.size(), set.bins);
      for (int r = 0; r < ranks; ++r)
        std::printf("rank %d: grid points %lld .. %lld\n", r, static_cast<long long>(slice[r]),
                    static_cast<long long>(slice[r + 1]));
    }
    return 0;
  }
  Product product(job, plan, comm);
  product.phase("plan");

  // Checkpoints, keyed by everything the codes and tests depend on (job settings, input
  // partitions, telemine version) and by the rank count, which sets which rank owns which
  // parameter and the order of the pairs. Killed and run again on as many ranks, the job skips
  // the read and bin stages when every rank has its result, and the pieces of pairs that had
  // finished.
  const Checkpoints checkpoints(job.common().output, "pairs-" + job_key(job, plan, comm.size()).substr(8));
  // Test hooks: smaller pieces and a pause after each, so that a job can be killed part-way.
  const char* chunk_env = std::getenv("TELEMINE_TEST_PAIR_CHUNK");
  const char* delay_env = std::getenv("TELEMINE_TEST_PAIR_DELAY_MS");
  const std::int64_t chunk = chunk_env ? std::max(1, std::atoi(chunk_env)) : 65536;
  const auto delay = std::chrono::milliseconds(delay_env ? std::atoi(delay_env) : 0);
  auto owner = [&](std::int32_t p) { return static_cast<int>(p % ranks); };
  std::vector<std::int32_t> owned;
  for (std::int32_t p = me; p < n_params; p += ranks) owned.push_back(p);
  std::vector<std::vector<std::uint8_t>> codes(params.size());  // of the parameters I own, then of those I need
  std::vector<ParamSummary> summary(params.size());
  const std::vector<std::int64_t> acf_lags = k::autocorrelation_lags(points);
  std::vector<SkippedPartition> skipped;
  std::int64_t total_samples = 0;

  // The read and bin stages, resumed: every rank's codes and every parameter's summary, as saved
  // at the end of the bin stage of an earlier run of this job on as many ranks.
  bool bin_resumed = false;
  {
    const std::string piece = "bin-" + std::to_string(me);
    std::vector<std::vector<std::uint8_t>> saved_codes(params.size());
    std::vector<ParamSummary> saved_summary(params.size());
    std::vector<SkippedPartition> saved_skipped;
    std::int64_t saved_samples = 0;
    bool ok = false;
    if (const auto saved = checkpoints.load(piece)) {
      try {
        ByteReader rd(*saved);
        saved_samples = rd.get<std::int64_t>();
        saved_skipped = get_skipped(rd);
        for (auto& sm : saved_summary) get(rd, sm);
        for (std::int32_t p : owned) saved_codes[p] = rd.get_vector<std::uint8_t>();
        ok = rd.done();
      } catch (const std::exception&) {
        ok = false;
      }
    }
    bin_resumed = comm.all_ok(ok);
    if (bin_resumed) {
      codes = std::move(saved_codes);
      summary = std::move(saved_summary);
      skipped = std::move(saved_skipped);
      total_samples = saved_samples;
      product.add_skipped(gather_skipped(comm, skipped));
      product.phase("read and bin (resumed)");
    }
  }
  if (!bin_resumed) {
    // 1. Read my days and resample onto my grid points.
    std::vector<std::vector<double>> values(params.size());
    std::int64_t samples = 0;
    comm.run_phase([&] {
      for (auto& v : values) v.assign(static_cast<std::size_t>(local), NAN);
      const TimeNs t_lo = grid0 + lo * set.grid, t_hi = grid0 + hi * set.grid;
      auto first_param = [&](int m) { return index.first(m); };
      std::vector<const PlannedPartition*> mine;
      for (const auto& part : plan.partitions)
        if (part.info.start < t_hi && part.info.end > t_lo) mine.push_back(&part);
      // The grid points [k0, k1) of a partition, and its part of the range.
      auto span_of = [&](const PlannedPartition& part) {
        const TimeNs a = std::max({part.info.start, t_lo, from}), b = std::min({part.info.end, t_hi, to});
        const std::int64_t k0 = floor_div(a - grid0, set.grid), k1 = std::min(hi, floor_div(b - grid0 + set.grid - 1, set.grid));
        return std::tuple{a, b, k0, k1};
      };
      io::Series series;
      PartitionVisitor visit;
      visit.read = [&](const PlannedPartition& part, const io::PartitionReader& reader) {
        const PlannedMission& mission = plan.missions[static_cast<std::size_t>(part.mission)];
        const auto [a, b, k0, k1] = span_of(part);
        for (std::size_t j = 0; j < mission.params.size(); ++j) {
          const std::size_t p = first_param(part.mission) + j;
          series.time.clear();
          series.value.clear();
          reader.read(mission.params[j].name, a, b, series);
          samples += static_cast<std::int64_t>(series.size());
          const std::span<double> out(values[p].data() + (k0 - lo), static_cast<std::size_t>(k1 - k0));
          const TimeNs start = grid0 + k0 * set.grid;
          if (params[p].kind == io::ParamKind::state) k::resample_last(series.time, series.value, start, set.grid, out, NAN);
          else k::resample_mean(series.time, series.value, start, set.grid, out);
        }
      };
      visit.dropped = [&](const PlannedPartition& part) {  // nothing of it is kept
        const PlannedMission& mission = plan.missions[static_cast<std::size_t>(part.mission)];
        const auto [a, b, k0, k1] = span_of(part);
        for (std::size_t j = 0; j < mission.params.size(); ++j) {
          auto& v = values[first_param(part.mission) + j];
          std::fill(v.begin() + (k0 - lo), v.begin() + (k1 - lo), NAN);
        }
      };
      skipped = for_each_partition(job, plan, mine, comm, "read", visit).skipped;
    });

    // A state parameter holds its last value until the next sample, across days and ranks.
    {
      ByteWriter w;
      for (std::size_t p = 0; p < params.size(); ++p) {
        if (params[p].kind != io::ParamKind::state) continue;
        auto& v = values[p];
        double held = NAN;
        for (auto& x : v) {
          if (std::isnan(x)) x = held;
          else held = x;
        }
        w.put<double>(held);
      }
      const auto all = comm.allgather_bytes(w.take());
      std::vector<ByteReader> readers;
      for (int r = 0; r < me; ++r) readers.emplace_back(all[static_cast<std::size_t>(r)]);
      for (std::size_t p = 0; p < params.size(); ++p) {
        if (params[p].kind != io::ParamKind::state) continue;
        double carry = NAN;
        for (auto& rd : readers)
          if (const double x = rd.get<double>(); !std::isnan(x)) carry = x;
        for (auto& x : values[p]) {
          if (!std::isnan(x)) break;
          x = carry;
        }
      }
    }
    product.add_skipped(gather_skipped(comm, skipped));  // every rank's, listed by rank 0
    total_samples = comm.allreduce_value<std::int64_t>(samples, ReduceOp::sum);
    product.phase("read");

    // 2. Transpose: parameter p's whole series goes to rank p % ranks, which bins it on its exact
    // distribution and measures its autocorrelation.
    comm.run_phase([&] {
      std::vector<std::string> send(static_cast<std::size_t>(ranks));
      for (std::int32_t p = 0; p < n_params; ++p) {
        auto& out = send[static_cast<std::size_t>(owner(p))];
        out.append(reinterpret_cast<const char*>(values[p].data()), values[p].size() * sizeof(double));
        std::vector<double>().swap(values[p]);
      }
      const auto received = comm.alltoall_bytes(send);
      send.clear();
      std::vector<double> full(static_cast<std::size_t>(points)), sorted;
      std::vector<ParamSummary> mine;  // of the parameters I own, in order
      for (std::size_t i = 0; i < owned.size(); ++i) {
        const std::int32_t p = owned[i];
        for (int r = 0; r < ranks; ++r) {
          const std::int64_t n = slice[r + 1] - slice[r];
          std::memcpy(full.data() + slice[r], received[static_cast<std::size_t>(r)].data() + i * n * sizeof(double),
                      static_cast<std::size_t>(n) * sizeof(double));
        }
        sorted.clear();
        for (double x : full)
          if (!std::isnan(x)) sorted.push_back(x);
        std::sort(sorted.begin(), sorted.end());
        ParamSummary s;
        s.present = static_cast<std::int64_t>(sorted.size());
        std::vector<double> edges;
        std::vector<double> distinct = sorted;
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        if (params[p].kind == io::ParamKind::state && static_cast<int>(distinct.size()) <= set.bins)
          edges.assign(distinct.begin() + (distinct.empty() ? 0 : 1), distinct.end());  // one bin per value
        else
          edges = k::equal_frequency_edges(sorted, set.bins);
        s.status = sorted.empty() ? Status::no_data : edges.empty() ? Status::constant : Status::ok;
        if (s.status == Status::ok) {
          s.bins = static_cast<int>(edges.size()) + 1;
          codes[p].resize(static_cast<std::size_t>(points));
          k::encode(full, edges, codes[p]);
          s.rho = k::autocorrelation(codes[p], acf_lags);
        }
        mine.push_back(s);
        summary[p] = std::move(s);
      }
      // Every owner's summaries to every rank; owned parameters are p = rank, rank + ranks, ...
      const auto all = comm.allgather(mine);
      for (int r = 0; r < ranks; ++r)
        for (std::size_t i = 0; i < all[static_cast<std::size_t>(r)].size(); ++i)
          summary[static_cast<std::size_t>(r) + i * static_cast<std::size_t>(ranks)] = all[static_cast<std::size_t>(r)][i];
    });
    product.phase("bin");
    ByteWriter bw;
    bw.put<std::int64_t>(total_samples);
    put_skipped(bw, skipped);
    for (const auto& sm : summary) put(bw, sm);
    for (std::int32_t p : owned) bw.put(codes[p]);
    checkpoints.save("bin-" + std::to_string(me), bw.take());
  }

  // 3. The pairs, in tiles of parameters so that a contiguous run of them touches few
  // parameters; each rank takes one run and receives the codes it needs. In mode all, the pairs
  // are listed by Steiner triples, (x, y), (x, z), (y, z) in a row: one pass counts all three.
  const std::int32_t tiles = std::max(1, static_cast<int>(std::lround(std::sqrt(2.0 * ranks))));
  const std::int32_t tile = std::max<std::int32_t>(1, (n_params + tiles - 1) / std::max(1, tiles));
  // Each triple's three pairs at every lag, in passes that count three (pair, lag)s each.
  const auto passes = set.mode == Mode::all ? k::triple_lags(set.max_lag / set.lag_step, set.lag_step)
                                            : std::vector<std::pair<std::int64_t, std::int64_t>>{};
  const bool triples = !passes.empty();
  auto each_item = [&](auto&& f) {  // f(item, group): a pair {a, b, -1} or a triple, any order
    if (triples) {
      std::vector<std::int32_t> ok;
      for (std::int32_t p = 0; p < n_params; ++p)
        if (side_a[p] && summary[p].status == Status::ok) ok.push_back(p);
      const auto n = static_cast<std::int32_t>(ok.size());
      k::steiner_triples(n, [&](const auto& t) { f(PairItem{ok[t[0]], ok[t[1]], ok[t[2]]}, 0); },  // ok ascending
                         [&](std::int32_t x, std::int32_t y) { f(PairItem{ok[x], ok[y], -1}, 1); });
      return;
    }
    for (std::int32_t a = 0; a < n_params; ++a) {
      if (!side_a[a] || summary[a].status != Status::ok) continue;
      for (std::int32_t b = 0; b < n_params; ++b) {
        if (b == a || !side_b[b] || summary[b].status != Status::ok) continue;
        // all: each unordered pair once; one/sets: a from the first side, each unordered pair once.
        if (set.mode == Mode::all && b < a) continue;
        if (set.mode != Mode::all && side_a[b] && side_b[a] && b < a) continue;
        f(PairItem{a, b, -1}, 0);
      }
    }
  };
  const PairRun run = pair_run(each_item, tile, tiles, me, ranks);
  const std::int64_t n_pairs = run.total;
  const auto& pairs = run.pairs;  // pairs[i - run.begin] is pair i of them all
  auto needs = [&] {
    std::vector<bool> need(params.size(), false);
    for (const auto& [a, b] : pairs) need[a] = need[b] = true;
    return need;
  };
  comm.run_phase([&] {
    // Which parameters each rank needs: one bit a parameter from every rank.
    const auto mine = needs();
    std::string bits((params.size() + 7) / 8, '\0');
    for (std::size_t p = 0; p < params.size(); ++p)
      if (mine[p]) bits[p / 8] = static_cast<char>(bits[p / 8] | (1 << (p % 8)));
    const auto all_bits = comm.allgather_bytes(bits);
    std::vector<std::string> send(static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r) {
      const auto& need = all_bits[static_cast<std::size_t>(r)];
      for (std::int32_t p : owned)
        if (need[static_cast<std::size_t>(p / 8)] >> (p % 8) & 1)
          send[static_cast<std::size_t>(r)].append(reinterpret_cast<const char*>(codes[p].data()), codes[p].size());
    }
    for (std::int32_t p : owned)
      if (!mine[p]) std::vector<std::uint8_t>().swap(codes[p]);
    const auto received = comm.alltoall_bytes(send);
    send.clear();
    std::vector<std::size_t> offset(static_cast<std::size_t>(ranks), 0);
    for (std::int32_t p = 0; p < n_params; ++p) {
      if (!mine[p] || owner(p) == me) continue;
      const auto& from_owner = received[static_cast<std::size_t>(owner(p))];
      auto& off = offset[static_cast<std::size_t>(owner(p))];
      codes[p].assign(from_owner.begin() + static_cast<std::ptrdiff_t>(off),
                      from_owner.begin() + static_cast<std::ptrdiff_t>(off + static_cast<std::size_t>(points)));
      off += static_cast<std::size_t>(points);
    }
  });
  product.phase("distribute");

  std::vector<PairResult> results;
  std::vector<double> small_p;  // the p-values up to alpha: the only ones Benjamini-Hochberg can keep
  std::int64_t resumed_pairs = 0;
  comm.run_phase([&] {
    const auto xlogx = k::xlogx_table(points + 1);
    const std::int64_t b0 = run.begin, b1 = run.begin + static_cast<std::int64_t>(pairs.size());
    auto pair = [&](std::int64_t i) { return pairs[static_cast<std::size_t>(i - b0)]; };
    Progress progress(comm, "pairs", b1 - b0, "pairs", job.progress());
    std::array<std::vector<std::int64_t>, 3> tables;  // joint counts of the pairs in one pass
    for (auto c0 = b0; c0 < b1; c0 += chunk) {
      const auto c1 = std::min(b1, c0 + chunk);
      const std::string piece = std::to_string(c0) + "-" + std::to_string(c1);
      if (const auto saved = checkpoints.load(piece)) {
        ByteReader rd(*saved);
        const auto r = rd.get_vector<PairResult>();
        const auto p = rd.get_vector<double>();
        if (static_cast<std::int64_t>(r.size()) == c1 - c0) {
          results.insert(results.end(), r.begin(), r.end());
          small_p.insert(small_p.end(), p.begin(), p.end());
          resumed_pairs += c1 - c0;
          progress.update(c1 - b0);
          continue;
        }
      }
      const std::size_t r0 = results.size(), p0 = small_p.size();
      for (auto i = c0; i < c1;) {
        // A Steiner triple's three pairs in a row are counted in one pass (joint_counts_three),
        // and so are two pairs in a row that share their first parameter (joint_counts_two):
        // the same counts as one pair at a time.
        const bool two = i + 1 < c1 && pair(i + 1).first == pair(i).first;
        const bool three = triples && two && i + 2 < c1 &&
                           pair(i + 2) == std::make_pair(pair(i).second, pair(i + 1).second);
        const int n = three ? 3 : two ? 2 : 1;
        std::array<std::optional<PairBest>, 3> best;
        for (int m = 0; m < n; ++m) {
          const auto [a, b] = pair(i + m);
          best[m].emplace(a, b, summary[a].bins, summary[b].bins,
                          k::variance_inflation(acf_lags, summary[a].rho, summary[b].rho));
        }
        const std::int32_t x = pair(i).first, y = pair(i).second, z = two ? pair(i + 1).second : -1;
        const int bx = summary[x].bins, by = summary[y].bins, bz = two ? summary[z].bins : 0;
        auto clear = [&] {
          for (int m = 0; m < n; ++m) tables[m].assign(static_cast<std::size_t>(best[m]->bins_a * best[m]->bins_b), 0);
        };
        if (three) {
          for (const auto& [p, q] : passes) {  // (x, y) at p, (x, z) at q, (y, z) at q - p
            clear();
            k::joint_counts_three(codes[x], codes[y], codes[z], bx, by, bz, p, q, tables[0], tables[1], tables[2]);
            best[0]->add(p, tables[0], xlogx, set.alpha, small_p);
            best[1]->add(q, tables[1], xlogx, set.alpha, small_p);
            best[2]->add(q - p, tables[2], xlogx, set.alpha, small_p);
          }
        } else {
          for (const std::int64_t lag : lags) {
            clear();
            if (two)
              k::joint_counts_two(codes[x], codes[y], codes[z], bx, by, bz, lag, tables[0], tables[1]);
            else
              k::joint_counts(codes[x], codes[y], bx, by, lag, tables[0]);
            for (int m = 0; m < n; ++m) best[m]->add(lag, tables[m], xlogx, set.alpha, small_p);
          }
        }
        for (int m = 0; m < n; ++m) results.push_back(best[m]->result);
        if ((i - b0) / 256 != (i + n - b0) / 256) progress.update(i - b0);
        i += n;
      }
      ByteWriter cw;
      cw.put(std::span<const PairResult>(results.data() + r0, results.size() - r0));
      cw.put(std::span<const double>(small_p.data() + p0, small_p.size() - p0));
      checkpoints.save(piece, cw.take());
      if (delay.count() > 0) std::this_thread::sleep_for(delay);
    }
    progress.finish();
  });
  resumed_pairs = comm.allreduce_value<std::int64_t>(resumed_pairs, ReduceOp::sum);
  product.phase("pairs");

  // 4. The false discovery rate over every pair and lag tested, then the outputs. The results
  // stay on their ranks (2 x 10^8 pairs, 11 GB, at 20,000 parameters): rank 0 gathers only the
  // p-values Benjamini-Hochberg may keep, every rank sorts its own results into the output
  // order, and rank 0 writes them as merge_to_root hands them over, in bounded rounds.
  const auto gathered_p = comm.gather_bytes([&] {
    ByteWriter w;
    w.put(small_p);
    return w.take();
  }());
  std::string threshold_bytes;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    std::vector<double> ps;
    for (const auto& bytes : gathered_p) {
      ByteReader rd(bytes);
      const auto p = rd.get_vector<double>();
      ps.insert(ps.end(), p.begin(), p.end());
    }
    const std::int64_t tests = n_pairs * static_cast<std::int64_t>(lags.size());
    ByteWriter w;
    w.put(k::benjamini_hochberg_threshold(std::move(ps), tests, set.alpha));
    threshold_bytes = w.take();
  });
  comm.broadcast_bytes(threshold_bytes);
  const double threshold = ByteReader(threshold_bytes).get<double>();
  std::int64_t n_significant = 0;
  for (auto& r : results) n_significant += r.significant = r.p <= threshold;
  n_significant = comm.allreduce_value(n_significant, ReduceOp::sum);

  const auto& name = [&](std::int32_t p) -> const std::string& { return params[p].display; };
  // Significant first, then by score; a total order, so any rank count writes the same bytes.
  auto output_order = [&](const PairResult& x, const PairResult& y) {
    if (x.significant != y.significant) return x.significant;
    if (x.score != y.score) return x.score > y.score;
    if (x.nmi != y.nmi) return x.nmi > y.nmi;
    return std::tie(name(x.a), name(x.b)) < std::tie(name(y.a), name(y.b));
  };
  std::sort(results.begin(), results.end(), output_order);
  const double grid_s = static_cast<double>(set.grid) / kSecond;
  auto lag_seconds = [&](std::int64_t lag) {
    std::string s;
    io::append_number(s, static_cast<double>(lag) * grid_s);
    return s;
  };

  // pairs.csv and graph.dot in one pass, streamed; each parameter's strongest significant
  // partners (with the lag seen from that parameter) kept for top.csv.
  std::optional<io::TextFile> pairs_csv, graph;
  std::vector<std::vector<std::pair<PairResult, bool>>> partners(comm.is_root() ? params.size() : 0);
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    pairs_csv.emplace(product.staging("pairs.csv"));
    pairs_csv->buffer() = "param_a,param_b,lag_seconds,mi,nmi,score,significant\n";
    graph.emplace(product.staging("graph.dot"));
    graph->buffer() = "digraph dependencies {\n  node [shape=box];\n";
  });
  merge_to_root<PairResult>(comm, results, output_order, [&](const PairResult& r) {
    std::string& csv = pairs_csv->buffer();
    csv += name(r.a) + "," + name(r.b) + "," + lag_seconds(r.lag) + ",";
    io::append_number(csv, r.mi);
    csv += ",";
    io::append_number(csv, r.nmi);
    csv += ",";
    io::append_number(csv, r.score);
    csv += r.significant ? ",1\n" : ",0\n";
    pairs_csv->flush_if_full();
    if (!r.significant) return;
    for (const auto& [p, flipped] : {std::pair{r.a, false}, std::pair{r.b, true}})
      if (static_cast<int>(partners[static_cast<std::size_t>(p)].size()) < set.top) partners[static_cast<std::size_t>(p)].emplace_back(r, flipped);
    // An arrow from the leader to the follower when the dependence is lagged.
    std::string& dot = graph->buffer();
    const bool lead_b = r.lag < 0;
    dot += "  " + dot_quote(name(lead_b ? r.b : r.a)) + " -> " + dot_quote(name(lead_b ? r.a : r.b)) + " [";
    dot += r.lag == 0 ? "dir=none, " : "label=\"" + lag_seconds(std::abs(r.lag)) + " s\", ";
    std::string w;
    io::append_number(w, 1 + 4 * r.nmi);
    dot += "penwidth=" + w + "];\n";
    graph->flush_if_full();
  });
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    pairs_csv->close();
    graph->buffer() += "}\n";
    graph->close();
    io::TextFile top(product.staging("top.csv"));
    std::string& t = top.buffer();
    t = "param,rank,partner,lag_seconds,mi,nmi,score\n";
    for (std::int32_t p = 0; p < n_params; ++p) {
      int rank = 0;
      for (const auto& [r, flipped] : partners[static_cast<std::size_t>(p)]) {  // already by score
        t += name(p) + "," + std::to_string(++rank) + "," + name(flipped ? r.a : r.b) + "," +
             lag_seconds(flipped ? -r.lag : r.lag) + ",";
        io::append_number(t, r.mi);
        t += ",";
        io::append_number(t, r.nmi);
        t += ",";
        io::append_number(t, r.score);
        t += "\n";
      }
      top.flush_if_full();
    }
    top.close();
  });

  // pairs.h5 (mode all): five n x n matrices (3.2 GB each at 20,000 parameters), each built on
  // rank 0 from the cells the ranks send it in rounds, written, and freed before the next.
  if (set.mode == Mode::all) {
    struct Cell {
      std::int32_t a, b;
      double value;  // lags and flags too: small integers, exact in a double
    };
    const auto n = static_cast<std::size_t>(n_params);
    std::optional<io::SquareMatrixFile> h5;
    comm.run_phase([&] {
      if (!comm.is_root()) return;
      std::vector<std::string> names;
      for (const auto& p : params) names.push_back(p.display);
      h5.emplace(product.staging("pairs.h5"), names);
    });
    const double grid_seconds = static_cast<double>(set.grid / kSecond);
    struct Matrix {
      const char* name;
      bool integer;        // int64 in the file, 0 on the diagonal (else float64, NaN)
      bool antisymmetric;  // (b, a) holds minus (a, b): a lag seen from b
      double (*value)(const PairResult&, double grid_seconds);
    };
    const std::array<Matrix, 5> matrices = {{
        {"mi", false, false, [](const PairResult& r, double) { return r.mi; }},
        {"nmi", false, false, [](const PairResult& r, double) { return r.nmi; }},
        {"score", false, false, [](const PairResult& r, double) { return r.score; }},
        {"lag_seconds", true, true, [](const PairResult& r, double g) { return static_cast<double>(r.lag) * g; }},
        {"significant", true, false, [](const PairResult& r, double) { return r.significant ? 1.0 : 0.0; }},
    }};
    for (const auto& [matrix_name, is_int, antisymmetric, value] : matrices) {
      std::vector<Cell> cells(results.size());
      for (std::size_t i = 0; i < results.size(); ++i) cells[i] = {results[i].a, results[i].b, value(results[i], grid_seconds)};
      std::vector<double> f64(comm.is_root() && !is_int ? n * n : 0, NAN);
      std::vector<std::int64_t> i64(comm.is_root() && is_int ? n * n : 0, 0);
      auto set_cell = [&](std::size_t at, double v) {
        if (is_int) i64[at] = static_cast<std::int64_t>(v);
        else f64[at] = v;
      };
      merge_to_root<Cell>(comm, cells, [](const Cell&, const Cell&) { return false; }, [&](const Cell& c) {
        set_cell(static_cast<std::size_t>(c.a) * n + static_cast<std::size_t>(c.b), c.value);
        set_cell(static_cast<std::size_t>(c.b) * n + static_cast<std::size_t>(c.a), antisymmetric ? -c.value : c.value);
      });
      comm.run_phase([&] {
        if (!comm.is_root()) return;
        if (is_int) h5->add(matrix_name, i64);
        else h5->add(matrix_name, f64);
      });
    }
    comm.run_phase([&] {
      if (comm.is_root()) h5->close();
    });
  }
  product.phase("write");

  product.set_summary([&](io::JsonWriter& j) {
    j.field("grid", format_duration(set.grid));
    j.field("grid_points", points);
    j.field("bins", static_cast<std::int64_t>(set.bins));
    j.field("lags_tested", static_cast<std::int64_t>(lags.size()));
    j.field("samples_read", total_samples);
    j.field("pairs_tested", n_pairs);
    j.field("pairs_resumed", resumed_pairs);  // read back from checkpoints of an earlier, unfinished run
    j.field("tests", n_pairs * static_cast<std::int64_t>(lags.size()));
    j.field("alpha", set.alpha);
    j.field("significant_pairs", n_significant);
    for (const auto& [status, key] : {std::pair{Status::constant, "constant_parameters"}, std::pair{Status::no_data, "parameters_without_data"}}) {
      j.key(key).begin_array();
      for (std::int32_t p = 0; p < n_params; ++p)
        if (summary[p].status == status) j.value(params[p].display);
      j.end_array();
    }
  });
  std::vector<std::string> outputs = {"pairs.csv", "top.csv", "graph.dot"};
  if (set.mode == Mode::all) outputs.push_back("pairs.h5");
  const auto published = product.publish(outputs);
  if (comm.is_root()) checkpoints.clear();
  if (comm.is_root()) {
    std::int64_t constant = 0, empty = 0;
    for (const auto& s : summary) {
      constant += s.status == Status::constant;
      empty += s.status == Status::no_data;
    }
    std::printf("dependency: %d parameters (%lld constant, %lld without data skipped), %lld pairs x %zu lags, %lld significant at FDR %g\n",
                n_params, static_cast<long long>(constant), static_cast<long long>(empty),
                static_cast<long long>(n_pairs), lags.size(), static_cast<long long>(n_significant), set.alpha);
    for (const auto& p : published) std::printf("  %s\n", p.c_str());
  }
  return 0;
}

}  // namespace telemine::jobs
