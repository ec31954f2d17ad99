#include "derived/expression.hpp"

#include <muParser.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

#include "core/error.hpp"
#include "core/text.hpp"

namespace telemine::derived {

namespace {

// What std::isspace skips, as the rest of the parser does.
constexpr std::string_view kSpace = " \t\r\n\v\f";

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void fail_at(std::size_t column, const std::string& message) {
  throw UsageError("column " + std::to_string(column + 1) + ": " + message);
}

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

TimeFunc time_func(std::string_view name) {
  if (name == "lag") return TimeFunc::lag;
  if (name == "diff") return TimeFunc::diff;
  if (name == "rate") return TimeFunc::rate;
  if (name == "mean") return TimeFunc::mean;
  if (name == "held") return TimeFunc::held;
  return TimeFunc::none;
}

// A parameter name at `at`: an identifier or a back-quoted name. Returns its end.
std::size_t read_name(std::string_view text, std::size_t at, std::string& name) {
  if (text[at] == '`') {
    const auto close = text.find('`', at + 1);
    if (close == std::string_view::npos) fail_at(at, "unclosed ` in a parameter name");
    name = std::string(text.substr(at + 1, close - at - 1));
    if (name.empty()) fail_at(at, "empty parameter name ``");
    return close + 1;
  }
  std::size_t e = at;
  while (e < text.size() && name_char(text[e])) ++e;
  name = std::string(text.substr(at, e - at));
  return e;
}

// Appends `piece` to the rewritten text, every character coming from column `from`.
void emit(Expression& x, std::string_view piece, std::size_t from, bool same_columns) {
  for (std::size_t k = 0; k < piece.size(); ++k) {
    x.rewritten += piece[k];
    x.origin.push_back(static_cast<int>(same_columns ? from + k : from));
  }
}

std::string variable_of(Expression& x, const Reference& r, std::size_t column) {
  auto it = std::find(x.inputs.begin(), x.inputs.end(), r);
  if (it == x.inputs.end()) {
    it = x.inputs.insert(x.inputs.end(), r);
    x.columns.push_back(static_cast<int>(column));
  }
  return "_in" + std::to_string(it - x.inputs.begin());
}

// `lag(P, 5min)` and the like at `at` (the function's name ends at `open`, the '('). Returns the
// end of the call.
std::size_t read_time_call(Expression& x, std::string_view text, std::size_t at, std::size_t open, TimeFunc f) {
  int depth = 0;
  std::size_t close = open;
  std::vector<std::size_t> commas;
  for (; close < text.size(); ++close) {
    if (text[close] == '(') ++depth;
    if (text[close] == ')' && --depth == 0) break;
    if (text[close] == ',' && depth == 1) commas.push_back(close);
  }
  const std::string fname(to_string(f));
  if (close == text.size()) fail_at(open, "unclosed '(' of " + fname + "()");
  const bool wants_duration = f == TimeFunc::lag || f == TimeFunc::mean;
  const std::size_t want = wants_duration ? 1 : 0;
  if (commas.size() != want)
    fail_at(at, fname + "() takes " + (wants_duration ? "a parameter and a duration, e.g. " + fname + "(P, 5min)"
                                                       : "one parameter, e.g. " + fname + "(P)"));
  const std::size_t arg_end = commas.empty() ? close : commas[0];
  std::size_t p = open + 1;
  while (p < arg_end && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
  Reference r{"", f, 0};
  if (p == arg_end || !(name_start(text[p]) || text[p] == '`'))
    fail_at(p, fname + "() takes a parameter name (define an expression as a derived parameter of its own first)");
  const std::size_t name_end = read_name(text, p, r.param);
  if (!trim(text.substr(name_end, arg_end - name_end), kSpace).empty())
    fail_at(name_end, fname + "() takes a parameter name, not an expression (define it as a derived parameter first)");
  if (wants_duration) {
    const std::string_view d = trim(text.substr(commas[0] + 1, close - commas[0] - 1), kSpace);
    try {
      r.arg = parse_duration(d);
    } catch (const UsageError& e) {
      fail_at(commas[0] + 1, fname + "(): " + e.what());
    }
  }
  emit(x, variable_of(x, r, at), at, false);
  return close + 1;
}

}  // namespace

std::string_view to_string(TimeFunc f) noexcept {
  switch (f) {
    case TimeFunc::lag: return "lag";
    case TimeFunc::diff: return "diff";
    case TimeFunc::rate: return "rate";
    case TimeFunc::mean: return "mean";
    case TimeFunc::held: return "held";
    case TimeFunc::none: break;
  }
  return "";
}

std::string to_string(const Reference& r) {
  if (r.func == TimeFunc::none) return r.param;
  std::string s = std::string(to_string(r.func)) + "(" + r.param;
  if (r.func == TimeFunc::lag || r.func == TimeFunc::mean) s += ", " + format_duration(r.arg);
  return s + ")";
}

Expression parse(std::string_view text) {
  Expression x;
  x.text = std::string(text);
  if (trim(text, kSpace).empty()) throw UsageError("empty expression");
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      // A number, exponent included, so that `1e5` is not read as a name `e5`.
      std::size_t e = i;
      while (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == '.' ||
                                 ((text[e] == '+' || text[e] == '-') && (text[e - 1] == 'e' || text[e - 1] == 'E'))))
        ++e;
      emit(x, text.substr(i, e - i), i, true);
      i = e;
    } else if (name_start(c) || c == '`') {
      std::string name;
      const std::size_t e = read_name(text, i, name);
      std::size_t next = e;
      while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next]))) ++next;
      const bool call = c != '`' && next < text.size() && text[next] == '(';
      if (call && time_func(name) != TimeFunc::none) {
        i = read_time_call(x, text, i, next, time_func(name));
        continue;
      }
      if (call || (c == '_' && c != '`')) {
        emit(x, name, i, true);  // a function for muParser, or one of its constants (_pi, _e)
      } else {
        emit(x, variable_of(x, Reference{name, TimeFunc::none, 0}, i), i, false);
      }
      i = e;
    } else {
      emit(x, text.substr(i, 1), i, true);
      ++i;
    }
  }
  if (x.inputs.empty()) throw UsageError("the expression '" + x.text + "' uses no parameter");
  return x;
}

