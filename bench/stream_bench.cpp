// The speed layer (issue #20), three questions, each answered in one run:
//   stream_bench throughput TELEMINE DIR [SAMPLES] [CLIENTS]
//     sustained samples/s into `telemine stream --flush 200ms` (TCP clients on loopback, until
//     every sample is acknowledged, i.e. fsynced) against SQLite in WAL mode with the same lines
//     parsed and inserted in transactions committed every 200 ms (synchronous=FULL: durable at
//     each commit, the same promise); medians of 3 runs each and their ratio.
//   stream_bench latency TELEMINE DIR [RATE] [SECONDS] [COMPACT_EVERY] [get|serve]
//     p50/p99 from a sample sent to `telemine get` returning it (or `telemine serve`, polled over
//     HTTP on loopback), with the stream taking RATE samples/s (default 100,000) meanwhile.
//   stream_bench compact DIR [PARAMS] [HOURS]
//     compaction (an ingest of the segment) of a day at 1 Hz x 1,000 parameters, parsed from
//     its file (a segment a restarted stream recovers).
//   stream_bench alerts TELEMINE DIR [SPEED] [HOURS] [THRESHOLD]
//     sample to alert: HOURS of a generated mission's day replayed at SPEED x real time through
//     `telemine stream --models`, the time from the sample closing a period to its alert line.
//   stream_bench compact-live DIR [PARAMS] [HOURS]
//     the same day taken by the stream engine in-process, then its compaction as the stream
//     does it: from the samples the engine kept, the file not parsed again.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"
#include "io/csv_writer.hpp"
#include "io/live.hpp"
#include "stream/compactor.hpp"
#include "stream/engine.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
extern char** environ;

namespace {

constexpr std::int64_t kT0 = 1767225600LL * 1000000000LL;  // 2026-01-01

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// `n` csv-long lines over 1,000 parameters at 1 kHz each (time in ns), split over `parts` clients
// (client c gets parameters c, c + parts, ...: disjoint, as real sources are).
std::vector<std::string> make_lines(std::int64_t n, int parts) {
  std::vector<std::string> out(static_cast<std::size_t>(parts));
  char buf[96];
  for (std::int64_t i = 0; i < n; ++i) {
    const int p = static_cast<int>(i % 1000);
    std::string& s = out[static_cast<std::size_t>(p % parts)];
    char* e = std::to_chars(buf, buf + 32, kT0 + (i / 1000) * 1000000).ptr;
    e += std::snprintf(e, 40, ",P%03d,", p);
    s.append(buf, e);
    telemine::io::append_csv_number(s, static_cast<double>((i * 7919) % 100003) / 8.0);
    s += '\n';
  }
  return out;
}

struct Child {
  pid_t pid = -1;
  int port = 0;
};

// Starts `args` with its stdout on a pipe; returns at its first line, which must end in :PORT
// (or :PORT/...).
Child spawn_with_port(std::vector<std::string> args, bool quiet = false) {
  int out[2];
  if (::pipe(out) != 0) std::abort();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  if (quiet) posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);  // a server's request log
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Child c;
  if (posix_spawn(&c.pid, args[0].c_str(), &fa, nullptr, argv.data(), environ) != 0) std::abort();
  ::close(out[1]);
  std::string text;
  char ch;
  while (::read(out[0], &ch, 1) == 1 && ch != '\n') text += ch;
  ::close(out[0]);
  if (!text.empty() && text.back() == '/') text.pop_back();
  c.port = std::stoi(text.substr(text.rfind(':') + 1));
  return c;
}

Child start_stream(const std::string& telemine, const fs::path& archive, const std::string& extra) {
  return spawn_with_port({telemine, "stream", "--archive", archive.string(), "--mission", "B", "--listen", "127.0.0.1:0",
                          "--flush", "200ms", "--lateness", "1d", "--compact-every", extra});
}

void stop_stream(Child& c) {
  ::kill(c.pid, SIGTERM);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) std::abort();
  return fd;
}

// Sends everything, closes the sending side, reads acks until the server closes; the last ack.
std::int64_t send_all(int port, const std::string& text) {
  const int fd = connect_to(port);
  std::thread reader;
  std::int64_t last = 0;
  reader = std::thread([&] {
    std::string in;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) in.append(buf, static_cast<std::size_t>(n));
    for (auto p = in.rfind("ack "); p != std::string::npos;) {
      last = std::stoll(in.substr(p + 4));
      break;
    }
  });
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::send(fd, text.data() + done, std::min<std::size_t>(text.size() - done, 1 << 20), 0);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  reader.join();
  ::close(fd);
  return last;
}

