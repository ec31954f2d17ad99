// The synthetic archive generator. Every sample is a pure function of (seed, mission, parameter,
// time): random numbers come from a counter-based hash, never from a sequential generator, and
// stateful processes (thermostat, thermal lag, AR(1)) are simulated for each day from a fixed
// warm-up before it. So day d is the same whichever rank makes it, and the archive is identical
// byte for byte at any rank count.
#include "jobs/generate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "io/archive.hpp"
#include "io/json.hpp"

namespace telemine::jobs {

namespace {

using io::ParamKind;

// ---- Counter-based randomness ----------------------------------------------------------------

constexpr std::uint64_t splitmix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
constexpr std::uint64_t hash(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0, std::uint64_t d = 0) noexcept {
  return splitmix(splitmix(splitmix(splitmix(a) ^ b) ^ c) ^ d);
}
// Uniform in [0, 1).
constexpr double uniform(std::uint64_t h) noexcept { return static_cast<double>(h >> 11) * 0x1.0p-53; }
// Standard normal (Box-Muller on two hashed uniforms).
double normal(std::uint64_t h) noexcept {
  const double u1 = uniform(h) + 0x1.0p-54, u2 = uniform(splitmix(h));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

// ---- The parameters --------------------------------------------------------------------------

enum class Signal {
  solar_array_i, battery_v, heater_on, battery_t, aocs_mode, payload_mode, payload_i, tx_on, bus_i,
  lag_a, lag_b, sq_x, sq_y, sin_x, sin_y, noise, ar1, walk, panel_t
};

struct ParamSpec {
  io::ParamInfo info;
  Signal signal;
  int every = 1;    // sampled every `every` base periods (irregular rates across parameters)
  int variant = 0;  // distinguishes fillers of one signal
};

std::vector<ParamSpec> planted_params() {
  using K = ParamKind;
  return {
      {{"POWER_SA_I", "A", "solar array current (zero in eclipse)", "POWER", K::numeric}, Signal::solar_array_i},
      {{"POWER_BAT_V", "V", "battery voltage (follows the solar array 10 minutes later, through the charge regulator)", "POWER", K::numeric}, Signal::battery_v, 4},
      {{"THERM_HTR1_ON", "", "battery heater 1 on/off (commanded by the thermal timeline in 15-minute slots)", "THERMAL", K::state}, Signal::heater_on},
      {{"THERM_BAT_T", "degC", "battery temperature (heater 1 reaches it 4 minutes later)", "THERMAL", K::numeric}, Signal::battery_t},
      {{"AOCS_MODE", "", "attitude control mode: 0 standby, 1 nominal, 2 slew, 3 safe", "AOCS", K::state}, Signal::aocs_mode},
      {{"PAYLOAD_MODE", "", "payload mode: 0 off, 1 standby, 2 science", "PAYLOAD", K::state}, Signal::payload_mode},
      {{"PAYLOAD_I", "A", "payload current (its level set by PAYLOAD_MODE)", "PAYLOAD", K::numeric}, Signal::payload_i},
      {{"COMMS_TX_ON", "", "transmitter on (ground passes)", "COMMS", K::state}, Signal::tx_on},
      {{"POWER_BUS_I", "A", "main bus current: platform + heater + payload + transmitter", "POWER", K::numeric}, Signal::bus_i},
      {{"DEP_LAG_A", "", "planted: a slow process", "DEP", K::numeric}, Signal::lag_a},
      {{"DEP_LAG_B", "", "planted: follows DEP_LAG_A 10 minutes later", "DEP", K::numeric}, Signal::lag_b},
      {{"DEP_SQ_X", "", "planted: symmetric slow process", "DEP", K::numeric}, Signal::sq_x},
      {{"DEP_SQ_Y", "", "planted: DEP_SQ_X squared (uncorrelated, dependent)", "DEP", K::numeric}, Signal::sq_y},
      {{"DEP_SIN_X", "", "planted: slow process over [-pi, pi]", "DEP", K::numeric}, Signal::sin_x},
      {{"DEP_SIN_Y", "", "planted: sin(3 DEP_SIN_X)", "DEP", K::numeric}, Signal::sin_y},
      {{"IND_NOISE_1", "", "independent white noise", "IND", K::numeric}, Signal::noise, 1, 1},
      {{"IND_AR_1", "", "independent AR(1), coefficient 0.99", "IND", K::numeric}, Signal::ar1, 1, 1},
      {{"IND_AR_2", "", "independent AR(1), coefficient 0.99", "IND", K::numeric}, Signal::ar1, 1, 2},
      {{"IND_WALK_1", "", "independent (bounded) random walk", "IND", K::numeric}, Signal::walk, 1, 1},
      {{"IND_WALK_2", "", "independent (bounded) random walk", "IND", K::numeric}, Signal::walk, 1, 2},
  };
}

// Fillers up to the requested count: panel temperatures driven by the orbit (each with its own
// phase) and independent noise channels, alternately.
std::vector<ParamSpec> mission_params(int count) {
  auto params = planted_params();
  for (int k = 1; static_cast<int>(params.size()) < count; ++k) {
    if (k % 2 == 1) {
      const int panel = (k + 1) / 2;
      params.push_back({{"THERM_PANEL_" + std::to_string(panel) + "_T", "degC",
                         "panel " + std::to_string(panel) + " temperature (orbit-driven)", "THERMAL", ParamKind::numeric},
                        Signal::panel_t, 4, panel});
    } else {
      const int n = k / 2 + 1;
      params.push_back({{"IND_NOISE_" + std::to_string(n), "", "independent white noise", "IND", ParamKind::numeric},
                        Signal::noise, 1, n});
    }
  }
  std::sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.info.name < b.info.name; });
  return params;
}

// ---- Anomalies -------------------------------------------------------------------------------

struct Anomaly {
  std::string param;
  std::vector<std::string> involved;
  std::string cls;
  std::string description;
  TimeNs start, end;
};

std::vector<Anomaly> plan_anomalies(const GenerateOptions& o, std::uint64_t mseed) {
  // Away from the first day when there are three days or more, so that day 1 is nominal.
  const int first_day = o.days >= 3 ? 1 : 0;
  auto at = [&](int k, double hour) {
    const int day = first_day + static_cast<int>(hash(mseed, 77, k) % static_cast<std::uint64_t>(o.days - first_day));
    return o.start + day * kDay + static_cast<TimeNs>(hour * static_cast<double>(kHour));
  };
  const double h1 = 3 + 4 * uniform(hash(mseed, 78, 1)), h2 = 9 + 4 * uniform(hash(mseed, 78, 2)),
               h3 = 15 + 4 * uniform(hash(mseed, 78, 3));
  const TimeNs p = bucket_start(at(1, h1), kMinute);
  const TimeNs c = bucket_start(at(2, h2), kMinute);
  const TimeNs j = bucket_start(at(3, h3), kMinute);
  return {
      {"THERM_BAT_T", {"THERM_BAT_T"}, "point", "temperature spike of +25 degC for 2 minutes", p, p + 2 * kMinute},
      {"PAYLOAD_I", {"PAYLOAD_I", "PAYLOAD_MODE"}, "contextual",
       "payload current stuck at its standby level for 1 hour, whatever the mode", c, c + kHour},
      {"DEP_SQ_Y", {"DEP_SQ_X", "DEP_SQ_Y"}, "collective",
       "DEP_SQ_Y decouples from DEP_SQ_X for 1 hour (1 - x^2): both stay in range, the relation breaks", j, j + kHour},
  };
}

const Anomaly* active(const std::vector<Anomaly>& anomalies, const std::string& param, TimeNs t) {
  for (const auto& a : anomalies)
    if (a.param == param && t >= a.start && t < a.end) return &a;
  return nullptr;
}

// ---- One mission-day of telemetry ------------------------------------------------------------

constexpr double kOrbit = 95 * 60.0;          // s
constexpr double kEclipseFraction = 35.0 / 95;  // of each orbit
constexpr double kLagSeconds = 600;            // DEP_LAG_B follows DEP_LAG_A

// A smooth zero-mean process in about [-1, 1]: a few slow sinusoids with seeded periods.
double smooth(std::uint64_t seed, double t) {
  double v = 0;
  for (int k = 0; k < 4; ++k) {
    const double period = 1200 + 9000 * uniform(hash(seed, 11, k));
    const double phase = 2 * M_PI * uniform(hash(seed, 12, k));
    v += std::sin(2 * M_PI * t / period + phase);
  }
  return v / 2.2;
}

// A value held over slots of `slot` seconds: mode schedules.
std::uint64_t slot_hash(std::uint64_t seed, double t, double slot, int salt) {
  return hash(seed, salt, static_cast<std::uint64_t>(static_cast<std::int64_t>(std::floor(t / slot)) + (1LL << 40)));
}

struct DayModel {
  const GenerateOptions& o;
  std::uint64_t mseed;
  std::vector<Anomaly> anomalies;
  double orbit_offset;

