#include "ml/lstm_math.hpp"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace telemine::ml::lstm {
namespace {

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Map = Eigen::Map<Mat>;
using CMap = Eigen::Map<const Mat>;
using CRow = Eigen::Map<const Eigen::RowVectorXf>;
using Row = Eigen::Map<Eigen::RowVectorXf>;
using Index = Eigen::Index;

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

// Step s of a layer, after its gate pre-activations are in: the gates, cell and output.
void cell_step(int hidden, int batch, int s, Tape::LayerTape& t) {
  const int h4 = 4 * hidden;
  const std::size_t bh = static_cast<std::size_t>(batch) * hidden;
  float* gates = t.gates.data() + static_cast<std::size_t>(s) * batch * h4;
  const float* c_prev = s > 0 ? t.c.data() + (s - 1) * bh : nullptr;
  float* c = t.c.data() + s * bh;
  float* tc = t.tc.data() + s * bh;
  float* h = t.h.data() + s * bh;
  for (int b = 0; b < batch; ++b) {
    float* row = gates + static_cast<std::size_t>(b) * h4;
    for (int k = 0; k < hidden; ++k) {
      const float i = sigmoid(row[k]), f = sigmoid(row[hidden + k]), g = std::tanh(row[2 * hidden + k]),
                  o = sigmoid(row[3 * hidden + k]);
      row[k] = i, row[hidden + k] = f, row[2 * hidden + k] = g, row[3 * hidden + k] = o;
      const std::size_t at = static_cast<std::size_t>(b) * hidden + k;
      c[at] = i * g + (c_prev ? f * c_prev[at] : 0.0f);
      tc[at] = std::tanh(c[at]);
      h[at] = o * tc[at];
    }
  }
}

void layer_forward(const Layer& l, int steps, int batch, Tape::LayerTape& t) {
  const int hidden = l.hidden, h4 = 4 * hidden;
  const Index rows = static_cast<Index>(steps) * batch;
  t.gates.resize(static_cast<std::size_t>(rows * h4));
  for (auto* v : {&t.c, &t.tc, &t.h}) v->resize(static_cast<std::size_t>(rows * hidden));
  // The inputs' part of every step's gates in one product.
  Map gates(t.gates.data(), rows, h4);
  gates.noalias() = CMap(t.x.data(), rows, l.in) * CMap(l.w_ih, h4, l.in).transpose();
  const Eigen::RowVectorXf bias = CRow(l.b_ih, h4) + CRow(l.b_hh, h4);
  gates.rowwise() += bias;
  const CMap w_hh(l.w_hh, h4, hidden);
  for (int s = 0; s < steps; ++s) {
    if (s > 0) {
      Map g(t.gates.data() + static_cast<std::size_t>(s) * batch * h4, batch, h4);
      g.noalias() += CMap(t.h.data() + static_cast<std::size_t>(s - 1) * batch * hidden, batch, hidden) * w_hh.transpose();
    }
    cell_step(hidden, batch, s, t);
  }
}

// Inverted dropout: kept values scaled by 1 / (1 - p), as torch.nn.functional.dropout.
void draw_mask(std::size_t n, double p, std::mt19937_64& rng, std::vector<float>& mask) {
  mask.resize(n);
  const float keep = static_cast<float>(1.0 / (1.0 - p));
  for (auto& m : mask) m = static_cast<double>(rng() >> 11) * 0x1.0p-53 >= p ? keep : 0.0f;
}

// `from` times the mask (if any), from element `offset` of both.
void masked_copy(const std::vector<float>& from, const std::vector<float>& mask, std::size_t offset, std::vector<float>& to) {
  to.assign(from.begin() + static_cast<std::ptrdiff_t>(offset), from.end());
  if (mask.empty()) return;
  for (std::size_t i = 0; i < to.size(); ++i) to[i] *= mask[offset + i];
}

// One layer backward: `dh` is the loss's gradient with respect to the layer's outputs; adds
// the weights' gradients to `g` and, if `dx` is given, writes the one of its inputs.
void layer_backward(const Layer& l, int steps, int batch, const Tape::LayerTape& t, const std::vector<float>& dh, LayerGrad& g,
                    std::vector<float>* dx) {
  const int hidden = l.hidden, h4 = 4 * hidden;
  const Index rows = static_cast<Index>(steps) * batch;
  const std::size_t bh = static_cast<std::size_t>(batch) * hidden;
  std::vector<float> d_gates(static_cast<std::size_t>(rows * h4)), dh_next(bh, 0.0f), dc_next(bh, 0.0f);
  const CMap w_hh(l.w_hh, h4, hidden);
  for (int s = steps - 1; s >= 0; --s) {
    const float* gates = t.gates.data() + static_cast<std::size_t>(s) * batch * h4;
    float* dg = d_gates.data() + static_cast<std::size_t>(s) * batch * h4;
    const float* c_prev = s > 0 ? t.c.data() + (s - 1) * bh : nullptr;
    for (int b = 0; b < batch; ++b)
      for (int k = 0; k < hidden; ++k) {
        const std::size_t at = static_cast<std::size_t>(b) * hidden + k, row = static_cast<std::size_t>(b) * h4;
        const float i = gates[row + k], f = gates[row + hidden + k], gg = gates[row + 2 * hidden + k], o = gates[row + 3 * hidden + k];
        const float tc = t.tc[s * bh + at], d_h = dh[s * bh + at] + dh_next[at];
        const float dc = d_h * o * (1 - tc * tc) + dc_next[at];
        dc_next[at] = dc * f;
        dg[row + k] = dc * gg * i * (1 - i);
        dg[row + hidden + k] = (c_prev ? dc * c_prev[at] : 0.0f) * f * (1 - f);
        dg[row + 2 * hidden + k] = dc * i * (1 - gg * gg);
        dg[row + 3 * hidden + k] = d_h * tc * o * (1 - o);
      }
    if (s > 0) Map(dh_next.data(), batch, hidden).noalias() = CMap(dg, batch, h4) * w_hh;
  }
  const CMap d_all(d_gates.data(), rows, h4);
  if (steps > 1) {
    const Index later = static_cast<Index>(steps - 1) * batch;
    Map(g.w_hh, h4, hidden).noalias() += CMap(d_gates.data() + static_cast<std::size_t>(batch) * h4, later, h4).transpose() *
                                         CMap(t.h.data(), later, hidden);
  }
  Map(g.w_ih, h4, l.in).noalias() += d_all.transpose() * CMap(t.x.data(), rows, l.in);
  const Eigen::RowVectorXf db = d_all.colwise().sum();
  Row(g.b_ih, h4) += db;
  Row(g.b_hh, h4) += db;
  if (dx) {
    dx->resize(static_cast<std::size_t>(rows * l.in));
    Map(dx->data(), rows, l.in).noalias() = d_all * CMap(l.w_ih, h4, l.in);
  }
}

}  // namespace