double stream_run(const std::string& telemine, const fs::path& dir, const std::vector<std::string>& parts,
                  std::int64_t n) {
  fs::remove_all(dir);
  Child c = start_stream(telemine, dir, "1h");
  const auto t0 = Clock::now();
  std::vector<std::thread> th;
  std::atomic<std::int64_t> acked{0};
  for (const auto& p : parts) th.emplace_back([&, port = c.port] { acked += send_all(port, p); });
  for (auto& t : th) t.join();
  const double s = seconds_since(t0);
  stop_stream(c);
  if (acked != n) std::fprintf(stderr, "stream: %lld acknowledged of %lld\n", static_cast<long long>(acked.load()),
                               static_cast<long long>(n));
  return s;
}

// The peer: the same lines parsed (time, name -> id, value) and inserted, committed every 200 ms.
double sqlite_run(const fs::path& dir, const std::vector<std::string>& parts) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  sqlite3* db = nullptr;
  sqlite3_open((dir / "samples.sqlite").c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                   "CREATE TABLE samples(time INTEGER NOT NULL, param INTEGER NOT NULL, value REAL);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO samples VALUES (?, ?, ?)", -1, &ins, nullptr);
  std::map<std::string, int, std::less<>> ids;
  const auto t0 = Clock::now();
  auto batch_start = t0;
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (const auto& text : parts) {
    for (std::size_t pos = 0; pos < text.size();) {
      const auto nl = text.find('\n', pos);
      const std::string_view line(text.data() + pos, nl - pos);
      pos = nl + 1;
      const auto a = line.find(','), b = line.find(',', a + 1);
      std::int64_t t = 0;
      double v = 0;
      std::from_chars(line.data(), line.data() + a, t);
      std::from_chars(line.data() + b + 1, line.data() + line.size(), v);
      const auto name = line.substr(a + 1, b - a - 1);
      auto it = ids.find(name);
      if (it == ids.end()) it = ids.emplace(std::string(name), static_cast<int>(ids.size())).first;
      sqlite3_bind_int64(ins, 1, t);
      sqlite3_bind_int(ins, 2, it->second);
      sqlite3_bind_double(ins, 3, v);
      sqlite3_step(ins);
      sqlite3_reset(ins);
      if (Clock::now() - batch_start >= std::chrono::milliseconds(200)) {
        sqlite3_exec(db, "COMMIT; BEGIN", nullptr, nullptr, nullptr);
        batch_start = Clock::now();
      }
    }
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  const double s = seconds_since(t0);
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return s;
}

int throughput(const std::string& telemine, const fs::path& dir, std::int64_t n, int clients) {
  const auto parts = make_lines(n, clients);
  std::vector<double> ts, tq;
  for (int r = 0; r < 3; ++r) {
    ts.push_back(stream_run(telemine, dir / "stream", parts, n));
    tq.push_back(sqlite_run(dir / "sqlite", parts));
    std::printf("run %d: stream %.2f s, sqlite %.2f s\n", r + 1, ts.back(), tq.back());
  }
  const double s = median(ts), q = median(tq);
  std::printf("samples: %lld in %d clients\n", static_cast<long long>(n), clients);
  std::printf("telemine stream --flush 200ms: %.2f M samples/s (median %.2f s, until all acknowledged)\n", n / s / 1e6, s);
  std::printf("SQLite WAL, synchronous=FULL, commit every 200 ms: %.2f M samples/s (median %.2f s)\n", n / q / 1e6, q);
  std::printf("ratio stream / SQLite: %.2f\n", q / s);
  return 0;
}

// True when `telemine get` returns the probe sample at time t.
bool got_by_get(const std::string& telemine, const fs::path& dir, std::int64_t t) {
  const std::string cmd = telemine + " get --archive " + dir.string() + " --mission B --param PROBE --from " +
                          telemine::format_time(t) + " --to " + telemine::format_time(t + 1) + " --format csv 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  ::pclose(p);
  return std::count(out.begin(), out.end(), '\n') >= 2;
}

// True when the server on `port` returns the probe sample at time t (one HTTP/1.1 request).
bool got_by_server(int port, std::int64_t t) {
  const int fd = connect_to(port);
  const std::string req = "GET /api/missions/B/parameters/PROBE/samples?from=" + telemine::format_time(t) +
                          "&to=" + telemine::format_time(t + 1) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  for (std::size_t d = 0; d < req.size();) d += static_cast<std::size_t>(::send(fd, req.data() + d, req.size() - d, 0));
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return out.find("\"count\":1") != std::string::npos;
}

