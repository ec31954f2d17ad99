// How fast is a derived parameter's expression? A 3-input arithmetic expression evaluated over
// N samples per rank by telemine's block executor (derived::Program) and, for reference, by
// muParser's own bulk mode, one sample at a time. The inputs are written to DIR so that the
// numpy peer (bench/peers/derived_numpy.py) evaluates the same arrays in the same run. The
// arrays are evaluated CHUNK samples at a time: CHUNK = N streams them from memory once; CHUNK =
// 86400 is what a job does, one day partition at 1 Hz at a time, its inputs in cache.
//   mpirun -np 2 derived_eval_bench DIR N CHUNK REPS [EXPR]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "derived/expression.hpp"

using namespace telemine;

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Seconds of the slowest rank for one evaluation of every rank's arrays.
template <class F>
double timed(const Comm& comm, F&& f) {
  comm.barrier();
  const auto t0 = Clock::now();
  f();
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return comm.allreduce_value(s, ReduceOp::max);
}

void write_inputs(const std::string& dir, int rank, const std::vector<std::vector<double>>& in) {
  std::ofstream f(dir + "/derived-inputs-" + std::to_string(rank) + ".f64", std::ios::binary);
  for (const auto& v : in) f.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 8));
}

}  // namespace

int main(int argc, char** argv) {
  MpiGuard guard(argc, argv);
  const Comm comm = Comm::world();
  if (argc < 5) {
    std::fprintf(stderr, "usage: derived_eval_bench DIR N CHUNK REPS [EXPR]\n");
    return 2;
  }
  const std::string dir = argv[1], text = argc > 5 ? argv[5] : "A * B + C";
  const std::size_t n = std::strtoull(argv[2], nullptr, 10), chunk = std::strtoull(argv[3], nullptr, 10);
  const int reps = std::atoi(argv[4]);
  if (chunk == 0 || chunk > n) {
    std::fprintf(stderr, "derived_eval_bench: CHUNK must be in 1 .. N\n");
    return 2;
  }

  std::mt19937_64 rng(1234 + static_cast<unsigned>(comm.rank()));
  std::normal_distribution<double> normal(10, 3);
  std::vector<std::vector<double>> in(3, std::vector<double>(n));
  for (auto& v : in)
    for (auto& x : v) x = normal(rng);
  write_inputs(dir, comm.rank(), in);

  const auto program = derived::Program::compile(derived::parse(text));
  std::vector<double> out(n);
  // Runs `eval` over every chunk of the arrays, as a job runs it over every partition.
  auto chunked = [&](auto eval) {
    for (std::size_t at = 0; at < n; at += chunk) {
      const std::size_t k = std::min(chunk, n - at);
      const std::span<const double> spans[3] = {std::span(in[0]).subspan(at, k), std::span(in[1]).subspan(at, k),
                                                std::span(in[2]).subspan(at, k)};
      eval(std::span<const std::span<const double>>(spans), std::span(out).subspan(at, k));
    }
  };
  std::vector<double> block, bulk;
  for (int r = 0; r < reps; ++r)
    block.push_back(timed(comm, [&] { chunked([&](auto i, auto o) { program.evaluate(i, o); }); }));
  double sum = 0;
  for (double x : out) sum += x;
  sum = comm.allreduce_value(sum, ReduceOp::sum);
  for (int r = 0; r < std::max(1, reps / 4); ++r)
    bulk.push_back(timed(comm, [&] { chunked([&](auto i, auto o) { program.evaluate_muparser(i, o); }); }));

  const double total = static_cast<double>(n) * comm.size();
  if (comm.is_root())
    std::printf("{\"expression\": \"%s\", \"ranks\": %d, \"samples\": %.0f, \"chunk\": %zu, \"telemine_msps\": %.1f, "
                "\"muparser_bulk_msps\": %.1f, \"checksum\": %.6e}\n",
                text.c_str(), comm.size(), total, chunk, total / median(block) / 1e6, total / median(bulk) / 1e6, sum);
  return 0;
}
