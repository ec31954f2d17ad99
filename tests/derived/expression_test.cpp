// Expressions: parsing of inputs and time-aware functions, errors with their column, and the
// column-wise executor of muParser's bytecode against hand-computed values and against
// muParser's own bulk evaluation.
#include "derived/expression.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/error.hpp"

namespace telemine::derived {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<double> eval(const std::string& text, const std::vector<std::vector<double>>& in) {
  const Expression x = parse(text);
  const Program p = Program::compile(x);
  std::vector<std::span<const double>> cols(in.begin(), in.end());
  std::vector<double> out(in.empty() ? 0 : in[0].size());
  p.evaluate(cols, out);
  return out;
}

std::string error_of(const std::string& text) {
  try {
    Program::compile(parse(text));
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

TEST(Expression, InputsInOrderOfFirstAppearance) {
  const Expression x = parse("POWER_BUS_V * POWER_BUS_I + lag(POWER_BUS_V, 5min) - `A-1` * POWER_BUS_V + 1e3");
  ASSERT_EQ(x.inputs.size(), 4u);
  EXPECT_EQ(x.inputs[0], (Reference{"POWER_BUS_V", TimeFunc::none, 0}));
  EXPECT_EQ(x.inputs[1], (Reference{"POWER_BUS_I", TimeFunc::none, 0}));
  EXPECT_EQ(x.inputs[2], (Reference{"POWER_BUS_V", TimeFunc::lag, 5 * kMinute}));
  EXPECT_EQ(x.inputs[3], (Reference{"A-1", TimeFunc::none, 0}));
  EXPECT_EQ(x.columns[2], 28);
  EXPECT_EQ(to_string(x.inputs[2]), "lag(POWER_BUS_V, 5min)");
  const Expression y = parse("mean(T, 10min) + diff(T) + rate(T) + held(T) + sin(_pi * T)");
  ASSERT_EQ(y.inputs.size(), 5u);
  EXPECT_EQ(y.inputs[0].func, TimeFunc::mean);
  EXPECT_EQ(y.inputs[0].arg, 10 * kMinute);
  EXPECT_EQ(y.inputs[4].func, TimeFunc::none);
}

TEST(Expression, ArithmeticComparisonLogicAndFunctions) {
  const std::vector<double> a = {1, 2, 3, -4}, b = {2, 2, 0, 8}, c = {0, 1, 1, 0};
  EXPECT_EQ(eval("A * B", {a, b}), (std::vector<double>{2, 4, 0, -32}));
  EXPECT_EQ(eval("A - B", {a, b}), (std::vector<double>{-1, 0, 3, -12}));
  EXPECT_EQ(eval("A + B * C", {a, b, c}), (std::vector<double>{1, 4, 3, -4}));
  EXPECT_EQ(eval("A * 2 + 1", {a}), (std::vector<double>{3, 5, 7, -7}));
  EXPECT_EQ(eval("A^2", {a}), (std::vector<double>{1, 4, 9, 16}));
  EXPECT_EQ(eval("A^3 - A^4", {a}), (std::vector<double>{0, -8, -54, -320}));
  EXPECT_EQ(eval("A > 1", {a}), (std::vector<double>{0, 1, 1, 0}));
  EXPECT_EQ(eval("A >= 2 && B < 5", {a, b}), (std::vector<double>{0, 1, 1, 0}));
  EXPECT_EQ(eval("A < 0 || C", {a, c}), (std::vector<double>{0, 1, 1, 1}));
  EXPECT_EQ(eval("A == B", {a, b}), (std::vector<double>{0, 1, 0, 0}));
  EXPECT_EQ(eval("A != B", {a, b}), (std::vector<double>{1, 0, 1, 1}));
  EXPECT_EQ(eval("A <= B", {a, b}), (std::vector<double>{1, 1, 0, 1}));
  EXPECT_EQ(eval("abs(A)", {a}), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(eval("min(A, B)", {a, b}), (std::vector<double>{1, 2, 0, -4}));
  EXPECT_EQ(eval("max(A, B, 2.5)", {a, b}), (std::vector<double>{2.5, 2.5, 3, 8}));
  EXPECT_EQ(eval("sqrt(B)", {b})[3], std::sqrt(8.0));
  EXPECT_EQ(eval("exp(A)", {a})[1], std::exp(2.0));
  EXPECT_EQ(eval("log(B)", {b})[0], std::log(2.0));
  EXPECT_EQ(eval("sin(A) + cos(A)", {a})[2], std::sin(3.0) + std::cos(3.0));
  EXPECT_EQ(eval("-A", {a}), (std::vector<double>{-1, -2, -3, 4}));
}

TEST(Expression, IfThenElseAndTernaryNest) {
  const std::vector<double> a = {1, 2, 3, -4}, b = {2, 2, 0, 8};
  EXPECT_EQ(eval("if(A > 1, B, -B)", {a, b}), (std::vector<double>{-2, 2, 0, -8}));
  EXPECT_EQ(eval("A > 1 ? B : -B", {a, b}), (std::vector<double>{-2, 2, 0, -8}));
  EXPECT_EQ(eval("A > 2 ? (B > 1 ? 10 : 20) : (A < 0 ? 30 : 40)", {a, b}), (std::vector<double>{40, 40, 20, 30}));
  EXPECT_EQ(eval("(A > 1 ? A : B) * 2 + (B ? 1 : 0)", {a, b}), (std::vector<double>{5, 5, 6, 17}));
}

TEST(Expression, DivisionByZeroAndNaNGiveNaN) {
  const auto q = eval("A / B", {{1, 4, 0}, {0, 2, 0}});
  EXPECT_TRUE(std::isnan(q[0]));
  EXPECT_EQ(q[1], 2);
  EXPECT_TRUE(std::isnan(q[2]));
  // NaN propagates through comparisons and logic, where C++ would say false.
  const auto c = eval("A > 0 && B < 10", {{1, nan, 1}, {nan, 1, 1}});
  EXPECT_TRUE(std::isnan(c[0]));
  EXPECT_TRUE(std::isnan(c[1]));
  EXPECT_EQ(c[2], 1);
}

TEST(Expression, MatchesMuParserItselfAtOddSizes) {
  const std::vector<std::string> exprs = {
      "A * B + C", "A * B * C", "(A - B) * 3 + C^2", "A > B ? A - C : sqrt(abs(B)) * 2",
      "min(A, B, C) + max(A, 1)", "sin(A) * cos(B) + exp(C / 10)", "if(A > 0 && B < 0.5 || C > 1, A, -A) + 2 * A",
      "A^3 + B^4 - 1e-3 * C"};
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-2, 2);
  for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{511}, std::size_t{512}, std::size_t{1500}}) {
    std::vector<std::vector<double>> in(3, std::vector<double>(n));
    for (auto& col : in)
      for (auto& v : col) v = u(rng);
    for (const auto& e : exprs) {
      const Program p = Program::compile(parse(e));
      std::vector<std::span<const double>> cols(in.begin(), in.end());
      cols.resize(p.inputs());
      std::vector<double> ours(n), theirs(n);
      p.evaluate(cols, ours);
      p.evaluate_muparser(cols, theirs);
      for (std::size_t i = 0; i < n; ++i) ASSERT_DOUBLE_EQ(ours[i], theirs[i]) << e << " n=" << n << " i=" << i;
    }
  }
}

TEST(Expression, ErrorsNameTheColumn) {
  EXPECT_NE(error_of("A * (B + C").find("column"), std::string::npos) << error_of("A * (B + C");
  EXPECT_NE(error_of("A * * B").find("column 5"), std::string::npos) << error_of("A * * B");
  EXPECT_NE(error_of("A + foo(B)").find("column 5: unknown function 'foo'"), std::string::npos) << error_of("A + foo(B)");
  EXPECT_NE(error_of("A + lag(B)").find("column 5: lag() takes a parameter and a duration"), std::string::npos)
      << error_of("A + lag(B)");
  EXPECT_NE(error_of("lag(A + B, 5min)").find("not an expression"), std::string::npos);
  EXPECT_NE(error_of("lag(A, 5 parsecs)").find("column 7"), std::string::npos) << error_of("lag(A, 5 parsecs)");
  EXPECT_NE(error_of("mean(A, 10min").find("unclosed"), std::string::npos);
  EXPECT_NE(error_of("`A-1 + 2").find("unclosed `"), std::string::npos);
  EXPECT_NE(error_of("1 + 2").find("uses no parameter"), std::string::npos);
  EXPECT_NE(error_of("  ").find("empty expression"), std::string::npos);
}

}  // namespace
}  // namespace telemine::derived
