// The Torch module (libtelemine_torch.so): the only code that sees LibTorch. See ml/net.hpp.
#include "ml/net.hpp"

#include <torch/torch.h>

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "ml/torch_archive.hpp"

namespace telemine::ml {
namespace {

using detail::Reduce;

torch::nn::Sequential build(int inputs, const std::vector<int>& hidden) {
  std::vector<int> sizes = {inputs};
  sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  for (auto it = hidden.rbegin() + 1; it < hidden.rend(); ++it) sizes.push_back(*it);
  sizes.push_back(inputs);
  torch::nn::Sequential net;
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    net->push_back(torch::nn::Linear(sizes[i], sizes[i + 1]));
    if (i + 2 < sizes.size()) net->push_back(torch::nn::Tanh());
  }
  return net;
}

// The network and its layer sizes (what rebuilds it from a file).
class TorchNet final : public detail::Net {
 public:
  TorchNet(int inputs, std::vector<int> hidden) : inputs_(inputs), hidden_(std::move(hidden)), net_(build(inputs_, hidden_)) {}
  int inputs() const noexcept override { return inputs_; }
  const std::vector<int>& hidden() const noexcept override { return hidden_; }
  torch::nn::Sequential& net() noexcept { return net_; }
  TrainReport train(std::span<const float> rows, const TrainOptions& options, const Reduce& reduce) override;
  void errors(std::span<const float> rows, std::span<float> out) const override;
  std::vector<float> flat_weights() const override;
  void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
            const std::map<std::string, std::string>& texts) const override;

 private:
  int inputs_;
  std::vector<int> hidden_;
  mutable torch::nn::Sequential net_;  // scoring (const) runs forward, which Torch does not mark const
};

