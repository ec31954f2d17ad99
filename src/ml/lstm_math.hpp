#pragma once
/// \file The forecaster's LSTM stack, forward and backward by hand over plain floats (Eigen),
/// with no Torch inside. Through autograd, a step of each layer is some ten graph nodes forward
/// and as many backward, each a few microseconds of fixed cost on matrices of 8 x 80: most of a
/// training step. Here a step is one small matrix product and one pass over the gates each way,
/// and the products that do not depend on the step (inputs in, weight gradients) are one large
/// product per layer. Checked against autograd in tests/ml/lstm_math_test.cpp.
///
/// Layouts are PyTorch's (torch.nn.LSTM, torch.nn.Linear), row-major: w_ih [4H x in],
/// w_hh [4H x H], gates in the order i, f, g, o. Sequences are time-major: [steps][batch][width].

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace telemine::ml::lstm {

struct Layer {
  int in = 0, hidden = 0;
  const float *w_ih = nullptr, *w_hh = nullptr, *b_ih = nullptr, *b_hh = nullptr;
};

/// Gradients, added to (the caller zeroes them).
struct LayerGrad {
  float *w_ih = nullptr, *w_hh = nullptr, *b_ih = nullptr, *b_hh = nullptr;
};

struct Weights {
  std::vector<Layer> layers;
  int out = 0;                                      ///< forecasts a step
  const float *head_w = nullptr, *head_b = nullptr; ///< [out x H], [out]
};

struct Grads {
  std::vector<LayerGrad> layers;
  float *head_w = nullptr, *head_b = nullptr;
};

/// What the backward pass needs of a forward one.
struct Tape {
  struct LayerTape {
    std::vector<float> x;      ///< the layer's input [steps * batch * in]
    std::vector<float> gates;  ///< activated i, f, g, o [steps * batch * 4H]
    std::vector<float> c, tc;  ///< cell state and its tanh [steps * batch * H]
    std::vector<float> h;      ///< output [steps * batch * H]
    std::vector<float> mask;   ///< dropout after the layer (empty: none)
  };
  std::vector<LayerTape> layers;
  std::vector<float> top;  ///< the last layer's output from step `from` on, after dropout
};

/// x [steps][batch][in] -> out [steps - from][batch][out]: the stack, then the linear head on
/// the steps from `from` on. With `rng`, dropout `p` after each layer (training); without, none.
void forward(const Weights& w, int steps, int batch, int from, std::span<const float> x, double p, std::mt19937_64* rng,
             Tape& tape, std::vector<float>& out);

/// Adds to `g` the gradients of a loss whose gradient with respect to `out` is `d_out`.
void backward(const Weights& w, int steps, int batch, int from, Tape& tape, std::span<const float> d_out, Grads& g);

}  // namespace telemine::ml::lstm
