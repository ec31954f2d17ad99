// The LSTM forecaster of the Torch module (see ml/forecaster.hpp for what it computes).
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

#include "core/error.hpp"
#include "ml/lstm_math.hpp"
#include "ml/net.hpp"
#include "ml/torch_archive.hpp"

namespace telemine::ml::detail {
namespace {

// Hundman et al.'s network: LSTM, dropout, LSTM, dropout, a linear layer to the forecasts. The
// modules hold the weights (and save and load them); lstm_math computes with them.
struct StackImpl : torch::nn::Module {
  explicit StackImpl(const ForecastShape& s) {
    int in = s.inputs;
    for (std::size_t l = 0; l < s.hidden.size(); ++l) {
      layers.push_back(register_module("lstm" + std::to_string(l),
                                       torch::nn::LSTM(torch::nn::LSTMOptions(in, s.hidden[l]).batch_first(true))));
      in = s.hidden[l];
    }
    head = register_module("head", torch::nn::Linear(in, s.horizon * static_cast<int>(s.targets.size())));
  }
  std::vector<torch::nn::LSTM> layers;
  torch::nn::Linear head{nullptr};
};
TORCH_MODULE(Stack);

// The four tensors of layer l in PyTorch's names (weight_ih_l0, ...), from `pick` (the
// parameters or their gradients).
template <class Pick>
std::array<float*, 4> layer_tensors(StackImpl& net, std::size_t l, Pick pick) {
  auto named = net.layers[l]->named_parameters();
  std::array<float*, 4> out{};
  const char* names[] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
  for (int i = 0; i < 4; ++i) out[i] = pick(named[names[i]]).template data_ptr<float>();
  return out;
}

lstm::Weights weights_of(StackImpl& net, const ForecastShape& s) {
  lstm::Weights w;
  int in = s.inputs;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto t = layer_tensors(net, l, [](torch::Tensor& p) { return p; });
    w.layers.push_back({in, s.hidden[l], t[0], t[1], t[2], t[3]});
    in = s.hidden[l];
  }
  w.out = s.horizon * static_cast<int>(s.targets.size());
  w.head_w = net.head->weight.data_ptr<float>();
  w.head_b = net.head->bias.data_ptr<float>();
  return w;
}

// Gradient tensors of their own for every parameter, for Adam to read; their floats for lstm_math.
lstm::Grads grads_of(StackImpl& net) {
  for (auto& p : net.parameters()) p.mutable_grad() = torch::zeros_like(p);
  lstm::Grads g;
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const auto t = layer_tensors(net, l, [](torch::Tensor& p) { return p.mutable_grad(); });
    g.layers.push_back({t[0], t[1], t[2], t[3]});
  }
  g.head_w = net.head->weight.mutable_grad().data_ptr<float>();
  g.head_b = net.head->bias.mutable_grad().data_ptr<float>();
  return g;
}

// A chunk: the forecasts of rows [first, first + count) of the series, read from rows
// [first - history, first + count - 1).
struct Chunk {
  std::int64_t first = 0, count = 0;
};

// Every row of every run with `history` rows of its run before it and `ahead` rows from it
// inside the run, `chunk` rows a chunk.
std::vector<Chunk> plan_chunks(std::span<const std::int64_t> runs, int history, int chunk, int ahead) {
  std::vector<Chunk> out;
  std::int64_t offset = 0;
  for (const std::int64_t len : runs) {
    for (std::int64_t t = history; t + ahead <= len; t += chunk) out.push_back({offset + t, std::min<std::int64_t>(chunk, len - ahead - t + 1)});
    offset += len;
  }
  return out;
}

class LstmNet final : public ForecastNet {
 public:
  LstmNet(ForecastShape shape) : shape_(std::move(shape)), net_(shape_) {}
  const ForecastShape& shape() const noexcept override { return shape_; }
  TrainReport train(std::span<const float> series, std::span<const std::int64_t> runs, const ForecastOptions& o) override;
  void errors(std::span<const float> series, std::span<const std::int64_t> runs, std::span<float> out) const override;
  std::vector<float> flat_weights() const override;
  void save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
            const std::map<std::string, std::string>& texts) const override;
  Stack& net() { return net_; }

 private:
  // Chunks `pick` of `chunks`, time-major: x [steps][chunk][inputs] (zero past a chunk's last
  // row), and with targets y [forecast][chunk][horizon x targets] and which forecasts are real.
  struct Batch {
    int size = 0;
    std::vector<float> x, y, mask;
  };
  void fill(std::span<const float> series, const std::vector<Chunk>& chunks, std::span<const std::size_t> pick, bool targets,
            Batch& b) const;
  // Mean squared error over the real forecasts, and its gradient in `d_out` if given.
  double loss(const Batch& b, const std::vector<float>& out, std::vector<float>* d_out) const;
  double validation_loss(std::span<const float> series, const std::vector<Chunk>& chunks, std::span<const std::size_t> val,
                         int batch_size);
  int steps() const { return shape_.history + shape_.chunk - 1; }
  int width() const { return shape_.horizon * static_cast<int>(shape_.targets.size()); }

  ForecastShape shape_;
  mutable Stack net_;
};

