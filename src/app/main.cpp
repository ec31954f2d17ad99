// The telemine command line: `telemine <command> [options]`.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <algorithm>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "io/ingest.hpp"
#include "jobs/generate.hpp"
#include "jobs/job.hpp"
#include "jobs/product.hpp"
#include "jobs/novelty.hpp"
#include "jobs/run.hpp"
#include "jobs/submit.hpp"
#include "jobs/retrieve.hpp"
#include "jobs/derived/derive.hpp"

namespace po = boost::program_options;
using namespace telemine;

namespace {


struct Command {
  const char* name;
  const char* summary;
  std::function<int(const Comm&, const std::vector<std::string>&)> run;
};

// Parses a command's options; `--help` prints usage and returns false.
bool parse(const std::string& command, const std::string& usage, po::options_description& desc,
           const std::vector<std::string>& args, po::variables_map& vm,
           const po::positional_options_description* positional = nullptr) {
  desc.add_options()("help,h", "show this help");
  try {
    po::command_line_parser parser(args);
    parser.options(desc);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: telemine " << command << " " << usage << "\n\n" << desc << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError("telemine " + command + ": " + e.what() + " (see telemine " + command + " --help)");
  }
  return true;
}

bool show_progress(const po::variables_map& vm) { return !vm.count("quiet"); }

int cmd_generate(const Comm& comm, const std::vector<std::string>& args) {
  jobs::GenerateOptions o;
  std::string archive, rate, start;
  po::options_description desc("generate options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder to create or extend")
      ("missions", po::value(&o.missions)->default_value(2), "number of missions, SYN1 .. SYN<N>")
      ("params", po::value(&o.params)->default_value(40), "parameters per mission")
      ("days", po::value(&o.days)->default_value(3), "days of telemetry")
      ("rate", po::value(&rate)->default_value("1s"), "base sample period (1s, 250ms) or rate (1Hz, 4Hz)")
      ("seed", po::value(&o.seed)->default_value(1), "random seed: the same seed gives the same archive")
      ("start", po::value(&start)->default_value("2026-01-01"), "first day (ISO-8601)")
      ("quiet,q", "no progress output");
  po::variables_map vm;
  if (!parse("generate", "--archive A [--missions N --params P --days D --rate R --seed S]", desc, args, vm))
    return 0;
  o.archive = archive;
  if (rate.size() > 2 && rate.substr(rate.size() - 2) == "Hz") {
    const double hz = std::stod(rate.substr(0, rate.size() - 2));
    if (!(hz > 0)) throw UsageError("--rate " + rate + " must be positive");
    o.rate = static_cast<DurationNs>(1e9 / hz);
  } else {
    o.rate = parse_duration(rate);
  }
  o.start = bucket_start(parse_time(start), kDay);
  if (o.missions < 1 || o.days < 1) throw UsageError("--missions and --days must be at least 1");
  o.progress = show_progress(vm);
  const auto r = jobs::generate(o, comm);
  if (comm.is_root())
    std::printf("generated %lld missions x %lld params x %d days: %lld partitions, %lld samples, "
                "%lld planted dependencies, %lld planted anomalies\narchive: %s\ntruth:   %s\n",
                static_cast<long long>(r.missions), static_cast<long long>(r.params), o.days,
                static_cast<long long>(r.partitions), static_cast<long long>(r.samples),
                static_cast<long long>(r.dependencies), static_cast<long long>(r.anomalies), archive.c_str(),
                (std::filesystem::path(archive) / "truth.json").c_str());
  return 0;
}

int cmd_ingest(const Comm& comm, const std::vector<std::string>& args) {
  io::IngestOptions o;
  std::string archive, format, period, slice;
  std::vector<std::string> inputs;
  po::options_description desc("ingest options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder (created if missing)")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("format", po::value(&format)->required(), "csv-long, csv-wide or telemanom")
      ("input", po::value(&inputs)->required()->multitoken(), "input files or folders")
      ("period", po::value(&period)->default_value("60s"), "telemanom: time between rows")
      ("slice", po::value(&slice)->default_value("1d"), "partition length for a new mission (1d, 1h)")
      ("quiet,q", "no progress output");
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  if (!parse("ingest", "--archive A --mission M --format F --input PATH...", desc, args, vm, &pos)) return 0;
  o.archive = archive;
  o.format = io::parse_input_format(format);
  for (auto& i : inputs) o.inputs.emplace_back(i);
  o.period = parse_duration(period);
  o.slice = parse_duration(slice);
  o.progress = show_progress(vm);
  const auto r = io::ingest(o, comm);
  if (comm.is_root()) {
    std::printf("ingested %lld files, %lld rows into %s/%s: %lld partitions written, %lld unchanged; "
                "%lld parameters, %lld events\n",
                static_cast<long long>(r.files), static_cast<long long>(r.rows), archive.c_str(), o.mission.c_str(),
                static_cast<long long>(r.write.partitions_written), static_cast<long long>(r.write.partitions_unchanged),
                static_cast<long long>(r.params), static_cast<long long>(r.events));
    if (r.duplicates > 0)
      log::warn(std::to_string(r.duplicates) + " duplicate (parameter, time) samples in the input: the last one was kept");
  }
  return 0;
}

int cmd_info(const Comm& comm, const std::vector<std::string>& args) {
  std::string archive, mission, format;
  po::options_description desc("info options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&mission), "show one mission's parameters and events")
      ("format", po::value(&format)->default_value("table"), "table or csv");
  po::variables_map vm;
  if (!parse("info", "--archive A [--mission M] [--format table|csv]", desc, args, vm)) return 0;
  const auto f = jobs::parse_table_format(format);
  comm.run_phase([&] {
    if (comm.is_root()) jobs::info(archive, mission, f, stdout);
  });
  return 0;
}

int cmd_evaluate(const Comm& comm, const std::vector<std::string>& args) {
  jobs::EvaluateOptions o;
  po::options_description desc("evaluate options");
  desc.add_options()
      ("archive", po::value(&o.archive)->required(), "archive folder (its anomaly events are the labels)")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("detections", po::value(&o.detections)->required(), "detections.csv (mission,param,start,end,...)")
      ("from", po::value(&o.from), "start of the scored range (ISO-8601; default: the mission's start)")
      ("to", po::value(&o.to), "end of the scored range (exclusive; default: the mission's end)")
      ("output", po::value(&o.output), "the CSV (default: evaluation.csv beside the detections)");
  po::variables_map vm;
  if (!parse("evaluate", "--archive A --mission M --detections FILE [--from T] [--to T] [--output CSV]", desc, args, vm))
    return 0;
  int status = 0;
  comm.run_phase([&] {
    if (comm.is_root()) status = jobs::evaluate(o, stdout);
  });
  return status;
}

int cmd_get(const Comm& comm, const std::vector<std::string>& args) {
  jobs::GetOptions o;
  std::string archive, from, to, format, grid, hold;
  po::options_description desc("get options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("param", po::value(&o.param)->required(), "parameter name, or an expression ('POWER_BUS_V * POWER_BUS_I')")
      ("from", po::value(&from), "first time (ISO-8601, inclusive)")
      ("to", po::value(&to), "end time (ISO-8601, exclusive)")
      ("format", po::value(&format)->default_value("table"), "table or csv")
      ("define", po::value(&o.defines)->composing(), "a derived parameter 'NAME = EXPR' that --param may name (repeatable)")
      ("grid", po::value(&grid), "derived: align the inputs on this grid (default: the first input's times)")
      ("hold", po::value(&hold), "derived: the longest a value is held (default: the mission's slice)");
  po::variables_map vm;
  if (!parse("get", "--archive A --mission M --param P|EXPR [--define 'N = EXPR'] [--from T] [--to T] [--format table|csv]",
             desc, args, vm))
    return 0;
  if (!grid.empty()) o.grid = parse_duration(grid);
  if (!hold.empty()) o.hold = parse_duration(hold);
  o.archive = archive;
  if (!from.empty()) o.from = parse_time(from);
  if (!to.empty()) o.to = parse_time(to);
  o.format = jobs::parse_table_format(format);
  comm.run_phase([&] {
    if (comm.is_root()) jobs::get(o, stdout);
  });
  return 0;
}

int cmd_derive(const Comm& comm, const std::vector<std::string>& args) {
  jobs::DeriveOptions o;
  std::string archive, kind, grid, hold;
  po::options_description desc("derive options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder")
      ("mission", po::value(&o.mission)->required(), "mission name")
      ("define", po::value(&o.define)->required(), "the parameter to write: 'NAME = EXPR'")
      ("helper", po::value(&o.helpers)->composing(), "another 'NAME = EXPR' the definition uses, not written (repeatable)")
      ("unit", po::value(&o.unit), "unit of the new parameter")
      ("description", po::value(&o.description), "description (default: = EXPR)")
      ("kind", po::value(&kind)->default_value("numeric"), "numeric or state")
      ("grid", po::value(&grid), "align the inputs on this grid (default: the first input's times)")
      ("hold", po::value(&hold), "the longest a value is held (default: the mission's slice)");
  po::variables_map vm;
  if (!parse("derive", "--archive A --mission M --define 'NAME = EXPR' [--unit U] [--description D]", desc, args, vm))
    return 0;
  o.archive = archive;
  o.kind = io::parse_param_kind(kind);
  if (!grid.empty()) o.grid = parse_duration(grid);
  if (!hold.empty()) o.hold = parse_duration(hold);
  const auto r = jobs::derive(o, comm);
  if (comm.is_root())
    std::printf("derived %s: %lld samples into %lld partitions of %s/%s (%lld unchanged)\n", r.name.c_str(),
                static_cast<long long>(r.samples), static_cast<long long>(r.write.partitions_written), archive.c_str(),
                o.mission.c_str(), static_cast<long long>(r.write.partitions_unchanged));
  return 0;
}

bool wants_help(const std::vector<std::string>& args) {
  return std::find(args.begin(), args.end(), "--help") != args.end() ||
         std::find(args.begin(), args.end(), "-h") != args.end();
}

int cmd_run(const Comm& comm, const std::vector<std::string>& args) {
  if (args.empty() || wants_help(args)) {
    if (comm.is_root())
      std::printf("usage: telemine run JOB.ini [--key=value ...] [--section.key=value ...] [--dry-run] [--quiet]\n\n%s",
                  jobs::Job::help().c_str());
    return args.empty() ? 2 : 0;
  }
  if (args[0].rfind("--", 0) == 0) throw UsageError("telemine run: the job file comes first (telemine run JOB.ini ...)");
  const auto job = jobs::Job::parse(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
  return jobs::run_job(job, comm);
}

int cmd_submit(const Comm& comm, const std::vector<std::string>& args) {
  if (args.empty() || wants_help(args)) {
    if (comm.is_root())
      std::printf("usage: telemine submit JOB.ini [--key=value ...] [--dry-run]\n\n"
                  "Writes OUTPUT/job.sbatch (the job under srun --mpi=pmix, with the job file's [slurm]\n"
                  "settings), submits it with sbatch and prints the Slurm job id. --dry-run prints the\n"
                  "script and submits nothing.\n");
    return args.empty() ? 2 : 0;
  }
  if (args[0].rfind("--", 0) == 0) throw UsageError("telemine submit: the job file comes first (telemine submit JOB.ini ...)");
  std::vector<std::string> overrides;
  bool dry_run = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--dry-run") dry_run = true;
    else overrides.push_back(args[i]);
  }
  std::string id;
  comm.run_phase([&] {
    if (comm.is_root()) id = jobs::submit(args[0], overrides, dry_run, stdout);
  });
  if (comm.is_root() && !dry_run) std::printf("%s\n", id.c_str());
  return 0;
}

// `telemine stats ...` is the job `kind = stats` given on the command line.
int cmd_kind(const std::string& kind, const Comm& comm, const std::vector<std::string>& args) {
  if (wants_help(args)) {
    if (comm.is_root())
      std::printf("usage: telemine %s --archive A --mission M [--params P] [--from T] [--to T] --output O [...]\n"
                  "       (the %s section's keys may be given without their prefix)\n\n%s",
                  kind.c_str(), kind.c_str(), jobs::Job::help().c_str());
    return 0;
  }
  return jobs::run_job(jobs::Job::parse({}, args, kind), comm);
}

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"generate", "create a synthetic multi-mission archive with planted dependencies and anomalies", cmd_generate},
      {"ingest", "add CSV or telemanom (.npy) telemetry to a mission of the archive", cmd_ingest},
      {"info", "missions, parameters, time spans, sample counts, size on disk", cmd_info},
      {"get", "one parameter's samples over a time range, as a table or CSV", cmd_get},
      {"derive", "materialise a derived parameter (an expression over parameters) into the archive", cmd_derive},
      {"run", "run a job file (any kind); options on the command line override the file", cmd_run},
      {"submit", "submit a job file to Slurm (sbatch); prints the job id", cmd_submit},
      {"stats", "per-bucket statistics of parameters (the job kind `stats` as a command)",
       [](const Comm& c, const std::vector<std::string>& a) { return cmd_kind("stats", c, a); }},
      {"novelty", "autoencoders learn nominal behaviour; novel periods and the parameters responsible (the job kind `novelty` as a command)",
       [](const Comm& c, const std::vector<std::string>& a) { return cmd_kind("novelty", c, a); }},
      {"forest", "Random Forests explain parameters from the others and their lags; residuals as novelty (the job kind `forest` as a command)",
       [](const Comm& c, const std::vector<std::string>& a) { return cmd_kind("forest", c, a); }},
      {"evaluate", "event-wise precision, recall and F0.5 of detections against the archive's anomaly labels", cmd_evaluate},
      {"dependency", "which parameters move together, and with what delay (the job kind `dependency` as a command)",
       [](const Comm& c, const std::vector<std::string>& a) { return cmd_kind("dependency", c, a); }},
  };
  return list;
}

