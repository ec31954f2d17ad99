#pragma once
/// \file The products folder as the server sees it: every folder (at most two levels down, so
/// that a campaign's tasks are found) holding a product.json. A product is known by its id, its
/// path relative to the folder with `~` for `/`; only the files its product.json lists (and its
/// report.html, campaign.csv) can be read.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace telemine::serve {

struct Product {
  std::string id;
  std::filesystem::path dir;
  nlohmann::json manifest;  ///< product.json
};

class Products {
 public:
  explicit Products(std::filesystem::path root);
  /// `[{id, product, created, outputs: [names]}, ...]`, sorted by id; scans the folder anew.
  nlohmann::json list() const;
  /// The product with this id, looked up among those the scan finds (never built from the id).
  std::optional<Product> find(const std::string& id) const;
  /// The path of output `name` when the product lists it; nullopt otherwise.
  std::optional<std::filesystem::path> file(const Product& product, const std::string& name) const;

 private:
  std::vector<Product> scan() const;
  std::filesystem::path root_;
};

/// The MIME type served for a product file, by its extension.
std::string content_type_of(const std::filesystem::path& file);

}  // namespace telemine::serve