// One client at `rate` samples/s; every 200 ms a probe sample (param PROBE) whose appearance in
// `telemine get` (or the server's answer) is waited for by polling.
int latency(const std::string& telemine, const fs::path& dir, double rate, double secs, const std::string& compact_every,
            bool serve) {
  fs::remove_all(dir);
  Child c = start_stream(telemine, dir, compact_every);
  Child server;
  if (serve) server = spawn_with_port({telemine, "serve", "--archive", dir.string(), "--port", "0"}, true);
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> probe_time{0};
  std::atomic<std::int64_t> sent{0};
  std::vector<double> lat;
  const int fd = connect_to(c.port);
  std::thread drain([&] {
    char buf[4096];
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
  });
  std::thread sender([&] {
    const auto t0 = Clock::now();
    std::int64_t i = 0, tick = 0;
    std::string chunk;
    char buf[96];
    while (seconds_since(t0) < secs) {
      const auto target = static_cast<std::int64_t>(rate * seconds_since(t0));
      chunk.clear();
      for (; i < target; ++i) {
        char* e = std::to_chars(buf, buf + 32, kT0 + i * 10000).ptr;  // 10 us apart: one time line
        e += std::snprintf(e, 40, ",P%03d,%lld\n", static_cast<int>(i % 1000), static_cast<long long>(i % 977));
        chunk.append(buf, e);
      }
      if (probe_time == 0 && tick++ % 20 == 0) {  // every ~200 ms, when the previous was found
        const std::int64_t t = kT0 + i * 10000;
        chunk += std::to_string(t) + ",PROBE,1\n";
        probe_time = t;
      }
      for (std::size_t d = 0; d < chunk.size();) d += static_cast<std::size_t>(::send(fd, chunk.data() + d, chunk.size() - d, 0));
      sent += static_cast<std::int64_t>(chunk.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    done = true;
  });
  while (!done) {
    const std::int64_t t = probe_time;
    if (t == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    const auto t0 = Clock::now();
    while (!(serve ? got_by_server(server.port, t) : got_by_get(telemine, dir, t)) && !done) {
    }
    lat.push_back(seconds_since(t0) * 1e3);
    probe_time = 0;
  }
  sender.join();
  ::shutdown(fd, SHUT_WR);
  drain.join();
  ::close(fd);
  stop_stream(c);
  if (serve) stop_stream(server);
  std::sort(lat.begin(), lat.end());
  if (lat.empty()) return 1;
  const auto pct = [&](double q) { return lat[std::min(lat.size() - 1, static_cast<std::size_t>(q * lat.size()))]; };
  std::printf("rate %.0f samples/s for %.0f s, --compact-every %s; %zu probes; sent -> returned by %s: p50 %.0f ms, "
              "p99 %.0f ms, max %.0f ms\n",
              rate, secs, compact_every.c_str(), lat.size(), serve ? "the server" : "get", pct(0.5), pct(0.99), lat.back());
  return 0;
}

// A day at 1 Hz x PARAMS parameters in one segment, then the compaction of it, timed.
int compact(const fs::path& dir, int params, int hours) {
  fs::remove_all(dir);
  const fs::path live = telemine::io::live_dir(dir / "B");
  fs::create_directories(live);
  const auto g0 = Clock::now();
  {
    std::ofstream out(live / telemine::io::segment_file_name(1), std::ios::binary);
    out << "time,param,value\n";
    std::string s;
    char buf[96];
    for (std::int64_t sec = 0; sec < hours * 3600LL; ++sec) {
      for (int p = 0; p < params; ++p) {
        char* e = std::to_chars(buf, buf + 32, kT0 + sec * 1000000000LL).ptr;
        e += std::snprintf(e, 40, ",P%04d,", p);
        s.append(buf, e);
        telemine::io::append_csv_number(s, static_cast<double>((sec * 31 + p) % 4096) * 0.125);
        s += '\n';
      }
      if (s.size() > (8u << 20)) {
        out << s;
        s.clear();
      }
    }
    out << s;
  }
  const double gen = seconds_since(g0);
  const auto bytes = fs::file_size(live / telemine::io::segment_file_name(1));
  const auto t0 = Clock::now();
  telemine::stream::compact_segments(dir, "B", 86400LL * 1000000000LL, 2);
  const double s = seconds_since(t0);
  const double n = static_cast<double>(params) * hours * 3600;
  std::printf("segment: %.0f samples (%d params x %d h at 1 Hz), %.2f GB of text, written in %.1f s\n", n, params,
              hours, static_cast<double>(bytes) / 1e9, gen);
  std::printf("compaction into the day partition: %.1f s (%.2f M samples/s)\n", s, n / s / 1e6);
  return 0;
}

// Runs `args` to completion; false when it fails.
bool run_quietly(std::vector<std::string> args) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0].c_str(), &fa, nullptr, argv.data(), environ) != 0) return false;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// One time step of the replay: its time and its csv-long lines.
struct Step {
  std::int64_t time = 0;
  std::string lines;
};