// ---------------------------------------------------------------------------------------------
// Program: muParser's bytecode, run one block of samples per instruction.

namespace {

constexpr std::size_t kBlock = 512;

double if_then_else(double c, double a, double b) { return c != 0 ? a : b; }

template <class F>
void binary(const double* a, const double* b, double* r, std::size_t n, F f) {
  for (std::size_t i = 0; i < n; ++i) r[i] = f(a[i], b[i]);
}

// One bytecode instruction: muParser's token, with its variable resolved to an input index.
struct Instruction {
  mu::SToken token;
  int input = -1;  ///< cmVAR, cmVARMUL, cmVARPOWn
};

}  // namespace

struct Program::Impl {
  mu::Parser parser;
  std::vector<double> slots;  // the variables muParser compiled against, one per input
  std::vector<Instruction> code;
  std::size_t max_stack = 0;
  std::size_t if_depth = 0;
  bool needs_mask = false;  // IEEE arithmetic propagates NaN by itself; comparisons, logic, functions do not
  Expression expression;

  void run_block(std::span<const std::span<const double>> in, std::size_t at, std::size_t n, double* out,
                 std::vector<double>& buf, std::vector<double>& side, std::vector<const double*>& top) const;
};

Program::Program(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;
Program::~Program() = default;
std::size_t Program::inputs() const noexcept { return impl_->slots.size(); }

namespace {

// A muParser error, with its position and token in the expression as written.
[[noreturn]] void rethrow(const mu::ParserError& e, const Expression& x) {
  std::string message = e.GetMsg();
  std::string token = e.GetToken();
  if (token.rfind("_in", 0) == 0) {
    const auto k = static_cast<std::size_t>(std::atoi(token.c_str() + 3));
    if (k < x.inputs.size()) {
      const auto p = message.find(token);
      if (p != std::string::npos) message.replace(p, token.size(), to_string(x.inputs[k]));
    }
  }
  // muParser's messages end "at position N" in its own text: the column below says it instead.
  if (const auto p = message.find(" at position "); p != std::string::npos) message.erase(p);
  if (const auto p = message.find(" found"); p != std::string::npos && message.find("position") == std::string::npos)
    message.erase(p);
  const int pos = e.GetPos();
  const std::size_t column = pos >= 0 && static_cast<std::size_t>(pos) < x.origin.size()
                                 ? static_cast<std::size_t>(x.origin[static_cast<std::size_t>(pos)])
                                 : x.text.size();
  fail_at(column, message + " in '" + x.text + "'");
}

// Every `name(` in the rewritten text must be a function muParser knows.
void check_functions(const mu::Parser& parser, const Expression& x) {
  const auto& known = parser.GetFunDef();
  const std::string& s = x.rewritten;
  for (std::size_t i = 0; i < s.size();) {
    if (!name_start(s[i]) || (i > 0 && name_char(s[i - 1]))) {
      ++i;
      continue;
    }
    std::size_t e = i;
    while (e < s.size() && name_char(s[e])) ++e;
    std::size_t next = e;
    while (next < s.size() && std::isspace(static_cast<unsigned char>(s[next]))) ++next;
    if (next < s.size() && s[next] == '(' && known.find(s.substr(i, e - i)) == known.end()) {
      std::string names;
      for (const auto& [name, cb] : known) names += (names.empty() ? "" : ", ") + name;
      fail_at(static_cast<std::size_t>(x.origin[i]), "unknown function '" + s.substr(i, e - i) +
                                                         "' (known: " + names + ", lag, diff, rate, mean, held)");
    }
    i = e;
  }
}

}  // namespace

Program Program::compile(const Expression& x) {
  auto m = std::make_unique<Impl>();
  m->expression = x;
  m->slots.assign(x.inputs.size(), 1.0);
  try {
    m->parser.DefineFun("if", if_then_else);
    for (std::size_t k = 0; k < x.inputs.size(); ++k) m->parser.DefineVar("_in" + std::to_string(k), &m->slots[k]);
    check_functions(m->parser, x);
    m->parser.SetExpr(x.rewritten);
    m->parser.Eval();  // compiles the bytecode
  } catch (const mu::ParserError& e) {
    rethrow(e, x);
  }
  const mu::ParserByteCode& bc = m->parser.GetByteCode();
  const mu::SToken* tok = bc.GetBase();
  std::size_t depth = 0;
  for (std::size_t i = 0; i < bc.GetSize(); ++i) {
    Instruction ins{tok[i], -1};
    switch (tok[i].Cmd) {
      case mu::cmVAR: case mu::cmVARMUL: case mu::cmVARPOW2: case mu::cmVARPOW3: case mu::cmVARPOW4:
        ins.input = static_cast<int>(tok[i].Val.ptr - m->slots.data());
        if (ins.input < 0 || static_cast<std::size_t>(ins.input) >= m->slots.size())
          throw InternalError("muParser bytecode names a variable that is not an input");
        break;
      case mu::cmIF: m->if_depth = std::max(m->if_depth, ++depth); break;
      case mu::cmENDIF: --depth; break;
      case mu::cmFUNC_STR: case mu::cmFUNC_BULK: case mu::cmSTRING: case mu::cmASSIGN:
        fail_at(0, "'" + x.text + "': strings, bulk functions and assignments are not supported");
      default: break;
    }
    switch (tok[i].Cmd) {
      case mu::cmVAR: case mu::cmVAL: case mu::cmVARMUL: case mu::cmVARPOW2: case mu::cmVARPOW3: case mu::cmVARPOW4:
      case mu::cmADD: case mu::cmSUB: case mu::cmMUL: case mu::cmDIV: case mu::cmEND: break;
      default: m->needs_mask = true;
    }
    m->code.push_back(ins);
    if (tok[i].Cmd == mu::cmEND) break;
  }
  m->max_stack = bc.GetMaxStackSize() + 1;
  return Program(std::move(m));
}

void Program::Impl::run_block(std::span<const std::span<const double>> in, std::size_t at, std::size_t n, double* out,
                              std::vector<double>& buf, std::vector<double>& side,
                              std::vector<const double*>& top) const {
  std::size_t sp = 0;  // stack entries in use; top[sp - 1] is the top
  std::size_t ss = 0;  // blocks in use on the side stack: conditions and then-values of ?:
  auto slot = [&](std::size_t s) { return buf.data() + s * kBlock; };
  auto aside = [&](const double* v) {
    std::copy_n(v, n, side.data() + ss * kBlock);
    ++ss;
  };
  for (const Instruction& ins : code) {
    const mu::SToken& t = ins.token;
    const double* a = ins.input >= 0 ? in[static_cast<std::size_t>(ins.input)].data() + at : nullptr;
    double* r = nullptr;
    switch (t.Cmd) {
      case mu::cmVAR: top[sp++] = a; continue;
      case mu::cmVAL: r = slot(sp); std::fill_n(r, n, t.Val.data2); top[sp++] = r; continue;
      case mu::cmVARMUL:
        r = slot(sp);
        for (std::size_t i = 0; i < n; ++i) r[i] = a[i] * t.Val.data + t.Val.data2;
        top[sp++] = r;
        continue;
      case mu::cmVARPOW2: case mu::cmVARPOW3: case mu::cmVARPOW4: {
        r = slot(sp);
        const int p = t.Cmd == mu::cmVARPOW2 ? 2 : t.Cmd == mu::cmVARPOW3 ? 3 : 4;
        for (std::size_t i = 0; i < n; ++i) r[i] = p == 2 ? a[i] * a[i] : p == 3 ? a[i] * a[i] * a[i] : a[i] * a[i] * a[i] * a[i];
        top[sp++] = r;
        continue;
      }
      case mu::cmIF: aside(top[--sp]); continue;
      case mu::cmELSE: aside(top[--sp]); continue;
      case mu::cmENDIF: {
        const double* then = side.data() + (ss - 1) * kBlock;
        const double* cond = side.data() + (ss - 2) * kBlock;
        const double* other = top[sp - 1];
        r = slot(sp - 1);
        for (std::size_t i = 0; i < n; ++i) r[i] = cond[i] != 0 ? then[i] : other[i];
        top[sp - 1] = r;
        ss -= 2;
        continue;
      }
      case mu::cmFUNC: {
        const int argc = t.Fun.argc;
        const std::size_t k = static_cast<std::size_t>(argc < 0 ? -argc : argc);
        const double* const* arg = top.data() + (sp - k);
        if (k == 0) ++sp;
        r = slot(sp - std::max<std::size_t>(k, 1));
        if (argc == 1) {
          for (std::size_t i = 0; i < n; ++i) r[i] = t.Fun.cb.call_fun<1>(arg[0][i]);
        } else if (argc == 2) {
          for (std::size_t i = 0; i < n; ++i) r[i] = t.Fun.cb.call_fun<2>(arg[0][i], arg[1][i]);
        } else if (argc == 3) {
          for (std::size_t i = 0; i < n; ++i) r[i] = t.Fun.cb.call_fun<3>(arg[0][i], arg[1][i], arg[2][i]);
        } else if (argc < 0) {
          std::vector<double> args(k);
          for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < k; ++j) args[j] = arg[j][i];
            r[i] = t.Fun.cb.call_multfun(args.data(), static_cast<int>(k));
          }
        } else {
          throw InternalError("muParser function with " + std::to_string(argc) + " arguments");
        }
        sp -= std::max<std::size_t>(k, 1) - 1;
        top[sp - 1] = r;
        continue;
      }
      case mu::cmEND: break;
      default: {
        if (t.Cmd > mu::cmLOR) throw InternalError("unsupported muParser instruction " + std::to_string(t.Cmd));
        const double* x = top[sp - 2];
        const double* y = top[sp - 1];
        r = slot(sp - 2);
        switch (t.Cmd) {
          case mu::cmLE: binary(x, y, r, n, [](double u, double v) { return u <= v ? 1.0 : 0.0; }); break;
          case mu::cmGE: binary(x, y, r, n, [](double u, double v) { return u >= v ? 1.0 : 0.0; }); break;
          case mu::cmNEQ: binary(x, y, r, n, [](double u, double v) { return u != v ? 1.0 : 0.0; }); break;
          case mu::cmEQ: binary(x, y, r, n, [](double u, double v) { return u == v ? 1.0 : 0.0; }); break;
          case mu::cmLT: binary(x, y, r, n, [](double u, double v) { return u < v ? 1.0 : 0.0; }); break;
          case mu::cmGT: binary(x, y, r, n, [](double u, double v) { return u > v ? 1.0 : 0.0; }); break;
          case mu::cmADD: binary(x, y, r, n, [](double u, double v) { return u + v; }); break;
          case mu::cmSUB: binary(x, y, r, n, [](double u, double v) { return u - v; }); break;
          case mu::cmMUL: binary(x, y, r, n, [](double u, double v) { return u * v; }); break;
          case mu::cmDIV: binary(x, y, r, n, [](double u, double v) { return v == 0 ? kNaN : u / v; }); break;
          case mu::cmPOW: binary(x, y, r, n, [](double u, double v) { return std::pow(u, v); }); break;
          case mu::cmLAND: binary(x, y, r, n, [](double u, double v) { return u != 0 && v != 0 ? 1.0 : 0.0; }); break;
          case mu::cmLOR: binary(x, y, r, n, [](double u, double v) { return u != 0 || v != 0 ? 1.0 : 0.0; }); break;
          default: throw InternalError("unsupported muParser operator " + std::to_string(t.Cmd));
        }
        --sp;
        top[sp - 1] = r;
        continue;
      }
    }
    break;  // cmEND
  }
  if (sp != 1) throw InternalError("muParser bytecode left " + std::to_string(sp) + " values on the stack");
  std::copy_n(top[0], n, out);
  if (!needs_mask) return;
  // NaN propagates: an invalid input sample makes an invalid output sample, whatever the operator.
  for (const auto& s : in) {
    const double* v = s.data() + at;
    for (std::size_t i = 0; i < n; ++i) out[i] = v[i] != v[i] ? v[i] : out[i];
  }
}

