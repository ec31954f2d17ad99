#include "ml/autoencoder.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <mutex>

#include "core/comm.hpp"
#include "core/error.hpp"
#include "ml/net.hpp"

namespace telemine::ml {

// The Torch module: beside the executable (a relocated build), else where the build put it;
// TELEMINE_TORCH_MODULE overrides both.
detail::Backend& detail::backend() {
  static detail::Backend* instance = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("TELEMINE_TORCH_MODULE")) candidates.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back((exe.parent_path() / "libtelemine_torch.so").string());
    candidates.emplace_back(TELEMINE_TORCH_MODULE);
    std::string errors;
    for (const auto& path : candidates) {
      if (!std::filesystem::exists(path)) continue;
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        errors += std::string("; ") + dlerror();
        continue;
      }
      auto* entry = reinterpret_cast<detail::Backend* (*)()>(dlsym(handle, "telemine_ml_backend"));
      if (!entry) throw IoError(path + ": not the telemine Torch module (no telemine_ml_backend)");
      instance = entry();
      return;
    }
    throw IoError("cannot load the Torch module libtelemine_torch.so (looked beside the executable and in " +
                  std::string(TELEMINE_TORCH_MODULE) + ")" + errors);
  });
  return *instance;
}

namespace {
using detail::backend;
}  // namespace

struct Autoencoder::Impl {
  std::unique_ptr<detail::Net> net;
};

Autoencoder::Autoencoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Autoencoder::Autoencoder(int inputs, std::vector<int> hidden, std::uint64_t seed) : impl_(std::make_unique<Impl>()) {
  if (inputs < 1 || hidden.empty()) throw InternalError("autoencoder: no inputs or no hidden layer");
  impl_->net = backend().create(inputs, hidden, seed);
}

Autoencoder::~Autoencoder() = default;
Autoencoder::Autoencoder(Autoencoder&&) noexcept = default;
Autoencoder& Autoencoder::operator=(Autoencoder&&) noexcept = default;

int Autoencoder::inputs() const noexcept { return impl_->net->inputs(); }
const std::vector<int>& Autoencoder::hidden() const noexcept { return impl_->net->hidden(); }

TrainReport Autoencoder::train(std::span<const float> rows, const TrainOptions& options, const Comm* dp) {
  detail::Reduce reduce;
  const auto n_local = static_cast<std::int64_t>(rows.size()) / inputs();
  reduce.global_rows = n_local;
  if (dp) {
    reduce.ranks = dp->size();
    reduce.rank = dp->rank();
    reduce.global_rows = dp->allreduce_value<std::int64_t>(n_local, ReduceOp::sum);
    reduce.sum = [dp](std::span<float> buffer) { dp->allreduce(buffer, ReduceOp::sum); };
  }
  return impl_->net->train(rows, options, reduce);
}

void Autoencoder::errors(std::span<const float> rows, std::span<float> out) const { impl_->net->errors(rows, out); }

std::vector<float> Autoencoder::flat_weights() const { return impl_->net->flat_weights(); }

void Autoencoder::save(const std::filesystem::path& file, const std::map<std::string, std::vector<double>>& numbers,
                       const std::map<std::string, std::string>& texts) const {
  impl_->net->save(file, numbers, texts);
}

Autoencoder Autoencoder::load(const std::filesystem::path& file, std::map<std::string, std::vector<double>>& numbers,
                              std::map<std::string, std::string>& texts) {
  auto impl = std::make_unique<Impl>();
  impl->net = backend().load(file, numbers, texts);
  return Autoencoder(std::move(impl));
}

void set_threads(int threads) { backend().set_threads(threads); }

}  // namespace telemine::ml
