#pragma once
/// \file The product catalogue: an SQLite index (Debian's libsqlite3, with FTS5 full-text search
/// over job texts and parameter descriptions) of the product folders under some roots. The
/// folders stay the truth: `index` rebuilds the index from them at any time, in one transaction,
/// so that a failed or interrupted update leaves the index as it was.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "jobs/products/record.hpp"
#include "jobs/products/sqlite.hpp"

namespace telemine::jobs::products {

/// A search; every field given narrows it (all of them: AND).
struct Query {
  std::string kind;
  std::string mission;
  std::string param;                 ///< a glob over parameter names (`POWER_*`)
  TimeNs from = kTimeMin, to = kTimeMax;  ///< products whose inputs overlap [from, to)
  std::string key;                   ///< a job key (`stats.bucket`) the job set ...
  std::optional<std::string> value;  ///< ... to this value
  std::string text;                  ///< words in the job text or parameter descriptions (all of them)
  TimeNs created_from = kTimeMin, created_to = kTimeMax;
  std::int64_t limit = 0;  ///< 0: every match
};

/// One line of a listing.
struct ProductRow {
  std::string id, kind, version, created, missions;
  TimeNs from = kTimeMin, to = kTimeMax;
  std::string dir;
};

struct IndexReport {
  std::int64_t products = 0;  ///< indexed now
  std::int64_t previous = 0;  ///< what the index held under the same roots before
  std::vector<std::string> skipped;  ///< damaged folders left out (with --skip-damaged)
};

class Catalogue {
 public:
  /// Opens the index at `file`; `create`: creates it (and its tables) when missing.
  static Catalogue open(const std::filesystem::path& file, bool create);

  /// Finds every product folder under `roots` (each a product folder or a folder holding some;
  /// empty: the roots indexed before) and replaces what the index held under them, in one
  /// transaction. A damaged product.json stops the update (IoError naming it, index unchanged)
  /// unless `skip_damaged`, which leaves it out and reports it.
  IndexReport index(std::vector<std::filesystem::path> roots, bool skip_damaged);

  std::vector<ProductRow> search(const Query& q);
  /// The folder of product `id` (an id, a unique prefix of one, or a product folder's path).
  /// UsageError when unknown or ambiguous.
  std::filesystem::path find(const std::string& id);
  /// Every indexed product folder, sorted.
  std::vector<std::filesystem::path> all();
  std::vector<std::filesystem::path> roots();

  Database& db() noexcept { return db_; }

 private:
  explicit Catalogue(Database db) : db_(std::move(db)) {}
  void insert(const ProductRecord& r, Statement& product, Statement& mission, Statement& param, Statement& key,
              Statement& text);
  Database db_;
};

/// Every product folder under `root`, sorted (hidden folders such as .checkpoints skipped).
std::vector<std::filesystem::path> find_product_dirs(const std::filesystem::path& root);

/// An FTS5 query matching all of the words of `text` as they are (each quoted).
std::string fts_query(const std::string& text);

}  // namespace telemine::jobs::products
