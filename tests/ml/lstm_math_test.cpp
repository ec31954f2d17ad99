// The hand-written LSTM (ml/lstm_math) against autograd: the same stack written with Torch's
// own operations, and torch::nn::LSTM for the weight layout, on a tiny case with dropout.
#include "ml/lstm_math.hpp"

#include <torch/torch.h>

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace telemine::ml;

namespace {

struct RefLayer {
  torch::Tensor w_ih, w_hh, b_ih, b_hh;
};

std::vector<float> floats(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

void expect_near(const std::vector<float>& ours, const torch::Tensor& ref, const char* what) {
  const std::vector<float> r = floats(ref);
  ASSERT_EQ(ours.size(), r.size()) << what;
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_NEAR(ours[i], r[i], 1e-4 * (1 + std::abs(r[i]))) << what << " [" << i << "]";
}

// The reference: gate equations step by step with autograd, dropout from the given masks.
torch::Tensor reference(const std::vector<RefLayer>& ls, const torch::Tensor& x, int from, const lstm::Tape& tape,
                        const torch::Tensor& head_w, const torch::Tensor& head_b) {
  torch::Tensor y = x;
  for (std::size_t l = 0; l < ls.size(); ++l) {
    const auto batch = x.size(1), hidden = ls[l].w_hh.size(1);
    torch::Tensor h = torch::zeros({batch, hidden}), c = torch::zeros({batch, hidden});
    std::vector<torch::Tensor> outs;
    for (int64_t t = 0; t < x.size(0); ++t) {
      const auto gates = (y[t].matmul(ls[l].w_ih.t()) + ls[l].b_ih + h.matmul(ls[l].w_hh.t()) + ls[l].b_hh).chunk(4, 1);
      c = torch::sigmoid(gates[1]) * c + torch::sigmoid(gates[0]) * torch::tanh(gates[2]);
      h = torch::sigmoid(gates[3]) * torch::tanh(c);
      outs.push_back(h);
    }
    y = torch::stack(outs);
    std::vector<float> mask = tape.layers[l].mask;
    y = y * torch::from_blob(mask.data(), y.sizes(), torch::kFloat32).clone();
  }
  return y.narrow(0, from, x.size(0) - from).matmul(head_w.t()) + head_b;
}

}  // namespace

TEST(LstmMath, ForwardAndGradientsMatchAutograd) {
  torch::manual_seed(3);
  const int in = 3, steps = 7, batch = 2, from = 4, out = 2;
  const std::vector<int> hidden = {4, 5};
  auto opt = torch::TensorOptions().requires_grad(true);
  std::vector<RefLayer> ls;
  int prev = in;
  for (int h : hidden) {
    ls.push_back({torch::randn({4 * h, prev}, opt), torch::randn({4 * h, h}, opt), torch::randn({4 * h}, opt), torch::randn({4 * h}, opt)});
    prev = h;
  }
  const torch::Tensor head_w = torch::randn({out, prev}, opt), head_b = torch::randn({out}, opt);
  const torch::Tensor x = torch::randn({steps, batch, in});

  // Ours, with dropout 0.5.
  std::vector<std::vector<float>> w_store;
  auto keep = [&](const torch::Tensor& t) { return w_store.emplace_back(floats(t)).data(); };
  lstm::Weights w;
  for (std::size_t l = 0; l < ls.size(); ++l)
    w.layers.push_back({l == 0 ? in : hidden[l - 1], hidden[l], keep(ls[l].w_ih), keep(ls[l].w_hh), keep(ls[l].b_ih), keep(ls[l].b_hh)});
  w.out = out, w.head_w = keep(head_w), w.head_b = keep(head_b);
  std::mt19937_64 rng(5);
  lstm::Tape tape;
  std::vector<float> y;
  const std::vector<float> xs = floats(x);
  lstm::forward(w, steps, batch, from, xs, 0.5, &rng, tape, y);
  for (float m : tape.layers[0].mask) EXPECT_TRUE(m == 0.0f || m == 2.0f);

  const torch::Tensor ref = reference(ls, x, from, tape, head_w, head_b);
  expect_near(y, ref, "forecasts");

  // The gradients of sum(out * d_out) for a random d_out.
  const torch::Tensor d_out = torch::randn_like(ref);
  (ref * d_out).sum().backward();
  std::vector<std::vector<float>> g_store;
  auto zero = [&](const torch::Tensor& t) { return g_store.emplace_back(static_cast<std::size_t>(t.numel()), 0.0f).data(); };
  lstm::Grads g;
  for (const auto& l : ls) g.layers.push_back({zero(l.w_ih), zero(l.w_hh), zero(l.b_ih), zero(l.b_hh)});
  g.head_w = zero(head_w), g.head_b = zero(head_b);
  lstm::backward(w, steps, batch, from, tape, floats(d_out), g);
  std::size_t k = 0;
  for (const auto& l : ls)
    for (const auto* t : {&l.w_ih, &l.w_hh, &l.b_ih, &l.b_hh}) expect_near(g_store[k++], t->grad(), "layer gradient");
  expect_near(g_store[k++], head_w.grad(), "head weight gradient");
  expect_near(g_store[k++], head_b.grad(), "head bias gradient");
}

// torch::nn::LSTM's weights, in its own layout, give its own outputs through lstm_math.
TEST(LstmMath, LayoutIsTorchNnLstms) {
  torch::manual_seed(4);
  torch::nn::LSTM net(torch::nn::LSTMOptions(3, 6));
  const torch::Tensor x = torch::randn({9, 2, 3});
  const torch::Tensor ref = std::get<0>(net->forward(x)).detach();
  auto named = net->named_parameters();
  std::vector<std::vector<float>> store;
  for (const char* n : {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}) store.push_back(floats(named[n]));
  // An identity head reads the outputs back.
  std::vector<float> eye(36, 0.0f), zero(6, 0.0f);
  for (int i = 0; i < 6; ++i) eye[static_cast<std::size_t>(i * 7)] = 1;
  lstm::Weights w;
  w.layers.push_back({3, 6, store[0].data(), store[1].data(), store[2].data(), store[3].data()});
  w.out = 6, w.head_w = eye.data(), w.head_b = zero.data();
  lstm::Tape tape;
  std::vector<float> y;
  lstm::forward(w, 9, 2, 0, floats(x), 0, nullptr, tape, y);
  expect_near(y, ref, "nn::LSTM outputs");
}