TrainReport TorchNet::train(std::span<const float> rows, const TrainOptions& options, const Reduce& reduce) {
  const auto t0 = std::chrono::steady_clock::now();
  const int inputs = inputs_;
  const auto n_local = static_cast<std::int64_t>(rows.size()) / inputs;
  const int ranks = reduce.ranks, me = reduce.rank;
  TrainReport report;
  report.rows = reduce.global_rows;
  if (report.rows == 0) return report;

  auto& net = net_;
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(rows.data()), {n_local, inputs}, torch::kFloat32);
  // Every weight a view into one flat tensor, every gradient a view into another (with two
  // more floats: the step's rows and loss), so that a step is one allreduce and one Adam loop
  // over plain floats.
  std::vector<torch::Tensor> params = net->parameters();  // W0, b0, W1, b1, ...
  std::int64_t n_weights = 0;
  for (const auto& p : params) n_weights += p.numel();
  torch::Tensor flat_w = torch::empty({n_weights}, torch::kFloat32);
  torch::Tensor flat_g = torch::zeros({n_weights + 2}, torch::kFloat32);
  std::vector<torch::Tensor> grads;
  {
    std::int64_t off = 0;
    for (auto& p : params) {
      const std::int64_t n = p.numel();
      flat_w.narrow(0, off, n).copy_(p.detach().reshape({n}));
      p.set_data(flat_w.narrow(0, off, n).view(p.sizes()));
      grads.push_back(flat_g.narrow(0, off, n).view(p.sizes()));
      off += n;
    }
  }
  float* w = flat_w.data_ptr<float>();
  float* g = flat_g.data_ptr<float>();
  std::vector<float> adam_m(static_cast<std::size_t>(n_weights), 0.0f), adam_v(static_cast<std::size_t>(n_weights), 0.0f);
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;  // torch.optim.Adam's defaults
  // My share of each global batch, and as many steps on every rank.
  const std::int64_t local_batch = n_local > 0 ? options.batch / ranks + (me < options.batch % ranks ? 1 : 0) : 0;
  const std::int64_t steps = std::max<std::int64_t>(1, (report.rows + options.batch - 1) / options.batch);
  std::vector<std::int64_t> order(static_cast<std::size_t>(n_local));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(me));
  std::vector<std::int64_t> idx(static_cast<std::size_t>(local_batch));
  const torch::Tensor idx_t = torch::from_blob(idx.data(), {local_batch}, torch::kInt64);

  // Forward and backward by hand into buffers allocated once: a layer is an addmm and a tanh
  // forward, two mm and a row sum backward. Through autograd, the fixed cost of its graph (a
  // few µs per node, some thirty nodes) was a third of a step at batch 256 and most of a
  // data-parallel rank's smaller step. Checked against a reference in tests/ml.
  const std::size_t layers = params.size() / 2;
  std::vector<torch::Tensor> act(layers + 1), delta(layers);  // act[0] is the batch
  act[0] = torch::empty({local_batch, inputs}, torch::kFloat32);
  for (std::size_t l = 0; l < layers; ++l) {
    act[l + 1] = torch::empty({local_batch, params[2 * l].size(0)}, torch::kFloat32);
    delta[l] = torch::empty({local_batch, params[2 * l].size(0)}, torch::kFloat32);
  }
  std::int64_t t = 0;  // Adam's step count

  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double epoch_loss = 0, epoch_rows = 0;
    for (std::int64_t step = 0; step < steps; ++step) {
      flat_g.zero_();
      if (local_batch > 0) {
        for (std::int64_t i = 0; i < local_batch; ++i) idx[static_cast<std::size_t>(i)] = order[static_cast<std::size_t>((step * local_batch + i) % n_local)];
        at::index_select_out(act[0], x, 0, idx_t);
        for (std::size_t l = 0; l < layers; ++l) {
          at::addmm_out(act[l + 1], params[2 * l + 1], act[l], params[2 * l].t());
          if (l + 1 < layers) act[l + 1].tanh_();
        }
        // d(sum of squared errors)/d(output) = 2 (output - input); the loss on the way.
        float* d = delta[layers - 1].data_ptr<float>();
        const float* out = act[layers].data_ptr<float>();
        const float* in = act[0].data_ptr<float>();
        const std::int64_t count = local_batch * inputs;
        for (std::int64_t i = 0; i < count; ++i) d[i] = 2 * (out[i] - in[i]);
        float lane[8] = {};  // eight partial sums: a reduction the compiler may vectorise
        std::int64_t i = 0;
        for (; i + 8 <= count; i += 8)
          for (int k = 0; k < 8; ++k) lane[k] += d[i + k] * d[i + k];
        double loss = 0;
        for (; i < count; ++i) loss += static_cast<double>(d[i]) * d[i];
        for (float l : lane) loss += l;
        loss /= 4;  // d is twice the error
        for (std::size_t l = layers; l-- > 0;) {
          at::mm_out(grads[2 * l], delta[l].t(), act[l]);
          at::sum_out(grads[2 * l + 1], delta[l], {0});
          if (l == 0) break;
          at::mm_out(delta[l - 1], delta[l], params[2 * l]);
          float* dp_ = delta[l - 1].data_ptr<float>();
          const float* h = act[l].data_ptr<float>();  // tanh output: tanh' = 1 - h^2
          for (std::int64_t i = 0, n = delta[l - 1].numel(); i < n; ++i) dp_[i] *= 1 - h[i] * h[i];
        }
        g[n_weights] = static_cast<float>(local_batch);
        g[n_weights + 1] = static_cast<float>(loss);
      }
      if (reduce.sum) reduce.sum(std::span<float>(g, static_cast<std::size_t>(n_weights + 2)));
      const double global_rows = g[n_weights], global_loss = g[n_weights + 1];
      // Adam on the gradient of the mean over the global batch, as torch.optim.Adam computes it.
      ++t;
      const float scale = static_cast<float>(1.0 / (global_rows * inputs));
      const float b1 = static_cast<float>(kBeta1), b2 = static_cast<float>(kBeta2);
      const double bc1 = 1 - std::pow(kBeta1, static_cast<double>(t)), bc2 = 1 - std::pow(kBeta2, static_cast<double>(t));
      const float step_size = static_cast<float>(options.learning_rate / bc1), root_bc2 = static_cast<float>(std::sqrt(bc2));
      const float eps = static_cast<float>(kEps);
      float* m = adam_m.data();
      float* v = adam_v.data();
      for (std::int64_t i = 0; i < n_weights; ++i) {
        const float gi = g[i] * scale;
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= step_size * m[i] / (std::sqrt(v[i]) / root_bc2 + eps);
      }
      epoch_loss += global_loss;
      epoch_rows += global_rows;
      ++report.steps;
    }
    report.final_loss = epoch_loss / std::max(1.0, epoch_rows * inputs);
  }
  // Back to weights of their own, so that a saved model holds only its own numbers.
  for (auto& p : params) p.set_data(p.detach().clone());
  net->eval();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

