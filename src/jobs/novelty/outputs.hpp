#pragma once
// The novelty job's outputs: scores.h5 (every row's score per parameter), detections.csv (novel
// rows merged into intervals, RFC 4180) and the summary of product.json.

#include <cstdint>

#include "jobs/novelty/state.hpp"

namespace telemine::jobs {
class Product;
}

namespace telemine::jobs::novelty {

/// Collective: scores.h5, rows in model order whatever the rank count.
void write_scores(const Context& c, const Results& res, Product& product);

/// Collective: detections.csv by rank 0. Returns the count (rank 0).
std::int64_t write_detections(const Context& c, const Results& res, Product& product);

/// Collective: what each model learned, for product.json (rank 0 gathers every rank's models).
void summarise(const Context& c, const Results& res, const Overlap& overlap, Product& product, std::int64_t n_detections);

}  // namespace telemine::jobs::novelty
