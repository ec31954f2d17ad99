#include "stream/cli.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "stream/engine.hpp"
#include "stream/server.hpp"

namespace po = boost::program_options;

namespace telemine::stream {

namespace {

const char* kUsage =
    "--archive A --mission M (--input - | --listen HOST:PORT) [--flush 200ms] [--lateness 5min] "
    "[--compact-every 10min] [--alerts FILE] [--models DIR] [--stats FILE [--stats-bucket 1min]]";

// Options as every command reads them; false after --help.
bool parse_args(const std::vector<std::string>& args, po::options_description& desc, po::variables_map& vm) {
  desc.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: telemine stream " << kUsage << "\n\n"
                << "Samples (csv-long lines time,param,value) from standard input or TCP clients are made\n"
                   "durable in the mission's live segment at each flush and acknowledged (`ack N`), visible\n"
                   "to get at once, and compacted into the day partitions when a day closes, at the interval\n"
                   "and at the end (SIGINT/SIGTERM, or the end of standard input).\n\n"
                << desc << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string("telemine stream: ") + e.what() + " (see telemine stream --help)");
  }
  return true;
}

}  // namespace

int cmd_stream(const Comm& comm, const std::vector<std::string>& args) {
  StreamOptions o;
  std::string archive, input, listen, flush, lateness, every, slice, alerts, models, stats, stats_bucket;
  po::options_description desc("stream options");
  desc.add_options()
      ("archive", po::value(&archive)->required(), "archive folder (created if missing)")
      ("mission", po::value(&o.mission)->required(), "mission name (created if new)")
      ("input", po::value(&input), "- : read lines from standard input")
      ("listen", po::value(&listen), "HOST:PORT to accept TCP clients on (port 0: any, printed)")
      ("flush", po::value(&flush)->default_value("200ms"), "batch period: samples are fsynced and acknowledged at each")
      ("lateness", po::value(&lateness)->default_value("5min"), "how far behind the newest sample one may arrive; later ones are refused")
      ("compact-every", po::value(&every)->default_value("10min"), "compaction interval (also when a day closes, and at the end)")
      ("slice", po::value(&slice)->default_value("1d"), "partition length for a new mission (1d, 1h)")
      ("alerts", po::value(&alerts), "out-of-limit alerts (telemine limits) as JSON lines to FILE (- : stdout)")
      ("models", po::value(&models), "a novelty job's models folder: each model's rows (periods, windows, grid steps) scored as they complete, novel ones alerted")
      ("stats", po::value(&stats), "per-bucket statistics of every parameter, kept as samples arrive, as JSON lines to FILE (- : stdout) when a bucket completes")
      ("stats-bucket", po::value(&stats_bucket)->default_value("1min"), "the bucket width of --stats");
  po::variables_map vm;
  if (!parse_args(args, desc, vm)) return 0;
  if (comm.size() > 1) throw UsageError("telemine stream runs as one process (not under mpirun -np > 1)");
  if (input.empty() == listen.empty()) throw UsageError("telemine stream: give one of --input - or --listen HOST:PORT");
  if (!input.empty() && input != "-")
    throw UsageError("telemine stream: --input takes only - (standard input); use ingest for files");
  o.archive = archive;
  o.flush = parse_duration(flush);
  o.lateness = parse_duration(lateness, true);
  o.compact_every = parse_duration(every);
  o.slice = parse_duration(slice);
  o.alerts = alerts;
  o.models = models;
  o.stats = stats;
  o.stats_bucket = parse_duration(stats_bucket);
  const Endpoint endpoint = input.empty() ? parse_endpoint(listen) : Endpoint{true, "", 0};
  StreamEngine engine(o);
  serve_stream(engine, endpoint);
  const StreamCounters c = engine.counters();
  std::fprintf(stderr,
               "stream %s: %lld samples acknowledged, %lld malformed lines and %lld late samples refused, "
               "%lld compactions, %lld alerts, %lld novel periods, %lld buckets of statistics\n",
               o.mission.c_str(), static_cast<long long>(c.acked), static_cast<long long>(c.malformed),
               static_cast<long long>(c.late), static_cast<long long>(c.compactions),
               static_cast<long long>(c.alerts), static_cast<long long>(c.novel), static_cast<long long>(c.buckets));
  return 0;
}

}  // namespace telemine::stream