void forward(const Weights& w, int steps, int batch, int from, std::span<const float> x, double p, std::mt19937_64* rng,
             Tape& tape, std::vector<float>& out) {
  const std::size_t n = w.layers.size();
  tape.layers.resize(n);
  tape.layers[0].x.assign(x.begin(), x.end());
  for (std::size_t l = 0; l < n; ++l) {
    Tape::LayerTape& t = tape.layers[l];
    layer_forward(w.layers[l], steps, batch, t);
    if (rng && p > 0) draw_mask(t.h.size(), p, *rng, t.mask);
    else t.mask.clear();
    if (l + 1 < n) masked_copy(t.h, t.mask, 0, tape.layers[l + 1].x);
    else masked_copy(t.h, t.mask, static_cast<std::size_t>(from) * batch * w.layers[l].hidden, tape.top);
  }
  const int hidden = w.layers.back().hidden;
  const Index rows = static_cast<Index>(steps - from) * batch;
  out.resize(static_cast<std::size_t>(rows * w.out));
  Map o(out.data(), rows, w.out);
  o.noalias() = CMap(tape.top.data(), rows, hidden) * CMap(w.head_w, w.out, hidden).transpose();
  o.rowwise() += CRow(w.head_b, w.out);
}

void backward(const Weights& w, int steps, int batch, int from, Tape& tape, std::span<const float> d_out, Grads& g) {
  const std::size_t n = w.layers.size();
  const int hidden = w.layers.back().hidden;
  const Index rows = static_cast<Index>(steps - from) * batch;
  const CMap dy(d_out.data(), rows, w.out);
  Map(g.head_w, w.out, hidden).noalias() += dy.transpose() * CMap(tape.top.data(), rows, hidden);
  Row(g.head_b, w.out) += dy.colwise().sum();
  // The gradient on the last layer's outputs: zero before `from`, through its dropout after.
  std::vector<float> dh(static_cast<std::size_t>(steps) * batch * hidden, 0.0f);
  const std::size_t offset = static_cast<std::size_t>(from) * batch * hidden;
  Map(dh.data() + offset, rows, hidden).noalias() = dy * CMap(w.head_w, w.out, hidden);
  const auto& top_mask = tape.layers.back().mask;
  if (!top_mask.empty())
    for (std::size_t i = offset; i < dh.size(); ++i) dh[i] *= top_mask[i];
  std::vector<float> dx;
  for (std::size_t l = n; l-- > 0;) {
    layer_backward(w.layers[l], steps, batch, tape.layers[l], dh, g.layers[l], l > 0 ? &dx : nullptr);
    if (l == 0) break;
    // Through the dropout after the layer below.
    const auto& mask = tape.layers[l - 1].mask;
    if (!mask.empty())
      for (std::size_t i = 0; i < dx.size(); ++i) dx[i] *= mask[i];
    dh.swap(dx);
  }
}

}  // namespace telemine::ml::lstm
