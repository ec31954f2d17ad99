#pragma once
// Inside the Torch module only (it includes Torch): what every model file keeps besides its
// weights, the caller's numbers and texts, written and read the same way by each kind of net.

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ml/net.hpp"

namespace telemine::ml::detail {

/// Adds `numbers` (n.KEY) and `texts` (t.KEY) and the lists of their keys to the archive.
void write_extras(torch::serialize::OutputArchive& ar, const std::map<std::string, std::vector<double>>& numbers,
                  const std::map<std::string, std::string>& texts);

/// Reads them back.
void read_extras(torch::serialize::InputArchive& ar, std::map<std::string, std::vector<double>>& numbers,
                 std::map<std::string, std::string>& texts);

/// A fresh tensor for every read: read() into a defined tensor keeps that tensor's type.
torch::Tensor read_tensor(torch::serialize::InputArchive& ar, const std::string& key);

/// Writes the archive to `file` through FILE.partial and a rename; IoError naming the file.
void save_atomically(torch::serialize::OutputArchive& ar, const std::filesystem::path& file);

/// The LSTM forecaster (torch_lstm.cpp).
std::unique_ptr<ForecastNet> create_lstm(const ForecastShape& shape, std::uint64_t seed);
std::unique_ptr<ForecastNet> load_lstm(torch::serialize::InputArchive& ar);

}  // namespace telemine::ml::detail
