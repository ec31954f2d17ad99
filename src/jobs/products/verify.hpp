#pragma once
/// \file Fixity of products: every output against the checksum product.json recorded, and every
/// input partition against the checksum it had when the product was made.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "jobs/products/record.hpp"

namespace telemine::jobs::products {

enum class ProductState { ok, stale, damaged };

struct Finding {
  std::string state;  ///< `damaged`, `missing`, `stale`, `gone`
  std::string what;   ///< `output stats.csv`, `input SYN1 2026/01/SYN1_2026-01-01.h5`
  std::string detail;
};

struct ProductCheck {
  ProductState state = ProductState::ok;
  std::vector<Finding> findings;
};

/// Checks product `r`: outputs damaged or missing make it `damaged`; inputs changed or gone
/// since (the archive at `archive`, or where the product recorded it) make it `stale`.
ProductCheck check_product(const ProductRecord& r, const std::filesystem::path& archive = {});

std::string_view to_string(ProductState s) noexcept;

/// Prints one product's check: `ID STATE DIR`, then a line per finding.
void print_check(const ProductRecord& r, const ProductCheck& c, std::FILE* out);

/// Where input `i` of `r` lives: ARCHIVE/MISSION/FILE.
std::filesystem::path input_path(const ProductRecord& r, const InputRecord& i, const std::filesystem::path& archive);

}  // namespace telemine::jobs::products