void Program::evaluate(std::span<const std::span<const double>> inputs, std::span<double> out) const {
  if (inputs.size() != impl_->slots.size()) throw InternalError("Program::evaluate: wrong number of inputs");
  for (const auto& s : inputs)
    if (s.size() != out.size()) throw InternalError("Program::evaluate: inputs and output differ in size");
  std::vector<double> buf(impl_->max_stack * kBlock), side((2 * impl_->if_depth + 1) * kBlock);
  std::vector<const double*> top(impl_->max_stack);
  for (std::size_t at = 0; at < out.size(); at += kBlock)
    impl_->run_block(inputs, at, std::min(kBlock, out.size() - at), out.data() + at, buf, side, top);
}

void Program::evaluate_muparser(std::span<const std::span<const double>> inputs, std::span<double> out) const {
  mu::Parser p;
  p.DefineFun("if", if_then_else);
  for (std::size_t k = 0; k < inputs.size(); ++k)
    p.DefineVar("_in" + std::to_string(k), const_cast<double*>(inputs[k].data()));
  p.SetExpr(impl_->expression.rewritten);
  p.Eval(out.data(), static_cast<int>(out.size()));
  for (const auto& s : inputs)
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = s[i] != s[i] ? s[i] : out[i];
}

}  // namespace telemine::derived