void TorchNet::errors(std::span<const float> rows, std::span<float> out) const {
  torch::NoGradGuard no_grad;
  net_->eval();
  const int inputs = inputs_;
  const auto n = static_cast<std::int64_t>(rows.size()) / inputs;
  constexpr std::int64_t kChunk = 16384;
  for (std::int64_t b = 0; b < n; b += kChunk) {
    const std::int64_t m = std::min(kChunk, n - b);
    const torch::Tensor x = torch::from_blob(const_cast<float*>(rows.data()) + b * inputs, {m, inputs}, torch::kFloat32);
    const torch::Tensor e = (net_->forward(x) - x).pow(2).contiguous();
    std::memcpy(out.data() + b * inputs, e.data_ptr<float>(), static_cast<std::size_t>(m * inputs) * sizeof(float));
  }
}

std::vector<float> TorchNet::flat_weights() const {
  std::vector<float> out;
  for (const auto& p : net_->parameters()) {
    const torch::Tensor c = p.detach().contiguous();
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

void TorchNet::save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
                    const std::map<std::string, std::string>& texts) const {
  torch::serialize::OutputArchive ar;
  net_->save(ar);
  ar.write("telemine.inputs", torch::tensor(static_cast<std::int64_t>(inputs_)));
  ar.write("telemine.hidden", torch::tensor(std::vector<std::int64_t>(hidden_.begin(), hidden_.end())));
  detail::write_extras(ar, numbers, texts);
  detail::save_atomically(ar, file);
}

std::unique_ptr<detail::Net> load_net(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                                      std::map<std::string, std::string>& texts) {
  try {
    torch::serialize::InputArchive ar;
    ar.load_from(file.string());
    const int inputs = static_cast<int>(detail::read_tensor(ar, "telemine.inputs").item<std::int64_t>());
    const torch::Tensor sizes = detail::read_tensor(ar, "telemine.hidden");
    std::vector<int> hidden;
    for (std::int64_t i = 0; i < sizes.numel(); ++i) hidden.push_back(static_cast<int>(sizes[i].item<std::int64_t>()));
    auto net = std::make_unique<TorchNet>(inputs, std::move(hidden));
    net->net()->load(ar);
    net->net()->eval();
    detail::read_extras(ar, numbers, texts);
    return net;
  } catch (const c10::Error& e) {
    throw IoError(file.string() + ": not a telemine model (" + e.what_without_backtrace() + ")");
  }
}

void set_torch_threads(int threads) {
  threads = std::max(1, threads);
  torch::set_num_threads(threads);
  // Debian's LibTorch does its matrix products in the system BLAS. OpenBLAS (pthread build)
  // keeps a pool of one busy-waiting thread per core whatever Torch is told, so that a
  // "one-thread" rank used 1.7 cores and two ranks starved each other. Looked up at run time:
  // the BLAS behind libblas.so.3 is the machine's choice (update-alternatives).
  using SetThreads = void (*)(int);
  if (auto* f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(threads);
}

std::unique_ptr<detail::Net> create_net(int inputs, const std::vector<int>& hidden, std::uint64_t seed) {
  torch::manual_seed(seed);  // the initial weights: the same on every rank
  return std::make_unique<TorchNet>(inputs, hidden);
}


}  // namespace

namespace detail {

namespace {
std::string join(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += k + "\n";
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}
}  // namespace

void write_extras(torch::serialize::OutputArchive& ar, const std::map<std::string, std::vector<double>>& numbers,
                  const std::map<std::string, std::string>& texts) {
  std::vector<std::string> number_keys, text_keys;
  for (const auto& [k, v] : numbers) {
    ar.write("n." + k, torch::tensor(v, torch::kFloat64));
    number_keys.push_back(k);
  }
  for (const auto& [k, v] : texts) {
    ar.write("t." + k, c10::IValue(v));
    text_keys.push_back(k);
  }
  ar.write("telemine.numbers", c10::IValue(join(number_keys)));
  ar.write("telemine.texts", c10::IValue(join(text_keys)));
}

void read_extras(torch::serialize::InputArchive& ar, std::map<std::string, std::vector<double>>& numbers,
                 std::map<std::string, std::string>& texts) {
  c10::IValue v;
  ar.read("telemine.numbers", v);
  for (const auto& k : split_lines(v.toStringRef())) {
    const torch::Tensor c = read_tensor(ar, "n." + k).to(torch::kFloat64).contiguous();
    numbers[k].assign(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  }
  ar.read("telemine.texts", v);
  for (const auto& k : split_lines(v.toStringRef())) {
    c10::IValue s;
    ar.read("t." + k, s);
    texts[k] = s.toStringRef();
  }
}

torch::Tensor read_tensor(torch::serialize::InputArchive& ar, const std::string& key) {
  torch::Tensor t;
  ar.read(key, t);
  return t;
}

void save_atomically(torch::serialize::OutputArchive& ar, const std::filesystem::path& file) {
  const std::filesystem::path tmp = file.string() + ".partial";
  try {
    ar.save_to(tmp.string());
  } catch (const c10::Error& e) {
    std::filesystem::remove(tmp);
    throw IoError(file.string() + ": cannot save the model: " + e.what_without_backtrace());
  }
  std::filesystem::rename(tmp, file);
}

}  // namespace detail

namespace {

class TorchBackend final : public detail::Backend {
 public:
  std::unique_ptr<detail::Net> create(int inputs, const std::vector<int>& hidden, std::uint64_t seed) override {
    return create_net(inputs, hidden, seed);
  }
  std::unique_ptr<detail::Net> load(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                                    std::map<std::string, std::string>& texts) override {
    return load_net(file, numbers, texts);
  }
  void set_threads(int threads) override { set_torch_threads(threads); }
  std::unique_ptr<detail::ForecastNet> create_forecaster(const ForecastShape& shape, std::uint64_t seed) override {
    return detail::create_lstm(shape, seed);
  }
  std::unique_ptr<detail::ForecastNet> load_forecaster(const std::filesystem::path& file,
                                                       std::map<std::string, std::vector<double>>& numbers,
                                                       std::map<std::string, std::string>& texts) override {
    try {
      torch::serialize::InputArchive ar;
      ar.load_from(file.string());
      auto net = detail::load_lstm(ar);
      detail::read_extras(ar, numbers, texts);
      return net;
    } catch (const c10::Error& e) {
      throw IoError(file.string() + ": not a telemine forecaster (" + e.what_without_backtrace() + ")");
    }
  }
  // Texts only: which kind of model a file holds, and what it was trained with.
  std::map<std::string, std::string> saved_texts(const std::filesystem::path& file) override {
    std::map<std::string, std::vector<double>> numbers;
    std::map<std::string, std::string> texts;
    try {
      torch::serialize::InputArchive ar;
      ar.load_from(file.string());
      detail::read_extras(ar, numbers, texts);
    } catch (const c10::Error& e) {
      throw IoError(file.string() + ": not a telemine model (" + e.what_without_backtrace() + ")");
    }
    return texts;
  }
};

}  // namespace
}  // namespace telemine::ml

extern
 "C" __attribute__((visibility("default"))) telemine::ml::detail::Backend* telemine_ml_backend() {
  static telemine::ml::TorchBackend backend;
  return &backend;
}