// The samples of `mission` in [from, to) as time steps, read with `telemine get`.
std::vector<Step> replay_steps(const std::string& telemine, const fs::path& archive, const std::string& mission,
                               const std::string& from, const std::string& to) {
  std::map<std::int64_t, std::string> steps;
  FILE* info = ::popen((telemine + " info --archive " + archive.string() + " --mission " + mission + " --format csv").c_str(), "r");
  std::vector<std::string> params;
  char buf[4096];
  for (bool header = true; std::fgets(buf, sizeof buf, info); header = false)
    if (!header) params.emplace_back(buf, std::strchr(buf, ','));
  ::pclose(info);
  for (const auto& p : params) {
    const std::string cmd = telemine + " get --archive " + archive.string() + " --mission " + mission + " --param " + p +
                            " --from " + from + " --to " + to + " --format csv";
    FILE* g = ::popen(cmd.c_str(), "r");
    for (bool header = true; std::fgets(buf, sizeof buf, g); header = false) {
      if (header) continue;
      const char* comma = std::strchr(buf, ',');
      const std::string_view time(buf, static_cast<std::size_t>(comma - buf));
      steps[telemine::parse_time(time)].append(time).append(",").append(p).append(comma);
    }
    ::pclose(g);
  }
  std::vector<Step> out;
  for (auto& [t, lines] : steps) out.push_back({t, std::move(lines)});
  return out;
}

// Sample to alert: the generator's telemetry, replayed through `telemine stream --models` at
// `speed` times real time, with models a novelty job trained on earlier days; for each alert,
// the time from sending the sample that closed its period (the first at or after its end plus
// the lateness) to its JSON line in --alerts.
int alerts(const std::string& telemine, const fs::path& dir, double speed, int hours, const std::string& threshold) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path a = dir / "a", models = dir / "trained" / "models", out = dir / "alerts.jsonl";
  const std::string lists = "AOCS_*, COMMS_*; DEP_*; IND_*; PAYLOAD_*, POWER_*; THERM_*";
  if (!run_quietly({telemine, "generate", "--archive", a.string(), "--mission-count", "1", "--params", "24", "--days", "4",
                    "--rate", "5s", "--seed", "9", "--quiet"}) ||
      !run_quietly({telemine, "novelty", "--archive", a.string(), "--mission", "SYN1", "--period", "1min", "--group", lists,
                    "--epochs", "30", "--threshold", threshold, "--train-to", "2026-01-03", "--to", "2026-01-03", "--output",
                    (dir / "trained").string(), "--quiet"})) {
    std::fprintf(stderr, "alerts: generating or training failed\n");
    return 1;
  }
  const std::vector<Step> steps = replay_steps(telemine, a, "SYN1", "2026-01-03",
                                                 telemine::format_time(telemine::parse_time("2026-01-03") + hours * 3600 * 1000000000LL));
  constexpr std::int64_t kLateness = 10 * 1000000000LL;
  Child c = spawn_with_port({telemine, "stream", "--archive", a.string(), "--mission", "LIVE", "--listen", "127.0.0.1:0",
                             "--flush", "200ms", "--lateness", "10s", "--models", models.string(), "--alerts", out.string()});
  const int fd = connect_to(c.port);
  std::thread drain([&] {
    char b[4096];
    while (::recv(fd, b, sizeof b, 0) > 0) {
    }
  });
  std::vector<Clock::time_point> sent(steps.size());
  std::atomic<std::size_t> next{0};
  std::thread sender([&] {
    const auto t0 = Clock::now();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto due = t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(steps[i].time - steps[0].time) / speed));
      std::this_thread::sleep_until(due);
      sent[i] = Clock::now();
      next = i + 1;
      for (std::size_t d = 0; d < steps[i].lines.size();)
        d += static_cast<std::size_t>(::send(fd, steps[i].lines.data() + d, steps[i].lines.size() - d, 0));
    }
  });
  // Each new alert line: the step that closed its period, and the time it was sent.
  std::vector<double> lat;
  std::string text;
  std::size_t read = 0;
  const auto closing_step = [&](std::int64_t end) {
    return static_cast<std::size_t>(std::lower_bound(steps.begin(), steps.end(), end + kLateness,
                                                     [](const Step& s, std::int64_t t) { return s.time < t; }) - steps.begin());
  };
  while (next < steps.size()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::ifstream in(out, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), {});
    for (std::size_t nl; (nl = text.find('\n', read)) != std::string::npos; read = nl + 1) {
      const auto at = text.find("\"end\":\"", read) + 7;
      const std::size_t k = closing_step(telemine::parse_time(text.substr(at, text.find('"', at) - at)));
      if (k < next) lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent[k]).count());
    }
  }
  sender.join();
  ::shutdown(fd, SHUT_WR);
  drain.join();
  ::close(fd);
  stop_stream(c);
  std::sort(lat.begin(), lat.end());
  if (lat.empty()) return 1;
  const auto pct = [&](double q) { return lat[std::min(lat.size() - 1, static_cast<std::size_t>(q * lat.size()))]; };
  std::printf("%zu steps of 24 samples at %.0fx real time, 5 models of 1 min periods, --lateness 10s --flush 200ms; %zu alerts; "
              "closing sample sent -> alert line: p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
              steps.size(), speed, lat.size(), pct(0.5), pct(0.99), lat.back());
  return 0;
}

}  // namespace