  bool eclipse(double t) const {
    const double f = (t + orbit_offset) / kOrbit;
    return f - std::floor(f) < kEclipseFraction;
  }
  double env_temperature(double t) const { return eclipse(t) ? 5.0 : 16.0; }
  int aocs_mode(double t) const {
    const double u = uniform(slot_hash(mseed, t, 2 * 3600, 21));
    return u < 0.03 ? 3 : u < 0.2 ? 2 : u < 0.25 ? 0 : 1;
  }
  // Commanded, not a thermostat: a feedback loop would make the heater follow the temperature as
  // much as the reverse, and the planted lag would not be identifiable.
  bool heater_on(double t) const { return uniform(slot_hash(mseed, t, 15 * 60, 23)) < 0.4; }
  int payload_mode(double t) const { return static_cast<int>(slot_hash(mseed, t, 90 * 60, 22) % 3); }
  bool tx_on(double t) const {
    const double f = t / (4 * kOrbit);  // a 12-minute pass every fourth orbit
    return (f - std::floor(f)) * 4 * kOrbit < 12 * 60;
  }
};

// Simulates every parameter of one mission on the base grid of one day, then samples each at its
// own rate, with gaps and invalid samples.
std::map<std::string, io::Series, std::less<>> make_day(const DayModel& m, const std::vector<ParamSpec>& params,
                                                       TimeNs day_start) {
  const GenerateOptions& o = m.o;
  const std::int64_t n = kDay / o.rate;
  const double dt = static_cast<double>(o.rate) / kSecond;
  const double t0 = static_cast<double>(day_start - o.start) / kSecond;  // seconds since the archive start
  const std::int64_t index0 = (day_start - o.start) / o.rate;           // sample index since the start

  // Stateful processes, simulated from a warm-up of 12 hours before the day (long enough for
  // the thermal lag and the AR(1) processes to forget where they started).
  const std::int64_t warm = std::min<std::int64_t>(n, static_cast<std::int64_t>(12 * 3600 / dt) + 1);
  std::vector<double> heater(n), temp(n), charge(n), ar1(n), ar2(n), walk1(n), walk2(n);
  {
    double T = 17.5, q = 0.5, a1 = 0, a2 = 0, w1 = 0, w2 = 0;
    // Transport delays (heater to cell 240 s, array to battery 600 s) and fast responses (10 s),
    // so that each physical dependency has the lag truth.json gives it, to within a grid step.
    const double a_fast = std::exp(-dt / 10.0);
    for (std::int64_t i = -warm; i < n; ++i) {
      const double t = t0 + static_cast<double>(i) * dt;
      const bool on = m.heater_on(t);
      T = a_fast * T + (1 - a_fast) * (m.env_temperature(t) + (m.heater_on(t - 240) ? 12.0 : 0.0));
      q = a_fast * q + (1 - a_fast) * (m.eclipse(t - 600) ? 0.0 : 1.0);
      const std::uint64_t k = static_cast<std::uint64_t>(index0 + i + (1LL << 40));
      a1 = 0.99 * a1 + 0.1 * normal(hash(m.mseed, 31, k));
      a2 = 0.99 * a2 + 0.1 * normal(hash(m.mseed, 32, k));
      w1 = 0.9999 * w1 + 0.02 * normal(hash(m.mseed, 33, k));
      w2 = 0.9999 * w2 + 0.02 * normal(hash(m.mseed, 34, k));
      if (i >= 0) {
        heater[i] = on, temp[i] = T, charge[i] = q, ar1[i] = a1, ar2[i] = a2, walk1[i] = w1, walk2[i] = w2;
      }
    }
  }

  std::map<std::string, io::Series, std::less<>> out;
  for (std::size_t pi = 0; pi < params.size(); ++pi) {
    const ParamSpec& p = params[pi];
    const std::string& name = p.info.name;
    const std::uint64_t pseed = hash(m.mseed, 1000 + static_cast<std::uint64_t>(p.signal), p.variant);
    // One gap of 2 to 8 minutes per parameter and day.
    const double gap_at = uniform(hash(pseed, 41, static_cast<std::uint64_t>(index0))) * 86400;
    const double gap_len = 120 + 360 * uniform(hash(pseed, 42, static_cast<std::uint64_t>(index0)));
    io::Series& s = out[name];
    s.reserve(static_cast<std::size_t>(n / p.every + 1));
    for (std::int64_t i = 0; i < n; ++i) {
      if ((index0 + i) % p.every != 0) continue;
      const double sod = static_cast<double>(i) * dt;
      if (sod >= gap_at && sod < gap_at + gap_len) continue;
      const double t = t0 + sod;
      const TimeNs tn = day_start + i * o.rate;
      const std::uint64_t k = static_cast<std::uint64_t>(index0 + i + (1LL << 40));
      const double e = normal(hash(pseed, 51, k));
      double v = 0;
      switch (p.signal) {
        case Signal::solar_array_i: v = m.eclipse(t) ? 0.02 * e : 8 + 0.4 * std::cos(2 * M_PI * t / kOrbit) + 0.05 * e; break;
        case Signal::battery_v: v = 26.5 + 2.0 * charge[i] + 0.02 * e; break;
        case Signal::heater_on: v = heater[i]; break;
        case Signal::battery_t: v = temp[i] + 0.05 * e; break;
        case Signal::aocs_mode: v = m.aocs_mode(t); break;
        case Signal::payload_mode: v = m.payload_mode(t); break;
        case Signal::payload_i: v = std::array{0.2, 1.5, 3.0}[m.payload_mode(t)] + 0.05 * e; break;
        case Signal::tx_on: v = m.tx_on(t); break;
        case Signal::bus_i: {
          const double payload = active(m.anomalies, "PAYLOAD_I", tn) ? 1.5 : std::array{0.2, 1.5, 3.0}[m.payload_mode(t)];
          v = 2.0 + 1.2 * heater[i] + payload + 0.8 * m.tx_on(t) + 0.05 * e;
          break;
        }
        case Signal::lag_a: v = smooth(hash(m.mseed, 61), t) + 0.1 * e; break;
        case Signal::lag_b: v = 0.8 * smooth(hash(m.mseed, 61), t - kLagSeconds) + 0.2 * e; break;
        case Signal::sq_x: v = smooth(hash(m.mseed, 62), t); break;
        case Signal::sq_y: {
          const double x = smooth(hash(m.mseed, 62), t);
          v = (active(m.anomalies, name, tn) ? 1 - x * x : x * x) + 0.05 * e;
          break;
        }
        case Signal::sin_x: v = M_PI * std::sin(2 * M_PI * t / 7000 + 6 * uniform(hash(m.mseed, 63))); break;
        case Signal::sin_y: v = std::sin(3 * M_PI * std::sin(2 * M_PI * t / 7000 + 6 * uniform(hash(m.mseed, 63)))) + 0.1 * e; break;
        case Signal::noise: v = e; break;
        case Signal::ar1: v = p.variant == 1 ? ar1[i] : ar2[i]; break;
        case Signal::walk: v = p.variant == 1 ? walk1[i] : walk2[i]; break;
        case Signal::panel_t:
          v = 10 + 15 * std::cos(2 * M_PI * (t + m.orbit_offset) / kOrbit + 0.7 * p.variant) + 0.1 * e;
          break;
      }
      if (const Anomaly* a = active(m.anomalies, name, tn)) {
        if (a->cls == "point") v += 25;
        if (a->cls == "contextual") v = 1.5 + 0.05 * e;
      }
      // About 0.1% invalid samples, on numeric parameters only (states are always valid).
      if (p.info.kind == ParamKind::numeric && uniform(hash(pseed, 52, k)) < 0.001) v = std::nan("");
      s.time.push_back(tn);
      s.value.push_back(v);
    }
  }
  return out;
}

struct Dependency {
  const char* a;
  const char* b;
  double lag_seconds;
  const char* kind;
};
const std::vector<Dependency>& planted_dependencies() {
  static const std::vector<Dependency> deps = {
      {"DEP_LAG_A", "DEP_LAG_B", kLagSeconds, "lagged"},
      {"DEP_SQ_X", "DEP_SQ_Y", 0, "quadratic"},
      {"DEP_SIN_X", "DEP_SIN_Y", 0, "sine"},
      {"PAYLOAD_MODE", "PAYLOAD_I", 0, "state-shift"},
      {"THERM_HTR1_ON", "THERM_BAT_T", 240, "physical"},
      {"THERM_HTR1_ON", "POWER_BUS_I", 0, "physical"},
      {"PAYLOAD_I", "POWER_BUS_I", 0, "physical"},
      {"POWER_SA_I", "POWER_BAT_V", 600, "physical"},
  };
  return deps;
}

std::string mission_name(int m) { return "SYN" + std::to_string(m + 1); }

// Writes a JSON value read from an earlier truth.json back through the writer, keys in order.
void copy_json(io::JsonWriter& w, const nlohmann::ordered_json& v) {
  if (v.is_object()) {
    w.begin_object();
    for (const auto& [k, item] : v.items()) copy_json(w.key(k), item);
    w.end_object();
  } else if (v.is_array()) {
    w.begin_array();
    for (const auto& item : v) copy_json(w, item);
    w.end_array();
  } else if (v.is_string()) {
    w.value(v.get<std::string>());
  } else if (v.is_boolean()) {
    w.value(v.get<bool>());
  } else if (v.is_number_unsigned()) {
    w.value(v.get<std::uint64_t>());
  } else if (v.is_number_integer()) {
    w.value(v.get<std::int64_t>());
  } else if (v.is_number()) {
    w.value(v.get<double>());
  } else {
    w.null();
  }
}

// The missions of an earlier truth.json that this run does not regenerate, so that generating
// SYN1 again never loses SYN2's truth. A truth.json that does not parse stops the run: it is
// the only record of what was planted.
std::vector<nlohmann::ordered_json> kept_truth(const GenerateOptions& o) {
  const auto file = o.archive / "truth.json";
  std::vector<nlohmann::ordered_json> kept;
  std::ifstream in(file);
  if (!in) return kept;
  nlohmann::ordered_json old;
  try {
    old = nlohmann::ordered_json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw IoError(file.string() + ": not readable as JSON (" + e.what() + "); move it away to generate here");
  }
  for (const auto& m : old.value("missions", nlohmann::ordered_json::array())) {
    const std::string name = m.value("mission", "");
    bool regenerated = false;
    for (int i = 0; i < o.missions; ++i) regenerated = regenerated || name == mission_name(i);
    if (!regenerated) kept.push_back(m);
  }
  return kept;
}

void write_options(io::JsonWriter& w, const GenerateOptions& o) {
  w.field("seed", static_cast<std::uint64_t>(o.seed));
  w.key("options").begin_object();
  w.field("missions", o.missions).field("params", o.params).field("days", o.days);
  w.field("rate", format_duration(o.rate)).field("start", format_time(o.start));
  w.end_object();
}

void write_mission_truth(io::JsonWriter& w, const GenerateOptions& o, int m, const std::vector<ParamSpec>& params,
                         const std::vector<Anomaly>& anomalies) {
  w.begin_object();
  w.field("mission", mission_name(m));
  write_options(w, o);  // per mission too: missions kept from an earlier run carry their own
  w.key("parameters").begin_array();
  for (const auto& p : params) {
    w.begin_object().field("name", p.info.name).field("kind", std::string(io::to_string(p.info.kind)));
    w.field("subsystem", p.info.subsystem).field("every", static_cast<std::int64_t>(p.every) * o.rate / kSecond);
    w.end_object();
  }
  w.end_array();
  w.key("dependencies").begin_array();
  for (const auto& d : planted_dependencies()) {
    w.begin_object().field("param_a", d.a).field("param_b", d.b).field("lag_seconds", d.lag_seconds).field("kind", d.kind);
    w.end_object();
  }
  w.end_array();
  w.key("independent").begin_array();
  for (const auto& p : params)
    if (p.info.subsystem == "IND") w.value(p.info.name);
  w.end_array();
  w.key("anomalies").begin_array();
  for (const auto& a : anomalies) {
    w.begin_object().field("param", a.param).field("start", format_time(a.start)).field("end", format_time(a.end));
    w.field("class", a.cls).field("description", a.description);
    w.key("params").begin_array();
    for (const auto& i : a.involved) w.value(i);
    w.end_array().end_object();
  }
  w.end_array();
  w.end_object();
}

void write_truth(const GenerateOptions& o, const std::vector<std::vector<ParamSpec>>& params,
                 const std::vector<std::vector<Anomaly>>& anomalies, const std::vector<nlohmann::ordered_json>& kept) {
  io::JsonWriter w;
  w.begin_object();
  w.field("generator", "telemine generate 1");
  write_options(w, o);
  w.key("missions").begin_array();
  for (int m = 0; m < o.missions; ++m) write_mission_truth(w, o, m, params[m], anomalies[m]);
  for (const auto& k : kept) copy_json(w, k);
  w.end_array();
  w.end_object();
  io::write_file_atomically(o.archive / "truth.json", w.str());
}

// Generating into a mission that exists would merge new samples into its days and double its
// anomalies: refused unless --replace, which removes the mission first.
void clear_existing_missions(const GenerateOptions& o) {
  for (int m = 0; m < o.missions; ++m) {
    const auto dir = o.archive / mission_name(m);
    if (!std::filesystem::exists(dir)) continue;
    if (!o.replace)
      throw UsageError("generate: mission " + mission_name(m) + " already exists in " + o.archive.string() +
                       ": generating again would merge new samples into it; pass --replace to regenerate it, "
                       "or choose another --archive");
    std::filesystem::remove_all(dir);
  }
}

}  // namespace

