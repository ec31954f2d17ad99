#pragma once
/// \file Expressions of derived parameters: parsed and compiled by muParser, run column-wise.
///
/// muParser parses an expression into its bytecode (reverse Polish, constants folded). Its own
/// bulk mode then interprets that bytecode once per sample (about 10 M samples/s here); Program
/// instead runs each bytecode instruction over a block of samples at a time, as the columnar
/// executors of DuckDB and Arrow do, so the loops vectorise (bench/derived_eval_bench.cpp).
///
/// Time-aware functions (`lag(P, 5min)`, `diff(P)`, `rate(P)`, `mean(P, 10min)`, `held(P)`) are not
/// scalar: parse() replaces each by a variable before muParser sees the expression, and the
/// reader computes it as a series of its own (kernels/timefuncs.hpp).

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace telemine::derived {

enum class TimeFunc { none, lag, diff, rate, mean, held };
std::string_view to_string(TimeFunc f) noexcept;

/// One input of an expression: a parameter, optionally through a time-aware function.
struct Reference {
  std::string param;
  TimeFunc func = TimeFunc::none;
  DurationNs arg = 0;  ///< lag: the lag; mean: the window
  friend bool operator==(const Reference&, const Reference&) = default;
};
/// As written: `P`, `lag(P, 5min)`.
std::string to_string(const Reference& r);

/// An expression with its inputs replaced by muParser variables.
struct Expression {
  std::string text;               ///< as written
  std::string rewritten;          ///< what muParser parses: inputs are `_in0`, `_in1`, ...
  std::vector<int> origin;        ///< origin[k]: the column in `text` of rewritten[k]
  std::vector<Reference> inputs;  ///< in order of first appearance: inputs[0] gives the times
  std::vector<int> columns;       ///< columns[k]: where inputs[k] first appears in `text`
};

/// Finds the inputs and time-aware functions of `text`. Parameter names are identifiers
/// (`POWER_BUS_V`) or back-quoted (`` `A-1` ``). Throws UsageError "column N: ..." (1-based).
Expression parse(std::string_view text);

/// An Expression compiled by muParser. Division by zero gives NaN; so does any sample where
/// an input is NaN (NaN propagates through comparisons and logic too).
class Program {
 public:
  /// Throws UsageError "column N: ..." for a syntax error or an unknown function.
  static Program compile(const Expression& expression);
  Program(Program&&) noexcept;
  Program& operator=(Program&&) noexcept;
  ~Program();

  std::size_t inputs() const noexcept;
  /// out[i] = the expression at inputs[k][i]; every input span has out's size.
  void evaluate(std::span<const std::span<const double>> inputs, std::span<double> out) const;
  /// The same through muParser's own bulk mode, per sample (for tests and the benchmark).
  void evaluate_muparser(std::span<const std::span<const double>> inputs, std::span<double> out) const;

 private:
  struct Impl;
  explicit Program(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace telemine::derived
