#include "jobs/dependency/bin.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/comm.hpp"
#include "jobs/checkpoint.hpp"
#include "kernels/binning.hpp"
#include "kernels/significance.hpp"

namespace telemine::jobs::dependency {

namespace k = kernels;

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

std::vector<std::int32_t> owned_params(std::int32_t n_params, int me, int ranks) {
  std::vector<std::int32_t> owned;
  for (std::int32_t p = me; p < n_params; p += ranks) owned.push_back(p);
  return owned;
}

ParamSummary bin_series(std::span<const double> full, bool state, int bins, std::span<const std::int64_t> acf_lags,
                        std::vector<std::uint8_t>& codes) {
  std::vector<double> sorted;
  for (double x : full)
    if (!std::isnan(x)) sorted.push_back(x);
  std::sort(sorted.begin(), sorted.end());
  ParamSummary s;
  s.present = static_cast<std::int64_t>(sorted.size());
  std::vector<double> edges;
  std::vector<double> distinct = sorted;
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (state && static_cast<int>(distinct.size()) <= bins)
    edges.assign(distinct.begin() + (distinct.empty() ? 0 : 1), distinct.end());  // one bin per value
  else
    edges = k::equal_frequency_edges(sorted, bins);
  s.status = sorted.empty() ? Status::no_data : edges.empty() ? Status::constant : Status::ok;
  if (s.status == Status::ok) {
    s.bins = static_cast<int>(edges.size()) + 1;
    codes.resize(full.size());
    k::encode(full, edges, codes);
    s.rho = k::autocorrelation(codes, acf_lags);
  }
  return s;
}

Binned transpose_and_bin(const Comm& comm, const std::vector<Param>& params, int bins, const std::vector<std::int64_t>& slice,
                         std::vector<std::vector<double>>& values, std::span<const std::int64_t> acf_lags) {
  const int me = comm.rank(), ranks = comm.size();
  const auto n_params = static_cast<std::int32_t>(params.size());
  const std::int64_t points = slice.back();
  const auto owned = owned_params(n_params, me, ranks);
  Binned out;
  out.codes.resize(params.size());
  out.summary.resize(params.size());
  comm.run_phase([&] {
    std::vector<std::string> send(static_cast<std::size_t>(ranks));
    for (std::int32_t p = 0; p < n_params; ++p) {
      auto& to = send[static_cast<std::size_t>(owner(p, ranks))];
      to.append(reinterpret_cast<const char*>(values[p].data()), values[p].size() * sizeof(double));
      std::vector<double>().swap(values[p]);
    }
    const auto received = comm.alltoall_bytes(send);
    send.clear();
    std::vector<double> full(static_cast<std::size_t>(points));
    std::vector<ParamSummary> mine;  // of the parameters I own, in order
    for (std::size_t i = 0; i < owned.size(); ++i) {
      const std::int32_t p = owned[i];
      for (int r = 0; r < ranks; ++r) {
        const std::int64_t n = slice[r + 1] - slice[r];
        std::memcpy(full.data() + slice[r], received[static_cast<std::size_t>(r)].data() + i * n * sizeof(double),
                    static_cast<std::size_t>(n) * sizeof(double));
      }
      mine.push_back(bin_series(full, params[p].kind == io::ParamKind::state, bins, acf_lags, out.codes[p]));
    }
    // Every owner's summaries to every rank; owned parameters are p = rank, rank + ranks, ...
    const auto all = comm.allgather(mine);
    for (int r = 0; r < ranks; ++r)
      for (std::size_t i = 0; i < all[static_cast<std::size_t>(r)].size(); ++i)
        out.summary[static_cast<std::size_t>(r) + i * static_cast<std::size_t>(ranks)] = all[static_cast<std::size_t>(r)][i];
  });
  return out;
}

void save_bin_stage(const Checkpoints& checkpoints, int me, const std::vector<std::int32_t>& owned, const BinStage& stage) {
  ByteWriter w;
  w.put<std::int64_t>(stage.total_samples);
  put_skipped(w, stage.skipped);
  for (const auto& s : stage.binned.summary) put(w, s);
  for (std::int32_t p : owned) w.put(stage.binned.codes[p]);
  checkpoints.save("bin-" + std::to_string(me), w.take());
}

std::optional<BinStage> load_bin_stage(const Checkpoints& checkpoints, int me, std::size_t n_params,
                                       const std::vector<std::int32_t>& owned) {
  const auto saved = checkpoints.load("bin-" + std::to_string(me));
  if (!saved) return std::nullopt;
  try {
    BinStage stage;
    stage.binned.codes.resize(n_params);
    stage.binned.summary.resize(n_params);
    ByteReader rd(*saved);
    stage.total_samples = rd.get<std::int64_t>();
    stage.skipped = get_skipped(rd);
    for (auto& s : stage.binned.summary) get(rd, s);
    for (std::int32_t p : owned) stage.binned.codes[p] = rd.get_vector<std::uint8_t>();
    if (rd.done()) return stage;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace telemine::jobs::dependency