void usage(std::FILE* out) {
  std::fprintf(out, "telemine %s: batch analytics for spacecraft housekeeping telemetry\n\n"
                    "usage: telemine <command> [options]     (telemine <command> --help for its options)\n\n"
                    "commands:\n", jobs::version());
  for (const auto& c : commands()) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nexit status: 0 done, 1 failed, 2 bad usage\n");
}

int dispatch(const Comm& comm, int argc, char** argv) {
  if (argc < 2) {
    if (comm.is_root()) usage(stderr);
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    if (comm.is_root()) usage(stdout);
    return 0;
  }
  if (name == "--version") {
    if (comm.is_root()) std::printf("telemine %s\n", jobs::version());
    return 0;
  }
  for (const auto& c : commands())
    if (name == c.name) return c.run(comm, std::vector<std::string>(argv + 2, argv + argc));
  throw UsageError("unknown command '" + name + "' (see telemine --help)");
}

}  // namespace

int main(int argc, char** argv) {
  MpiGuard guard(argc, argv);
  // Past a file size limit, writes then fail with EFBIG and are reported like a full disk,
  // instead of the process being killed with temporary files left behind.
  std::signal(SIGXFSZ, SIG_IGN);
  int code = 0;
  {
    Comm comm = Comm::world();
    log::set_rank(comm.rank());
    try {
      code = dispatch(comm, argc, argv);
    } catch (const std::exception& e) {
      const auto* error = dynamic_cast<const Error*>(&e);
      code = error ? error->exit_code() : 1;
      if (Comm::failure_agreed() || comm.size() == 1 || dynamic_cast<const UsageError*>(&e)) {
        // Every rank has this error (or parsed the same bad usage): rank 0 speaks, all exit.
        if (comm.is_root()) log::error_any_rank(e.what());
      } else {
        // Only this rank failed: the others may be waiting in a collective, so stop them all.
        log::error_any_rank(e.what());
        comm.abort(code);
      }
    }
    std::fflush(stdout);
  }
  return code;
}
