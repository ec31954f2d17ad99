#pragma once
/// \file Every output folder is a product: outputs are staged under temporary names and appear
/// under their final names only when the job has succeeded, together with product.json (the job
/// file text, telemine version, input partitions and checksums, rank count, timings, outputs and
/// their checksums), so that a product can be recreated and verified later.

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/serialize.hpp"
#include "jobs/plan.hpp"

namespace telemine {
class Comm;
}

namespace telemine::io {
class JsonWriter;
}

namespace telemine::jobs {

struct SkippedPartition {
  std::string mission;
  std::string file;
  std::string reason;
};

/// A list of skipped partitions as bytes (for gathers and checkpoints), and back.
void put_skipped(ByteWriter& w, const std::vector<SkippedPartition>& skipped);
std::vector<SkippedPartition> get_skipped(ByteReader& r);
/// Collective: every rank's skipped partitions, in rank order, on rank 0 (empty elsewhere).
std::vector<SkippedPartition> gather_skipped(const Comm& comm, const std::vector<SkippedPartition>& mine);

class Product {
 public:
  /// Collective: rank 0 creates the output folder (an error reaches every rank).
  Product(const Job& job, const Plan& plan, const Comm& comm);
  /// A job that failed before publish() leaves no staged file behind (rank 0 removes them).
  ~Product();
  Product(const Product&) = delete;
  Product& operator=(const Product&) = delete;

  /// Where output `name` is written until publish(); the same path on every rank.
  std::filesystem::path staging(const std::string& name) const;
  /// Ends the current phase: its wall time (rank 0's) goes into product.json.
  void phase(const std::string& name);
  /// The partitions skipped (on-error = skip), gathered on rank 0: listed in product.json and
  /// each printed on stderr as a warning, so that a skip is never silent.
  void add_skipped(std::vector<SkippedPartition> skipped);
  /// For a kind's summary line: `; 1 of 6 partitions skipped (on-error = skip)`, or empty.
  std::string skipped_note() const;
  /// Job-specific figures, written under "summary" as a JSON object.
  void set_summary(std::function<void(io::JsonWriter&)> summary) { summary_ = std::move(summary); }

  /// Collective: rank 0 checksums the staged outputs, renames them into place, writes
  /// product.json last. Returns the final paths (rank 0).
  std::vector<std::filesystem::path> publish(const std::vector<std::string>& outputs);

  /// True when the output folder holds the complete outputs of this very job: the same job
  /// text and overrides, telemine version, rank count and input partitions (OUTPUT/.complete,
  /// written last by publish), each output still matching its checksum. Rank 0 only.
  static bool complete(const Job& job, const Plan& plan, int ranks);

 private:
  const Job& job_;
  const Plan& plan_;
  const Comm& comm_;
  std::filesystem::path dir_;
  std::vector<std::pair<std::string, double>> phases_;
  std::chrono::steady_clock::time_point mark_;
  std::vector<SkippedPartition> skipped_;
  std::function<void(io::JsonWriter&)> summary_;
  mutable std::vector<std::string> staged_;
  bool published_ = false;
};

/// The telemine version, as printed by `telemine --version` and recorded in products.
const char* version() noexcept;

}  // namespace telemine::jobs
