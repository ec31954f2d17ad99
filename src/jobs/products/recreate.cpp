#include "jobs/products/recreate.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/archive.hpp"
#include "io/json.hpp"
#include "jobs/job.hpp"
#include "jobs/product.hpp"
#include "jobs/products/record.hpp"
#include "jobs/products/verify.hpp"
#include "jobs/run.hpp"

namespace telemine::jobs::products {

namespace fs = std::filesystem;

namespace {

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The recorded overrides less the ones recreate sets itself (output, archive) and the flags that
// only change how a run is shown or skipped.
std::vector<std::string> overrides(const ProductRecord& r, const RecreateOptions& o, const std::string& archive) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.overrides.size(); ++i) {
    const std::string& a = r.overrides[i];
    if (a == "--output" || a == "--archive") {
      ++i;  // and its value
      continue;
    }
    if (starts(a, "--output=") || starts(a, "--archive=") || a == "--skip-complete" || a == "--dry-run" || a == "--quiet" ||
        a == "-q")
      continue;
    out.push_back(a);
  }
  out.push_back("--output=" + o.output.string());
  if (!archive.empty()) out.push_back("--archive=" + archive);
  if (o.quiet) out.push_back("--quiet");
  return out;
}

// Rank 0: refuses an existing output and inputs that are gone; warns about changed ones.
void check_before(const ProductRecord& r, const RecreateOptions& o, const fs::path& archive) {
  std::error_code ec;
  if (fs::exists(o.output, ec))
    throw UsageError(o.output.string() + " already exists: recreate writes a new folder (give another --output)");
  if (r.kind == "campaign") throw UsageError(r.dir.string() + ": a campaign is recreated task by task (recreate its tasks' products)");
  int changed = 0;
  for (const auto& i : r.inputs) {
    const fs::path file = input_path(r, i, archive);
    if (!fs::is_regular_file(file, ec))
      throw IoError(file.string() + ": input partition of product " + r.id + " is gone: it cannot be recreated" +
                    (archive.empty() ? " (--archive names where the archive is now)" : ""));
    changed += io::file_checksum(file) != i.checksum;
  }
  if (changed > 0)
    log::warn(std::to_string(changed) + " input partitions changed since the product was made: outputs may differ");
}

// True when h5diff (Debian's hdf5-tools) finds the same objects and values in two HDF5 files.
bool same_hdf5_content(const fs::path& a, const fs::path& b) {
  std::string prog = "h5diff", quiet = "-q", sa = a.string(), sb = b.string();
  char* argv[] = {prog.data(), quiet.data(), sa.data(), sb.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "h5diff", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (rc != 0 || waitpid(pid, &status, 0) < 0) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// identical (same bytes), same-content (an HDF5 file with the same objects and values) or differs.
std::string outcome(const fs::path& recreated, const fs::path& original, const std::string& now, const std::string& recorded) {
  if (now == recorded) return "identical";
  std::error_code ec;
  const bool hdf5 = recreated.extension() == ".h5";
  if (hdf5 && fs::is_regular_file(original, ec) && io::file_checksum(original) == recorded &&
      same_hdf5_content(recreated, original))
    return "same-content";
  return "differs";
}

int compare(const ProductRecord& r, const RecreateOptions& o, int ranks, std::FILE* out) {
  std::fprintf(out, "recreated %s (%s, telemine %s at %d ranks; now telemine %s at %d ranks) into %s\n", r.id.c_str(),
               r.kind.c_str(), r.version.c_str(), r.ranks, version(), ranks, o.output.c_str());
  int identical = 0, same_content = 0;
  for (const auto& f : r.outputs) {
    const fs::path file = o.output / f.file;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      std::fprintf(out, "  %-12s %s\n", "missing", f.file.c_str());
      continue;
    }
    const std::string now = io::file_checksum(file);
    const std::string result = outcome(file, r.dir / f.file, now, f.checksum);
    identical += result == "identical";
    same_content += result == "same-content";
    std::fprintf(out, "  %-12s %s  %s%s\n", result.c_str(), f.file.c_str(), now.c_str(),
                 now == f.checksum ? "" : (" (recorded " + f.checksum + ")").c_str());
  }
  std::fprintf(out, "%d of %zu outputs identical byte for byte, %d with the same HDF5 content (h5diff), %zu differ\n",
               identical, r.outputs.size(), same_content, r.outputs.size() - identical - same_content);
  return identical + same_content == static_cast<int>(r.outputs.size()) ? 0 : 1;
}

}  // namespace

int recreate(const RecreateOptions& o, const Comm& comm, std::FILE* out) {
  // Every rank reads the record (a shared file system, as for job files); rank 0 checks.
  ProductRecord r;
  fs::path archive = o.archive;
  comm.run_phase([&] {
    r = read_product(o.product);
    if (archive.empty() && !r.archive.empty()) archive = r.archive;
    if (comm.is_root()) check_before(r, o, archive);
  });
  const auto args = overrides(r, o, archive.string());
  fs::path job_file;
  comm.run_phase([&] {
    if (r.job_text.empty()) return;
    // The job file as it was, kept in the new product's folder.
    job_file = o.output / fs::path(r.job_file.empty() ? "job.ini" : r.job_file).filename();
    if (comm.is_root()) {
      fs::create_directories(o.output);
      io::write_file_atomically(job_file, r.job_text);
    }
  });
  const Job job = r.job_text.empty() ? Job::parse({}, args, r.kind) : Job::parse(job_file, args);
  const int status = run_job(job, comm);
  if (status != 0) return status;
  int result = 0;
  comm.run_phase([&] {
    if (comm.is_root()) result = compare(r, o, comm.size(), out);
  });
  return comm.allreduce_value(result, ReduceOp::max);
}

}  // namespace telemine::jobs::products