void LstmNet::fill(std::span<const float> series, const std::vector<Chunk>& chunks, std::span<const std::size_t> pick,
                   bool targets, Batch& b) const {
  const std::size_t n = pick.size(), c = static_cast<std::size_t>(shape_.inputs), p = static_cast<std::size_t>(shape_.chunk);
  const std::size_t ahead = static_cast<std::size_t>(shape_.horizon), nt = shape_.targets.size(), w = ahead * nt;
  b.size = static_cast<int>(n);
  b.x.assign(static_cast<std::size_t>(steps()) * n * c, 0.0f);
  if (targets) b.y.assign(p * n * w, 0.0f), b.mask.assign(p * n, 0.0f);
  for (std::size_t i = 0; i < n; ++i) {
    const Chunk& ch = chunks[pick[i]];
    const std::size_t first_row = static_cast<std::size_t>(ch.first - shape_.history);
    for (std::size_t r = 0; r < static_cast<std::size_t>(shape_.history + ch.count - 1); ++r)
      std::copy_n(series.data() + (first_row + r) * c, c, b.x.data() + (r * n + i) * c);
    if (!targets) continue;
    for (std::size_t j = 0; j < static_cast<std::size_t>(ch.count); ++j) {
      b.mask[j * n + i] = 1;
      for (std::size_t k = 0; k < ahead; ++k)
        for (std::size_t q = 0; q < nt; ++q)
          b.y[(j * n + i) * w + k * nt + q] = series[(static_cast<std::size_t>(ch.first) + j + k) * c + static_cast<std::size_t>(shape_.targets[q])];
    }
  }
}

double LstmNet::loss(const Batch& b, const std::vector<float>& out, std::vector<float>* d_out) const {
  const std::size_t w = static_cast<std::size_t>(width());
  double sum = 0, count = 0;
  for (float m : b.mask) count += m;
  count *= static_cast<double>(w);
  if (d_out) d_out->assign(out.size(), 0.0f);
  const float scale = static_cast<float>(2.0 / std::max(1.0, count));
  for (std::size_t r = 0; r < b.mask.size(); ++r) {
    if (b.mask[r] == 0) continue;
    for (std::size_t k = 0; k < w; ++k) {
      const float d = out[r * w + k] - b.y[r * w + k];
      sum += static_cast<double>(d) * d;
      if (d_out) (*d_out)[r * w + k] = scale * d;
    }
  }
  return sum / std::max(1.0, count);
}

double LstmNet::validation_loss(std::span<const float> series, const std::vector<Chunk>& chunks,
                                std::span<const std::size_t> val, int batch_size) {
  const lstm::Weights w = weights_of(*net_, shape_);
  Batch in;
  lstm::Tape tape;
  std::vector<float> out;
  double sum = 0, count = 0;
  for (std::size_t b = 0; b < val.size(); b += static_cast<std::size_t>(batch_size)) {
    const auto pick = val.subspan(b, std::min<std::size_t>(static_cast<std::size_t>(batch_size), val.size() - b));
    fill(series, chunks, pick, true, in);
    lstm::forward(w, steps(), in.size, shape_.history - 1, in.x, 0, nullptr, tape, out);
    double real = 0;
    for (float m : in.mask) real += m;
    sum += loss(in, out, nullptr) * real;
    count += real;
  }
  return sum / std::max(1.0, count);
}

TrainReport LstmNet::train(std::span<const float> series, std::span<const std::int64_t> runs, const ForecastOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  TrainReport report;
  const std::vector<Chunk> chunks = plan_chunks(runs, shape_.history, shape_.chunk, shape_.horizon);
  for (const auto& ch : chunks) report.rows += ch.count;
  if (chunks.empty()) return report;
  // Keras's validation_split: the last chunks in time, never shuffled into training.
  const std::size_t n_val =
      chunks.size() >= 2 && o.validation > 0
          ? std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(o.validation * static_cast<double>(chunks.size()))), 1,
                                    chunks.size() - 1)
          : 0;
  std::vector<std::size_t> order(chunks.size() - n_val), val(n_val);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::iota(val.begin(), val.end(), order.size());
  std::mt19937_64 rng(o.seed * 0x9E3779B97F4A7C15ULL);  // the shuffles and the dropout masks
  torch::NoGradGuard no_grad;
  const lstm::Weights w = weights_of(*net_, shape_);
  lstm::Grads g = grads_of(*net_);
  auto params = net_->parameters();
  torch::optim::Adam adam(params, torch::optim::AdamOptions(o.learning_rate));
  double best = std::numeric_limits<double>::infinity();
  std::vector<torch::Tensor> best_weights;
  int waited = 0;
  const auto batch_size = static_cast<std::size_t>(std::max(1, o.batch));
  Batch in;
  lstm::Tape tape;
  std::vector<float> out, d_out;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), rng);
    double epoch_sum = 0, epoch_count = 0;
    for (std::size_t b = 0; b < order.size(); b += batch_size) {
      fill(series, chunks, std::span<const std::size_t>(order).subspan(b, std::min(batch_size, order.size() - b)), true, in);
      lstm::forward(w, steps(), in.size, shape_.history - 1, in.x, shape_.dropout, &rng, tape, out);
      const double l = loss(in, out, &d_out);
      for (auto& p : params) p.mutable_grad().zero_();
      lstm::backward(w, steps(), in.size, shape_.history - 1, tape, d_out, g);
      adam.step();
      double real = 0;
      for (float m : in.mask) real += m;
      epoch_sum += l * real;
      epoch_count += real;
      ++report.steps;
    }
    report.final_loss = epoch_sum / std::max(1.0, epoch_count);
    if (n_val == 0) continue;
    // Keras's EarlyStopping (monitor val_loss, patience, min_delta), keeping the best weights.
    const double v = validation_loss(series, chunks, val, o.batch);
    if (v < best - o.min_delta) {
      best = v;
      waited = 0;
      best_weights.clear();
      for (const auto& p : params) best_weights.push_back(p.detach().clone());
    } else if (++waited >= o.patience) {
      break;
    }
  }
  for (std::size_t i = 0; i < best_weights.size(); ++i) params[i].copy_(best_weights[i]);
  for (auto& p : params) p.mutable_grad() = torch::Tensor();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

