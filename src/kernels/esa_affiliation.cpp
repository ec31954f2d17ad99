// The affiliation metrics (Huet et al., KDD 2022) as ESA-ADB ships them
// (timeeval/metrics/affiliation_based_metrics_repo). The reference computes on nanosecond
// timestamps with Python numbers: integers stay exact (their squares too) until a division
// makes them floats. Doing the same sums in doubles would lose up to 1e-7 on squared
// timestamps, so `Num` keeps Python's two types and its mixing rules, and the functions below
// follow the reference's order of operations, so that the probabilities match it to the bit.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "kernels/esa_metrics.hpp"

namespace telemine::kernels::esa {
namespace {

using Int = __int128;

// A Python number: an exact integer (128 bits hold the squares of nanosecond timestamps) or a
// float; `np` marks a NumPy scalar (np.int64, np.float64), which the reference meets when its
// range ends at a detection's or label's end (np.max). NumPy compares an integer with a float
// after converting it to a float, Python compares their exact values: both happen.
struct Num {
  bool is_int = true;
  Int i = 0;
  double f = 0;
  bool np = false;
  static Num integer(Int v, bool np = false) { return {true, v, 0, np}; }
  static Num real(double v, bool np = false) { return {false, 0, v, np}; }
  double as_double() const { return is_int ? static_cast<double>(i) : f; }
  bool is_nan() const { return !is_int && std::isnan(f); }
};

const Num kNan = Num::real(std::numeric_limits<double>::quiet_NaN());

Num arith(Num a, Num b, auto&& op) {
  const bool np = a.np || b.np;
  return a.is_int && b.is_int ? Num::integer(op(a.i, b.i), np) : Num::real(op(a.as_double(), b.as_double()), np);
}
Num operator+(Num a, Num b) { return arith(a, b, [](auto x, auto y) { return x + y; }); }
Num operator-(Num a, Num b) { return arith(a, b, [](auto x, auto y) { return x - y; }); }
Num operator*(Num a, Num b) { return arith(a, b, [](auto x, auto y) { return x * y; }); }
Num sq(Num a) { return a * a; }

// Python's true division: int / int is the correctly rounded quotient (NumPy's converts first).
Num operator/(Num a, Num b) {
  const bool np = a.np || b.np;
  if (!(a.is_int && b.is_int) || np) return Num::real(a.as_double() / b.as_double(), np);
  constexpr Int exact = Int(1) << 53;
  if (a.i > -exact && a.i < exact && b.i > -exact && b.i < exact)
    return Num::real(static_cast<double>(a.i) / static_cast<double>(b.i));
  if (b.i == 2) return Num::real(static_cast<double>(a.i) / 2);  // rounding commutes with halving
  return Num::real(static_cast<double>(static_cast<long double>(a.i) / static_cast<long double>(b.i)));
}

// -1, 0, 1; NaN compares false everywhere (returned as 2). Python compares int and float
// exactly (timestamps fit a long double exactly); NumPy converts the int to a double.
int compare(Num a, Num b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  if (a.is_nan() || b.is_nan()) return 2;
  long double x, y;
  if (a.np || b.np) {
    x = a.as_double();
    y = b.as_double();
  } else {
    x = a.is_int ? static_cast<long double>(a.i) : a.f;
    y = b.is_int ? static_cast<long double>(b.i) : b.f;
  }
  return x < y ? -1 : (x > y ? 1 : 0);
}
bool operator<(Num a, Num b) { return compare(a, b) == -1; }
bool operator>(Num a, Num b) { return compare(a, b) == 1; }
bool operator<=(Num a, Num b) { const int c = compare(a, b); return c == -1 || c == 0; }
bool operator>=(Num a, Num b) { const int c = compare(a, b); return c == 1 || c == 0; }
bool operator==(Num a, Num b) { return compare(a, b) == 0; }
// Python's min/max of two: the first one unless the second is strictly smaller / larger.
Num pmin(Num a, Num b) { return b < a ? b : a; }
Num pmax(Num a, Num b) { return b > a ? b : a; }

const Num kZero = Num::integer(0);
const Num kOne = Num::integer(1);
const Num kTwo = Num::integer(2);
const Num kHalf = Num::real(0.5);  // the reference's (1/2)

struct Pair {
  Num a, b;
};
using Iv = std::optional<Pair>;  // None is the empty interval
Num lo(const Pair& p) { return pmin(p.a, p.b); }   // min(I) of a couple
Num hi(const Pair& p) { return pmax(p.a, p.b); }   // max(I)

Num interval_length(const Iv& j) { return j ? j->b - j->a : kZero; }

Num sum_interval_lengths(const std::vector<Iv>& is) {
  Num s = kZero;
  for (const auto& i : is) s = s + interval_length(i);
  return s;
}

Iv interval_intersection(const Iv& i, const Iv& j) {
  if (!i || !j) return std::nullopt;
  Pair r{pmax(i->a, j->a), pmin(i->b, j->b)};
  if (r.a >= r.b) return std::nullopt;
  return r;
}

struct Three {
  Iv before, middle, after;
};

Three cut_into_three(const Iv& i, const Pair& j) {
  if (!i) return {};
  const Iv m = interval_intersection(i, j);
  const Pair& x = *i;
  if (m && x.a == m->a && x.b == m->b) return {std::nullopt, m, std::nullopt};
  if (x.b <= j.a) return {x, m, std::nullopt};
  if (x.a >= j.b) return {std::nullopt, m, x};
  if (x.a <= j.a && x.b >= j.b) return {Pair{x.a, m->a}, m, Pair{m->b, x.b}};
  if (x.a <= j.a) return {Pair{x.a, m->a}, m, std::nullopt};
  return {std::nullopt, m, Pair{m->b, x.b}};  // x.b >= j.b
}

// The border of J closest to I, I being outside J.
Num pivot(const Pair& i, const Pair& j) { return hi(i) <= lo(j) ? lo(j) : hi(j); }

Num precision_min_piece(const Pair& i, const Pair& j, const Pair& e) {
  const Num e_min = lo(e), j_min = lo(j), j_max = hi(j), e_max = hi(e), i_min = lo(i), i_max = hi(i);
  const Num d_min = pmax(i_min - j_max, j_min - i_max);
  const Num d_max = pmax(i_max - j_max, j_min - i_min);
  const Num m = pmin(j_min - e_min, e_max - j_max);
  const Num a = sq(pmin(d_max, m)) - sq(pmin(d_min, m));
  const Num b = pmax(d_max, m) - pmax(d_min, m);
  return kHalf * a + m * b;
}

// \int_{x in I} Fbar(dist(x, J)) dx for I outside J.
Num precision_outside(const Pair& i, const Pair& j, const Pair& e) {
  const Num min_piece = precision_min_piece(i, j, e);
  const Num e_min = lo(e), j_min = lo(j), j_max = hi(j), e_max = hi(e), i_min = lo(i), i_max = hi(i);
  const Num d_min = pmax(i_min - j_max, j_min - i_max);
  const Num d_max = pmax(i_max - j_max, j_min - i_min);
  const Num linear = kHalf * (sq(d_max) - sq(d_min));
  const Num remaining = (j_max - j_min) * (i_max - i_min);
  const Num delta_i = i_max - i_min;
  const Num delta_e = e_max - e_min;
  return delta_i - (kOne / delta_e) * (min_piece + linear + remaining);
}

Num middle_length(const Iv& m) { return m ? hi(*m) - lo(*m) : kZero; }

Num precision_integral(const Iv& i, const Pair& j, const Pair& e) {
  const Three c = cut_into_three(i, j);
  const Num left = c.before ? precision_outside(*c.before, j, e) : kZero;
  const Num right = c.after ? precision_outside(*c.after, j, e) : kZero;
  return left + middle_length(c.middle) + right;
}

std::pair<Iv, Iv> cut_at(const Iv& j, Num mean) {
  if (!j) return {};
  if (mean >= hi(*j)) return {j, std::nullopt};
  if (mean <= lo(*j)) return {std::nullopt, j};
  return {Pair{lo(*j), mean}, Pair{mean, hi(*j)}};
}

Num lo_or_nan(const Iv& j) { return j ? lo(*j) : kNan; }
Num hi_or_nan(const Iv& j) { return j ? hi(*j) : kNan; }

// \int_{y in J} Fbar_y(dist(y, I)) dy for J outside I.
Num recall_outside(const Pair& i, const Pair& j, const Pair& e) {
  const Num p = pivot(j, i);
  const Num e_min = lo(e), e_max = hi(e);
  const Num e_mean = (e_min + e_max) / kTwo;
  if (p <= lo(e) || p >= hi(e)) return kZero;  // the pivot is outside E: worse than random
  const auto [before, after] = cut_at(j, e_mean);
  const auto [before_close_e, before_close_i] = cut_at(before, (e_min + p) / kTwo);
  const auto [after_close_i, after_close_e] = cut_at(after, (e_max + p) / kTwo);
  const Num bb_min = lo_or_nan(before_close_e), bb_max = hi_or_nan(before_close_e);
  const Num ba_min = lo_or_nan(before_close_i), ba_max = hi_or_nan(before_close_i);
  const Num ab_min = lo_or_nan(after_close_i), ab_max = hi_or_nan(after_close_i);
  const Num aa_min = lo_or_nan(after_close_e), aa_max = hi_or_nan(after_close_e);
  Num parts[4];
  if (p >= hi(j)) {
    parts[0] = (p - e_min) * (bb_max - bb_min);
    parts[1] = kTwo * p * (ba_max - ba_min) - (sq(ba_max) - sq(ba_min));
    parts[2] = kTwo * p * (ab_max - ab_min) - (sq(ab_max) - sq(ab_min));
    parts[3] = (e_max + p) * (aa_max - aa_min) - (sq(aa_max) - sq(aa_min));
  } else {
    parts[0] = (sq(bb_max) - sq(bb_min)) - (e_min + p) * (bb_max - bb_min);
    parts[1] = (sq(ba_max) - sq(ba_min)) - kTwo * p * (ba_max - ba_min);
    parts[2] = (sq(ab_max) - sq(ab_min)) - kTwo * p * (ab_max - ab_min);
    parts[3] = (e_max - p) * (aa_max - aa_min);
  }
  Num sum = kZero;  // _sum_wo_nan
  for (const auto& x : parts)
    if (!x.is_nan()) sum = sum + x;
  const Num delta_j = hi(j) - lo(j);
  const Num delta_e = hi(e) - lo(e);
  return delta_j - (kOne / delta_e) * sum;
}

Num recall_integral(const Pair& i, const Iv& j, const Pair& e) {
  const Three c = cut_into_three(j, i);  // J cut by its position against I
  const Num left = c.before ? recall_outside(i, *c.before, e) : kZero;
  const Num right = c.after ? recall_outside(i, *c.after, e) : kZero;
  return left + middle_length(c.middle) + right;
}

// Affiliation zones of the events `js` within `range` (get_all_E_gt_func).
std::vector<Pair> zones(const std::vector<Pair>& js, const Pair& range) {
  const std::size_t n = js.size();
  const Num a = lo(range), b = hi(range);
  auto t_start = [&](std::size_t j) { return j == n ? kTwo * b - js[n - 1].b : js[j].a; };
  auto t_stop = [&](std::ptrdiff_t j) { return j == -1 ? kTwo * a - js[0].a : js[static_cast<std::size_t>(j)].b; };
  std::vector<Pair> out(n);
  for (std::size_t j = 0; j < n; ++j) {
    const auto sj = static_cast<std::ptrdiff_t>(j);
    out[j] = {(t_stop(sj - 1) + t_start(j)) / kTwo, (t_stop(sj) + t_start(j + 1)) / kTwo};
  }
  return out;
}

// The events of `is` cut to zone `e` (one line of affiliation_partition); `is` sorted and
// disjoint, so the kept ones are contiguous.
std::vector<Iv> cut_to_zone(const std::vector<Pair>& is, const Pair& e) {
  auto first = std::partition_point(is.begin(), is.end(), [&](const Pair& i) { return i.b < e.a; });
  std::vector<Iv> out;
  for (auto it = first; it != is.end() && !(it->a > e.b); ++it)
    if (!(it->b < e.a)) out.push_back(interval_intersection(*it, e));
  return out;
}

double precision_proba(const std::vector<Iv>& is, const Pair& j, const Pair& e) {
  if (std::all_of(is.begin(), is.end(), [](const Iv& i) { return !i; })) return 0.5;  // ESA-ADB: 0.5, not NaN
  Num sum = kZero;
  for (const auto& i : is) sum = sum + precision_integral(i, j, e);
  return (sum / sum_interval_lengths(is)).as_double();
}

double recall_proba(const std::vector<Iv>& cut, const Pair& j, const Pair& e) {
  std::vector<Pair> is;
  for (const auto& i : cut)
    if (i) is.push_back(*i);
  if (is.empty()) return 0;
  // J split by proximity to each prediction. As in the reference, the pieces are paired with
  // the predictions in order after dropping zones J does not reach.
  std::vector<Iv> js;
  for (const auto& z : zones(is, e))
    if (!(j.b < z.a) && !(j.a > z.b)) js.push_back(interval_intersection(j, z));
  Num sum = kZero;
  for (std::size_t k = 0; k < std::min(is.size(), js.size()); ++k) sum = sum + recall_integral(is[k], js[k], e);
  return (sum / interval_length(j)).as_double();
}

}  // namespace

std::vector<std::pair<double, double>> affiliation_probabilities(std::span<const std::pair<TimeNs, TimeNs>> pred,
                                                                 std::span<const std::pair<TimeNs, TimeNs>> gt,
                                                                 std::pair<TimeNs, TimeNs> trange, bool numpy_end) {
  std::vector<Pair> is, js;
  for (const auto& [a, b] : pred) is.push_back({Num::integer(a), Num::integer(b)});
  for (const auto& [a, b] : gt) js.push_back({Num::integer(a), Num::integer(b)});
  std::vector<std::pair<double, double>> out;
  if (js.empty()) return out;
  const auto e_gt = zones(js, {Num::integer(trange.first), Num::integer(trange.second, numpy_end)});
  for (std::size_t k = 0; k < js.size(); ++k) {
    const auto cut = cut_to_zone(is, e_gt[k]);
    out.emplace_back(precision_proba(cut, js[k], e_gt[k]), recall_proba(cut, js[k], e_gt[k]));
  }
  return out;
}

}  // namespace telemine::kernels::esa
