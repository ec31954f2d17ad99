#pragma once
// What the dependency job's phases hand each other: the job's parameters, each parameter's
// summary from its owner, and one pair's result.

#include <cstdint>
#include <string>
#include <vector>

#include "core/serialize.hpp"
#include "io/archive.hpp"

namespace telemine::jobs::dependency {

struct Param {
  int mission = 0;
  std::string name;     ///< as in the archive (or the [derived] section)
  std::string display;  ///< `NAME`, or `MISSION/NAME` when the job spans several missions
  io::ParamKind kind = io::ParamKind::numeric;
};

/// Which parameters may take each side of a pair, by parameter.
struct Sides {
  std::vector<bool> a, b;
};

// What the owner of a parameter learned from its whole series, shared with every rank.
enum class Status : std::uint8_t { ok, no_data, constant };
struct ParamSummary {
  Status status = Status::no_data;
  int bins = 0;
  std::int64_t present = 0;
  std::vector<double> rho;  ///< autocorrelation of the codes at autocorrelation_lags(G)
};
void put(ByteWriter& w, const ParamSummary& s);
void get(ByteReader& r, ParamSummary& s);

// Trivially copyable: sent between ranks and saved in checkpoints as raw bytes.
struct PairResult {
  std::int32_t a = 0, b = 0;
  std::int64_t lag = 0;  ///< grid steps: b follows a by lag
  double mi = 0, nmi = 0, score = 0, p = 1;
  bool significant = false;
  std::int64_t n = 0;  ///< grid points counted at that lag (both sides present)
  double n_eff = 0;    ///< effective samples of the test at that lag
};

}  // namespace telemine::jobs::dependency