void LstmNet::errors(std::span<const float> series, std::span<const std::int64_t> runs, std::span<float> out) const {
  std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
  const std::vector<Chunk> chunks = plan_chunks(runs, shape_.history, shape_.chunk, 1);
  const std::size_t c = static_cast<std::size_t>(shape_.inputs), nt = shape_.targets.size(), w = static_cast<std::size_t>(width());
  const lstm::Weights weights = weights_of(*net_, shape_);
  constexpr std::size_t kBatch = 32;
  std::vector<std::size_t> all(chunks.size());
  std::iota(all.begin(), all.end(), std::size_t{0});
  Batch in;
  lstm::Tape tape;
  std::vector<float> f;
  for (std::size_t b = 0; b < chunks.size(); b += kBatch) {
    const auto pick = std::span<const std::size_t>(all).subspan(b, std::min(kBatch, chunks.size() - b));
    fill(series, chunks, pick, false, in);
    lstm::forward(weights, steps(), in.size, shape_.history - 1, in.x, 0, nullptr, tape, f);
    for (std::size_t i = 0; i < pick.size(); ++i) {
      const Chunk& ch = chunks[pick[i]];
      for (std::size_t j = 0; j < static_cast<std::size_t>(ch.count); ++j) {
        const std::size_t row = static_cast<std::size_t>(ch.first) + j;
        for (std::size_t q = 0; q < nt; ++q) {
          // The one-step forecast: horizon step 0 of the forecasts made at this row.
          const float d = f[(j * pick.size() + i) * w + q] - series[row * c + static_cast<std::size_t>(shape_.targets[q])];
          out[row * nt + q] = d * d;
        }
      }
    }
  }
}

std::vector<float> LstmNet::flat_weights() const {
  std::vector<float> out;
  for (const auto& p : net_->parameters()) {
    const torch::Tensor c = p.detach().contiguous();
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

std::vector<std::int64_t> wide(const std::vector<int>& v) { return {v.begin(), v.end()}; }

void LstmNet::save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
                   const std::map<std::string, std::string>& texts) const {
  torch::serialize::OutputArchive ar;
  net_->save(ar);
  const ForecastShape& s = shape_;
  ar.write("telemine.forecast", torch::tensor(std::vector<std::int64_t>{s.inputs, s.history, s.horizon, s.chunk}));
  ar.write("telemine.targets", torch::tensor(wide(s.targets)));
  ar.write("telemine.hidden", torch::tensor(wide(s.hidden)));
  ar.write("telemine.dropout", torch::tensor(std::vector<double>{s.dropout}, torch::kFloat64));
  write_extras(ar, numbers, texts);
  save_atomically(ar, file);
}

std::vector<int> narrow(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kInt64).contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

}  // namespace

std::unique_ptr<ForecastNet> create_lstm(const ForecastShape& shape, std::uint64_t seed) {
  torch::manual_seed(seed);  // the initial weights
  return std::make_unique<LstmNet>(shape);
}

std::unique_ptr<ForecastNet> load_lstm(torch::serialize::InputArchive& ar) {
  ForecastShape s;
  const std::vector<int> f = narrow(read_tensor(ar, "telemine.forecast"));
  if (f.size() != 4) throw IoError("not a telemine forecaster (its shape)");
  s.inputs = f[0], s.history = f[1], s.horizon = f[2], s.chunk = f[3];
  s.targets = narrow(read_tensor(ar, "telemine.targets"));
  s.hidden = narrow(read_tensor(ar, "telemine.hidden"));
  s.dropout = read_tensor(ar, "telemine.dropout").item<double>();
  auto net = std::make_unique<LstmNet>(s);
  net->net()->load(ar);
  net->net()->eval();
  return net;
}

}  // namespace telemine::ml::detail
