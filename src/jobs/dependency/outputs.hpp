#pragma once
// The dependency job's outputs (the CSV files through io's RFC 4180 CsvWriter: a name holding
// `,` or `"` is quoted), written by rank 0 as merge_to_root hands it every rank's sorted
// results in bounded rounds: pairs.csv, graph.dot and top.csv in one streamed pass, and in mode
// all pairs.h5 (five n x n matrices, one at a time).

#include <cstdint>
#include <string>
#include <vector>

#include "jobs/dependency/settings.hpp"
#include "jobs/dependency/types.hpp"

namespace telemine {
class Comm;
}

namespace telemine::jobs {
class Product;
}

namespace telemine::jobs::dependency {

/// The output order: significant first, then by score, then nmi, then names; a total order, so
/// any rank count writes the same bytes.
struct OutputOrder {
  const std::vector<Param>& params;
  bool operator()(const PairResult& x, const PairResult& y) const;
};

/// A lag of `lag` grid steps of `grid` in seconds, as a number and as the outputs write it.
double lag_in_seconds(std::int64_t lag, DurationNs grid);
std::string lag_seconds(std::int64_t lag, DurationNs grid);
/// A Graphviz quoted string.
std::string dot_quote(const std::string& s);

/// Collective: pairs.csv, graph.dot and top.csv staged by rank 0. `results` in OutputOrder.
void write_tables(const Comm& comm, Product& product, const Settings& settings, const std::vector<Param>& params,
                  const std::vector<PairResult>& results);
/// Collective: pairs.h5 (mode all), staged by rank 0.
void write_matrices(const Comm& comm, Product& product, const Settings& settings, const std::vector<Param>& params,
                    const std::vector<PairResult>& results);

}  // namespace telemine::jobs::dependency
