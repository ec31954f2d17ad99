#include "jobs/novelty/settings.hpp"

#include <sstream>

#include "core/error.hpp"
#include "core/text.hpp"
#include "jobs/engine/registry.hpp"
#include "jobs/job.hpp"
#include "jobs/novelty/run.hpp"

namespace telemine::jobs {

const KindSpec& novelty_kind() {
  constexpr double kSecondD = 1e9;
  static const KindSpec kind = {
      "novelty",
      "autoencoders learn nominal behaviour; novel periods and the parameters responsible",
      {
          {"model", KeyType::text, "features", {}, {}, {},
           "features (mean, std, min, max per period), window (raw grid windows), forecast (an LSTM forecasting the grid series, "
           "Hundman et al.), or an existing folder of trained models to score with"},
          {"period", KeyType::duration, "1h", kSecondD, static_cast<double>(kDay), {},
           "features: the period of one feature vector (divides 1d)"},
          {"grid", KeyType::duration, "1min", kSecondD, static_cast<double>(kDay), {},
           "window: the resampling grid (divides 1d)"},
          {"window", KeyType::integer, "30", 1, 100000, {}, "window: grid steps per window"},
          {"stride", KeyType::integer, "", 1, 100000, {}, "window: grid steps between windows (default: the window)"},
          {"group", KeyType::text, "subsystem", {}, {}, {},
           "one model per: parameter, subsystem, channel (a name with its NAME.* parameters, e.g. telemanom's command flags), "
           "all (one model, data-parallel), or lists 'A*, B; C*'"},
          {"train-from", KeyType::time, "", {}, {}, {}, "start of the reference period (default: the job's start)"},
          {"train-to", KeyType::time, "", {}, {}, {},
           "end of the reference period (default: the job's end); labelled anomalies in it are excluded"},
          {"hidden", KeyType::list, "", {}, {}, {},
           "layer sizes down to the code, each 1 .. 4096, e.g. 64, 16 (default: 2 x inputs, inputs / 3); forecast: the LSTM "
           "layers (default 80, 80)"},
          {"epochs", KeyType::integer, "300", 1, 100000, {}, "training epochs (forecast: at most, default 35)"},
          {"batch", KeyType::integer, "64", 1, 1 << 24, {}, "global batch (forecast: chunks a step, default 8)"},
          {"learning-rate", KeyType::real, "0.003", 1e-9, 10, {}, "Adam learning rate (forecast: default 0.001)"},
          {"history", KeyType::integer, "250", 1, 100000, {}, "forecast: grid steps a forecast reads"},
          {"horizon", KeyType::integer, "10", 1, 1000, {}, "forecast: grid steps each forecast predicts (the first is scored)"},
          {"chunk", KeyType::integer, "50", 1, 100000, {}, "forecast: forecasts that share one pass over their history"},
          {"dropout", KeyType::real, "0.3", 0, 0.95, {}, "forecast: dropout after each LSTM layer in training"},
          {"validation", KeyType::real, "0.2", 0, 0.9, {}, "forecast: the last part of the reference, for early stopping"},
          {"patience", KeyType::integer, "10", 1, 100000, {}, "forecast: epochs without a better validation loss before stopping"},
          {"seed", KeyType::integer, "1", 0, 9.0e18, {}, "seed of the initial weights and the shuffles"},
          {"threshold", KeyType::text, "pot:0.001", {}, {}, {},
           "pot:RISK (extreme values of the reference scores; RISK: the chance that a nominal period of a model is flagged), "
           "sigma:K, quantile:Q, ndt:PRUNE (Hundman et al.'s dynamic threshold on the scored errors), or telemanom:PRUNE "
           "(the same as their reference code runs it, with its guards)"},
          {"ndt-window", KeyType::duration, "", {}, {}, {},
           "ndt, telemanom: each window of this length gets its own threshold, 30 steps per window (default: one window; telemanom 2100 steps)"},
          {"ndt-smoothing", KeyType::duration, "", {}, {}, {},
           "ndt, telemanom: span of the exponentially weighted average of the errors before thresholding (default: none; telemanom 105 steps)"},
          {"model-dir", KeyType::path, "", {}, {}, {}, "where the trained models go (default OUTPUT/models)"},
          {"threads", KeyType::integer, "1", 1, 256, {}, "Torch threads per rank"},
      },
      run_novelty,
  };
  return kind;
}

namespace novelty {

namespace {

void read_model(const Job& job, Settings& s) {
  const std::string model = job.get("novelty.model").value_or("features");
  if (model == "features") return;
  if (model == "window" || model == "forecast") {
    s.kind = model == "window" ? ModelKind::window : ModelKind::forecast;
    return;
  }
  // A folder of trained models; anything else (a typo such as `windows`) is an error, not a path.
  std::error_code ec;
  if (!std::filesystem::is_directory(model, ec))
    job.fail("novelty.model", "'" + model + "' is not features, window, forecast or an existing folder of trained models");
  s.load = model;
}

void read_group(const Job& job, Settings& s) {
  s.group = job.get("novelty.group").value_or("subsystem");
  for (const auto& [name, by] : {std::pair{"parameter", GroupBy::parameter}, std::pair{"subsystem", GroupBy::subsystem},
                                 std::pair{"all", GroupBy::all}, std::pair{"channel", GroupBy::channel}})
    if (s.group == name) {
      s.group_by = by;
      return;
    }
  s.group_by = GroupBy::lists;
  std::istringstream in(s.group);
  for (std::string part; std::getline(in, part, ';');)
    if (auto items = split_comma_list(part); !items.empty()) s.lists.push_back(items);
  if (s.lists.empty()) job.fail("novelty.group", "expected parameter, subsystem, channel, all, or lists: 'A*, B; C'");
}

void read_hidden(const Job& job, Settings& s) {
  const auto h = job.get("novelty.hidden");
  if (!h) return;
  for (const auto& item : split_comma_list(*h)) {
    const auto x = parse_number<int>(item);
    if (!x || *x < 1 || *x > kMaxLayer)
      job.fail("novelty.hidden", "'" + *h + "' is not a list of layer sizes, each 1 .. " + std::to_string(kMaxLayer) + " (e.g. 64, 16)");
    s.hidden.push_back(*x);
  }
}

constexpr std::pair<const char*, ThresholdMethod> kMethods[] = {
    {"pot", ThresholdMethod::pot}, {"sigma", ThresholdMethod::sigma}, {"quantile", ThresholdMethod::quantile},
    {"ndt", ThresholdMethod::ndt}, {"telemanom", ThresholdMethod::telemanom}};

// The range of a method's value: pot's risk and quantile's level in (0, 1), sigma's K above 0,
// the dynamic methods' pruning in [0, 1).
bool value_ok(ThresholdMethod m, double v) {
  switch (m) {
    case ThresholdMethod::pot:
    case ThresholdMethod::quantile: return v > 0 && v < 1;
    case ThresholdMethod::sigma: return v > 0;
    case ThresholdMethod::ndt:
    case ThresholdMethod::telemanom: return v >= 0 && v < 1;
  }
  return false;
}

void read_threshold(const Job& job, Settings& s) {
  const std::string th = job.get("novelty.threshold").value_or("pot:0.001");
  const auto colon = th.find(':');
  const std::string name = th.substr(0, colon);
  const auto v = parse_number<double>(colon == std::string::npos ? std::string_view() : std::string_view(th).substr(colon + 1));
  bool known = false;
  for (const auto& [n, m] : kMethods)
    if (name == n) known = true, s.method = m;
  if (!known || !v || !value_ok(s.method, *v))
    job.fail("novelty.threshold",
             "'" + th + "': expected pot:RISK (0.001), sigma:K (4), quantile:Q (0.999), ndt:PRUNE (0.13) or telemanom:PRUNE (0.13)");
  s.method_value = *v;
}

// Hundman et al.'s settings unless the job gives others. A forecast row is one grid step.
void read_forecast(const Job& job, Settings& s) {
  if (s.kind != ModelKind::forecast) return;
  if (job.has("novelty.window") || job.has("novelty.stride"))
    job.fail(job.has("novelty.window") ? "novelty.window" : "novelty.stride",
             "not a forecast setting: a forecast reads `history` grid steps and scores every one");
  s.window = s.stride = 1;
  ml::ForecastShape& f = s.forecast;
  f.history = static_cast<int>(job.get_int("novelty.history"));
  f.horizon = static_cast<int>(job.get_int("novelty.horizon"));
  f.chunk = static_cast<int>(job.get_int("novelty.chunk"));
  f.dropout = job.get_double("novelty.dropout");
  if (!s.hidden.empty()) f.hidden = s.hidden;
  ml::ForecastOptions& o = s.forecasting;
  if (job.has("novelty.epochs")) o.epochs = s.train.epochs;
  if (job.has("novelty.batch")) o.batch = s.train.batch;
  if (job.has("novelty.learning-rate")) o.learning_rate = s.train.learning_rate;
  o.validation = job.get_double("novelty.validation");
  o.patience = static_cast<int>(job.get_int("novelty.patience"));
  o.seed = s.train.seed;
}

}  // namespace

const char* name_of(ModelKind kind) {
  switch (kind) {
    case ModelKind::window: return "window";
    case ModelKind::forecast: return "forecast";
    case ModelKind::features: break;
  }
  return "features";
}

const char* name_of(ThresholdMethod method) {
  for (const auto& [n, m] : kMethods)
    if (m == method) return n;
  return "?";
}

Settings read_settings(const Job& job) {
  Settings s;
  read_model(job, s);
  s.period = *job.get_duration("novelty.period");
  s.grid = *job.get_duration("novelty.grid");
  for (const auto& [key, d] : {std::pair{"novelty.period", s.period}, std::pair{"novelty.grid", s.grid}})
    if (kDay % d != 0) job.fail(key, "must divide one day (1min, 10min, 1h ...): periods and windows never straddle two days");
  s.window = static_cast<int>(job.get_int("novelty.window"));
  s.stride = job.has("novelty.stride") ? static_cast<int>(job.get_int("novelty.stride")) : s.window;
  if (s.window > kDay / s.grid) job.fail("novelty.window", "longer than a day of grid steps");
  read_group(job, s);
  s.train_from = job.get_time("novelty.train-from").value_or(kTimeMin);
  s.train_to = job.get_time("novelty.train-to").value_or(kTimeMax);
  if (s.train_from >= s.train_to) job.fail("novelty.train-to", "must be after train-from");
  read_hidden(job, s);
  s.train.epochs = static_cast<int>(job.get_int("novelty.epochs"));
  s.train.batch = static_cast<int>(job.get_int("novelty.batch"));
  s.train.learning_rate = job.get_double("novelty.learning-rate");
  s.train.seed = static_cast<std::uint64_t>(job.get_int("novelty.seed"));
  s.threads = static_cast<int>(job.get_int("novelty.threads"));
  read_threshold(job, s);
  read_forecast(job, s);
  if (const auto d = job.get_duration("novelty.ndt-window")) s.ndt_window = *d;
  if (const auto d = job.get_duration("novelty.ndt-smoothing")) s.ndt_smoothing = *d;
  s.model_dir = job.get("novelty.model-dir").value_or((job.common().output / "models").string());
  return s;
}

}  // namespace novelty
}  // namespace telemine::jobs