// A day at 1 Hz x PARAMS parameters taken line by line by the engine (untimed; flushed every
// 2^20 samples), then the compaction at the end of the stream, timed.
int compact_live(const fs::path& dir, int params, int hours) {
  fs::remove_all(dir);
  telemine::stream::StreamOptions o;
  o.archive = dir;
  o.mission = "B";
  o.lateness = 2 * telemine::kDay;
  o.compact_every = 1000 * telemine::kDay;
  telemine::stream::StreamEngine e(o);
  const int client = e.add_client();
  std::string line, refusal;
  char buf[96];
  std::int64_t n = 0;
  const auto g0 = Clock::now();
  for (std::int64_t sec = 0; sec < hours * 3600LL; ++sec)
    for (int p = 0; p < params; ++p) {
      char* end = std::to_chars(buf, buf + 32, kT0 + sec * 1000000000LL).ptr;
      end += std::snprintf(end, 40, ",P%04d,", p);
      line.assign(buf, end);
      telemine::io::append_csv_number(line, static_cast<double>((sec * 31 + p) % 4096) * 0.125);
      if (!e.line(client, ++n + 1, line, refusal)) std::abort();
      if (n % (1 << 20) == 0 && !e.flush()) std::abort();
    }
  if (!e.flush()) std::abort();
  const double taken = seconds_since(g0);
  const auto t0 = Clock::now();
  e.compact_now();
  const double s = seconds_since(t0);
  std::printf("taken by the engine: %lld samples (%d params x %d h at 1 Hz) in %.1f s\n", static_cast<long long>(n), params,
              hours, taken);
  std::printf("compaction into the day partition, from the kept samples: %.1f s (%.2f M samples/s)\n", s,
              static_cast<double>(n) / s / 1e6);
  return 0;
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "throughput" && argc >= 4)
    return throughput(argv[2], argv[3], argc > 4 ? std::stoll(argv[4]) : 10000000, argc > 5 ? std::stoi(argv[5]) : 4);
  if (mode == "latency" && argc >= 4)
    return latency(argv[2], argv[3], argc > 4 ? std::stod(argv[4]) : 100000, argc > 5 ? std::stod(argv[5]) : 20,
                   argc > 6 ? argv[6] : "10s", argc > 7 && std::string(argv[7]) == "serve");
  if (mode == "compact" && argc >= 3)
    return compact(argv[2], argc > 3 ? std::stoi(argv[3]) : 1000, argc > 4 ? std::stoi(argv[4]) : 24);
  if (mode == "alerts" && argc >= 4)
    return alerts(argv[2], argv[3], argc > 4 ? std::stod(argv[4]) : 100, argc > 5 ? std::stoi(argv[5]) : 2,
                  argc > 6 ? argv[6] : "sigma:1");
  if (mode == "compact-live" && argc >= 3)
    return compact_live(argv[2], argc > 3 ? std::stoi(argv[3]) : 1000, argc > 4 ? std::stoi(argv[4]) : 24);
  std::fprintf(stderr,
               "usage: stream_bench throughput TELEMINE DIR [SAMPLES] [CLIENTS]\n"
               "       stream_bench latency TELEMINE DIR [RATE] [SECONDS] [COMPACT_EVERY] [get|serve]\n"
               "       stream_bench compact DIR [PARAMS] [HOURS]\n"
               "       stream_bench compact-live DIR [PARAMS] [HOURS]\n"
               "       stream_bench alerts TELEMINE DIR [SPEED] [HOURS] [THRESHOLD]\n");
  return 2;
}