GenerateReport generate(const GenerateOptions& o, const Comm& comm) {
  const int minimum = static_cast<int>(planted_params().size());
  if (o.params < minimum)
    throw UsageError("--params " + std::to_string(o.params) + " is below the planted set: at least " + std::to_string(minimum));
  if (o.missions < 1 || o.days < 1) throw UsageError("--mission-count and --days must be at least 1");
  if (o.rate <= 0 || kDay % o.rate != 0) throw UsageError("--rate " + format_duration(o.rate) + " must divide a day");
  if (bucket_start(o.start, kDay) != o.start) throw UsageError("--start must be a day (midnight UTC)");

  std::vector<nlohmann::ordered_json> kept;
  comm.run_phase([&] {
    if (!comm.is_root()) return;
    kept = kept_truth(o);
    clear_existing_missions(o);
  });

  GenerateReport report;
  std::vector<std::vector<ParamSpec>> params;
  std::vector<std::vector<Anomaly>> anomalies;
  // Days in contiguous blocks per rank.
  const int first = o.days * comm.rank() / comm.size(), last = o.days * (comm.rank() + 1) / comm.size();
  Progress progress(comm, "generate", static_cast<std::int64_t>(o.missions) * (last - first), "mission-days", o.progress);
  std::int64_t done = 0, samples = 0, partitions = 0;
  for (int m = 0; m < o.missions; ++m) {
    const std::string mission = mission_name(m);
    const std::uint64_t mseed = hash(o.seed, 0x5eed, static_cast<std::uint64_t>(m));
    params.push_back(mission_params(o.params));
    anomalies.push_back(plan_anomalies(o, mseed));
    const DayModel model{o, mseed, anomalies.back(), kOrbit * uniform(hash(mseed, 5))};

    io::MissionWriter writer = io::MissionWriter::open(o.archive, mission, comm);
    for (const auto& p : params.back()) writer.declare(p.info);
    for (const auto& a : anomalies.back()) writer.add_event({a.start, a.end, "anomaly", a.param, a.cls, a.description});
    comm.run_phase([&] {
      for (int d = first; d < last; ++d) {
        const TimeNs day = o.start + d * kDay;
        auto data = make_day(model, params.back(), day);
        for (const auto& [_, s] : data) samples += static_cast<std::int64_t>(s.size());
        writer.write_slice(day, std::move(data));
        ++partitions;
        progress.update(++done);
      }
    });
    writer.commit();
  }
  progress.finish();
  comm.run_phase([&] {
    if (comm.is_root()) write_truth(o, params, anomalies, kept);
  });
  std::int64_t counts[2] = {samples, partitions};
  comm.allreduce(std::span<std::int64_t>(counts, 2), ReduceOp::sum);
  report.missions = o.missions;
  report.params = o.params;
  report.samples = counts[0];
  report.partitions = counts[1];
  report.anomalies = static_cast<std::int64_t>(o.missions) * 3;
  report.dependencies = static_cast<std::int64_t>(planted_dependencies().size());
  return report;
}

}  // namespace telemine::jobs
