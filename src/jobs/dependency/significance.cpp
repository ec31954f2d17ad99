#include "jobs/dependency/significance.hpp"

#include "core/comm.hpp"
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

std::int64_t mark_significant(const Comm& comm, std::vector<PairResult>& results, double threshold) {
  std::int64_t n = 0;
  for (auto& r : results) n += r.significant = r.p <= threshold;
  return comm.allreduce_value(n, ReduceOp::sum);
}

}  // namespace telemine::jobs::dependency
