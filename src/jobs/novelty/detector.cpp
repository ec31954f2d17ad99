#include "jobs/novelty/detector.hpp"

#include <algorithm>
#include <cmath>

#include "ml/autoencoder.hpp"
#include "ml/forecaster.hpp"

namespace telemine::jobs::novelty {

namespace {

class AutoencoderDetector final : public Detector {
 public:
  explicit AutoencoderDetector(ml::Autoencoder ae) : ae_(std::move(ae)) {}
  int inputs() const override { return ae_.inputs(); }
  std::vector<float> errors(const Context&, const Rows& r) const override {
    std::vector<float> err(r.x.size());
    ae_.errors(r.x, err);
    return err;
  }
  void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
            const std::map<std::string, std::string>& texts) const override {
    ae_.save(file, numbers, texts);
  }
 private:
  ml::Autoencoder ae_;
};

class ForecastDetector final : public Detector {
 public:
  explicit ForecastDetector(ml::Forecaster f) : f_(std::move(f)) {}
  int inputs() const override { return f_.shape().inputs; }
  // The forecaster's error of each target; the other inputs (command flags) are read, never
  // scored: error 0.
  std::vector<float> errors(const Context& c, const Rows& r) const override {
    const auto& targets = f_.shape().targets;
    const std::size_t n = r.size(), np = static_cast<std::size_t>(inputs()), nt = targets.size();
    std::vector<float> out(n * nt);
    f_.errors(r.x, ml::runs_of(r.start, c.set.grid), out);
    std::vector<float> err(n * np, 0.0f);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t q = 0; q < nt; ++q) {
        const float e = out[i * nt + q];
        if (std::isnan(e)) std::fill_n(err.begin() + static_cast<std::ptrdiff_t>(i * np), np, e);
        else err[i * np + static_cast<std::size_t>(targets[q])] = e;
      }
    return err;
  }
  void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
            const std::map<std::string, std::string>& texts) const override {
    f_.save(file, numbers, texts);
  }
 private:
  ml::Forecaster f_;
};

// The reference rows of `r`: their inputs, and their times.
void reference_rows(const Rows& r, const std::vector<char>& reference, int inputs, std::vector<float>& x,
                    std::vector<TimeNs>* times) {
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!reference[i]) continue;
    x.insert(x.end(), r.x.begin() + static_cast<std::ptrdiff_t>(i * static_cast<std::size_t>(inputs)),
             r.x.begin() + static_cast<std::ptrdiff_t>((i + 1) * static_cast<std::size_t>(inputs)));
    if (times) times->push_back(r.start[i]);
  }
}

// The forecaster of group g: every parameter an input, the numeric ones its targets (all of
// them if none is numeric).
std::unique_ptr<Detector> train_forecaster(const Context& c, std::int32_t g, const Rows& r, const std::vector<char>& reference,
                                           Model& m) {
  const auto& ps = c.groups[g].params;
  ml::ForecastShape shape = c.set.forecast;
  shape.inputs = static_cast<int>(ps.size());
  shape.targets.clear();
  for (std::size_t q = 0; q < ps.size(); ++q)
    if (c.params[ps[q]].kind != io::ParamKind::state) shape.targets.push_back(static_cast<int>(q));
  if (shape.targets.empty())
    for (int q = 0; q < shape.inputs; ++q) shape.targets.push_back(q);
  ml::Forecaster f(shape, c.set.train.seed);
  std::vector<float> x;
  std::vector<TimeNs> times;
  reference_rows(r, reference, shape.inputs, x, &times);
  m.report = f.train(x, ml::runs_of(times, c.set.grid), c.set.forecasting);
  return std::make_unique<ForecastDetector>(std::move(f));
}

}  // namespace

std::unique_ptr<Detector> load_detector(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                                        std::map<std::string, std::string>& texts) {
  if (ml::saved_texts(file)["model"] == "forecast")
    return std::make_unique<ForecastDetector>(ml::Forecaster::load(file, numbers, texts));
  return std::make_unique<AutoencoderDetector>(ml::Autoencoder::load(file, numbers, texts));
}

std::unique_ptr<Detector> train_detector(const Context& c, std::int32_t g, const Rows& r, const std::vector<char>& reference,
                                         Model& m) {
  if (c.set.kind == ModelKind::forecast) return train_forecaster(c, g, r, reference, m);
  const int inputs = c.inputs_of(g);
  std::vector<int> hidden = c.set.hidden;
  // Default: a wide first layer and a code of about a third of the inputs (always fewer than
  // the inputs, so that the model cannot learn the identity).
  if (hidden.empty()) hidden = {std::clamp(2 * inputs, 8, 256), std::min(inputs - 1, std::clamp((inputs + 1) / 3, 2, 32))};
  if (hidden.back() < 1) hidden.back() = 1;
  ml::Autoencoder ae(inputs, hidden, c.set.train.seed);
  std::vector<float> ref_x;
  reference_rows(r, reference, inputs, ref_x, nullptr);
  m.report = ae.train(ref_x, c.set.train, c.dp());
  return std::make_unique<AutoencoderDetector>(std::move(ae));
}

}  // namespace telemine::jobs::novelty
