#include "ml/forest.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "core/error.hpp"

namespace telemine::ml {

namespace fs = std::filesystem;

namespace {

void check(int rc, const char* call) {
  if (rc != 0) throw InternalError(std::string("XGBoost ") + call + ": " + XGBGetLastError());
}

// A DMatrix owned for the length of a call.
struct Matrix {
  DMatrixHandle h = nullptr;
  Matrix(std::span<const float> x, std::size_t cols) {
    check(XGDMatrixCreateFromMat(x.data(), x.size() / cols, cols, std::nanf(""), &h), "XGDMatrixCreateFromMat");
  }
  ~Matrix() { XGDMatrixFree(h); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
};

void set(BoosterHandle b, const char* key, const std::string& value) {
  check(XGBoosterSetParam(b, key, value.c_str()), "XGBoosterSetParam");
}

}  // namespace

Forest::Forest(Forest&& o) noexcept : booster_(o.booster_), cols_(o.cols_) { o.booster_ = nullptr; }
Forest& Forest::operator=(Forest&& o) noexcept {
  std::swap(booster_, o.booster_);
  std::swap(cols_, o.cols_);
  return *this;
}
Forest::~Forest() {
  if (booster_) XGBoosterFree(booster_);
}

Forest Forest::train(std::span<const float> x, std::size_t cols, std::span<const float> y, const ForestOptions& o) {
  if (cols == 0 || y.empty() || x.size() != y.size() * cols) throw UsageError("forest: no rows to train on");
  bool constant = true;
  for (float v : y) constant = constant && v == y[0];
  if (constant) throw UsageError("forest: the target is constant over the training rows: there is nothing to explain");
  Matrix m(x, cols);
  check(XGDMatrixSetFloatInfo(m.h, "label", y.data(), y.size()), "XGDMatrixSetFloatInfo");
  BoosterHandle b = nullptr;
  check(XGBoosterCreate(&m.h, 1, &b), "XGBoosterCreate");
  Forest f(b, cols);
  // The random-forest mode: one round of parallel trees, no shrinkage.
  set(b, "booster", "gbtree");
  set(b, "tree_method", "hist");
  set(b, "objective", o.classification ? "binary:logistic" : "reg:squarederror");
  set(b, "num_parallel_tree", std::to_string(o.trees));
  set(b, "max_depth", std::to_string(o.depth));
  set(b, "subsample", std::to_string(o.subsample));
  set(b, "colsample_bynode", std::to_string(o.colsample));
  set(b, "learning_rate", "1");
  set(b, "reg_lambda", "0");
  set(b, "min_child_weight", "1");
  set(b, "seed", std::to_string(o.seed));
  set(b, "nthread", std::to_string(o.threads));
  set(b, "verbosity", "0");
  check(XGBoosterUpdateOneIter(b, 0, m.h), "XGBoosterUpdateOneIter");
  return f;
}

Forest Forest::load(const fs::path& file, int threads) {
  if (!fs::exists(file)) throw IoError(file.string() + ": no such model file");
  BoosterHandle b = nullptr;
  check(XGBoosterCreate(nullptr, 0, &b), "XGBoosterCreate");
  Forest f(b, 0);
  if (XGBoosterLoadModel(b, file.c_str()) != 0)
    throw IoError(file.string() + ": not an XGBoost model (" + XGBGetLastError() + ")");
  bst_ulong n = 0;
  check(XGBoosterGetNumFeature(b, &n), "XGBoosterGetNumFeature");
  f.cols_ = n;
  set(b, "nthread", std::to_string(threads));
  return f;
}

std::vector<float> Forest::predict(std::span<const float> x) const {
  if (x.empty()) return {};
  Matrix m(x, cols_);
  bst_ulong n = 0;
  const float* out = nullptr;
  check(XGBoosterPredict(booster_, m.h, 0, 0, 0, &n, &out), "XGBoosterPredict");
  return std::vector<float>(out, out + n);
}

std::vector<double> Forest::importance() const {
  const char* config = R"({"importance_type": "total_gain", "feature_map": ""})";
  bst_ulong n = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  check(XGBoosterFeatureScore(booster_, config, &n, &names, &dim, &shape, &scores), "XGBoosterFeatureScore");
  std::vector<double> out(cols_, 0.0);
  double total = 0;
  for (bst_ulong i = 0; i < n; ++i) {
    // Without feature names XGBoost calls column k "fk".
    const auto k = static_cast<std::size_t>(std::stoul(names[i] + 1));
    if (k < cols_) out[k] = scores[i];
    total += scores[i];
  }
  if (total > 0)
    for (auto& v : out) v /= total;
  return out;
}

void Forest::save(const fs::path& file) const {
  const fs::path tmp = file.string() + ".tmp.json";
  if (XGBoosterSaveModel(booster_, tmp.c_str()) != 0)
    throw IoError(tmp.string() + ": cannot write the model (" + XGBGetLastError() + ")");
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) throw IoError(file.string() + ": cannot rename the model into place: " + ec.message());
}

}  // namespace telemine::ml
