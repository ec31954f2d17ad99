#include "stream/limits.hpp"

#include <boost/program_options.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "io/csv_writer.hpp"
#include "io/json.hpp"
#include "io/mission_writer.hpp"

namespace po = boost::program_options;

namespace telemine::stream {

namespace {

constexpr std::string_view kPrefix = "limits.";

std::string number_text(double v) {
  std::string s;
  io::append_csv_number(s, v);
  return s;
}

bool parse_side(std::string_view s, double& v) {
  if (s.empty()) return true;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

Limits read_limits(const io::Catalog& catalog) {
  Limits out;
  for (const auto& [key, value] : catalog.attributes) {
    if (key.rfind(kPrefix, 0) != 0 || value.empty()) continue;
    const auto comma = value.find(',');
    Limit l;
    if (comma == std::string::npos || !parse_side(std::string_view(value).substr(0, comma), l.low) ||
        !parse_side(std::string_view(value).substr(comma + 1), l.high))
      throw IoError(catalog.mission + "/catalog.h5: attribute " + key + " = '" + value + "' is not LOW,HIGH");
    out.emplace(key.substr(kPrefix.size()), l);
  }
  return out;
}

std::string limit_text(const Limit& l) {
  return (std::isinf(l.low) ? "" : number_text(l.low)) + "," + (std::isinf(l.high) ? "" : number_text(l.high));
}

std::string alert_json(std::string_view mission, const Alert& a) {
  return "{\"kind\":\"alert\",\"mission\":" + io::json_quote(mission) + ",\"param\":" + io::json_quote(a.param) +
         ",\"time\":\"" + format_time(a.time) + "\",\"value\":" + number_text(a.value) + ",\"low\":" +
         (std::isinf(a.limit.low) ? "null" : number_text(a.limit.low)) + ",\"high\":" +
         (std::isinf(a.limit.high) ? "null" : number_text(a.limit.high)) + "}\n";
}

io::Event alert_event(const Alert& a) {
  io::Event e;
  e.start = a.time;
  e.end = a.time + 1;
  e.kind = "alert";
  e.param = a.param;
  e.cls = "out-of-limit";
  e.text = "value " + number_text(a.value) + " outside limits [" + limit_text(a.limit) + "]";
  return e;
}

int cmd_limits(const Comm& comm, const std::vector<std::string>& args) {
  std::string action, archive, mission, param, low, high;
  po::options_description desc("limits options");
  desc.add_options()("help,h", "show this help")
      ("action", po::value(&action)->required(), "set or list")
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&mission)->required(), "mission name")
      ("param", po::value(&param), "set: the parameter")
      ("low", po::value(&low)->default_value(""), "set: lowest value within limits (empty: none)")
      ("high", po::value(&high)->default_value(""), "set: highest value within limits (empty: none)");
  po::positional_options_description pos;
  pos.add("action", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: telemine limits set|list --archive A --mission M [--param P --low X --high Y]\n\n"
                << "Out-of-limit checks of `telemine stream`: a sample outside its parameter's limits raises an alert.\n"
                   "set with neither --low nor --high removes the parameter's limits.\n\n"
                << desc << "\n";
      return 0;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string("telemine limits: ") + e.what() + " (see telemine limits --help)");
  }
  if (action == "list") {
    comm.run_phase([&] {
      if (!comm.is_root()) return;
      const io::Archive a = io::Archive::open(archive);
      std::printf("param,low,high\n");
      for (const auto& [name, l] : read_limits(a.catalog(mission))) std::printf("%s,%s\n", name.c_str(), limit_text(l).c_str());
    });
    return 0;
  }
  if (action != "set") throw UsageError("telemine limits: unknown action '" + action + "' (set or list)");
  if (param.empty()) throw UsageError("telemine limits set: --param is required");
  Limit l;
  if (!parse_side(low, l.low)) throw UsageError("telemine limits set: --low '" + low + "' is not a finite number");
  if (!parse_side(high, l.high)) throw UsageError("telemine limits set: --high '" + high + "' is not a finite number");
  if (l.low > l.high) throw UsageError("telemine limits set: --low is above --high");
  if (!io::Archive::open(archive).has_mission(mission))
    throw UsageError("telemine limits set: no mission '" + mission + "' in " + archive);
  io::MissionWriter w = io::MissionWriter::open(archive, mission, comm);
  w.set_attribute(std::string(kPrefix) + param, low.empty() && high.empty() ? "" : limit_text(l));
  w.commit();
  return 0;
}

}  // namespace telemine::stream
