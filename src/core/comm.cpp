#include "core/comm.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "core/error.hpp"

namespace telemine {

class Comm::Impl {
 public:
  virtual ~Impl() = default;
  virtual int rank() const noexcept = 0;
  virtual int size() const noexcept = 0;
  virtual bool is_mpi() const noexcept = 0;
  virtual void barrier() const = 0;
  virtual void broadcast_bytes(std::string& bytes, int root) const = 0;
  virtual void allreduce(std::span<std::int64_t> data, ReduceOp op) const = 0;
  virtual void allreduce(std::span<double> data, ReduceOp op) const = 0;
  virtual void allreduce(std::span<float> data, ReduceOp op) const = 0;
  virtual std::vector<std::string> alltoall_bytes(const std::vector<std::string>& send) const = 0;
  [[noreturn]] virtual void abort(int code) const noexcept = 0;
  virtual void* native_handle() const noexcept = 0;
  virtual bool post_progress(const std::array<std::int64_t, 4>&) const { return false; }
  virtual std::vector<std::pair<int, std::array<std::int64_t, 4>>> poll_progress() const { return {}; }
};

namespace {

class LocalImpl final : public Comm::Impl {
 public:
  int rank() const noexcept override { return 0; }
  int size() const noexcept override { return 1; }
  bool is_mpi() const noexcept override { return false; }
  void barrier() const override {}
  void broadcast_bytes(std::string&, int) const override {}
  void allreduce(std::span<std::int64_t>, ReduceOp) const override {}
  void allreduce(std::span<double>, ReduceOp) const override {}
  void allreduce(std::span<float>, ReduceOp) const override {}
  std::vector<std::string> alltoall_bytes(const std::vector<std::string>& send) const override {
    if (send.size() != 1) throw InternalError("alltoall_bytes: expected 1 buffer on a local comm");
    return send;
  }
  [[noreturn]] void abort(int code) const noexcept override { std::_Exit(code); }
  void* native_handle() const noexcept override { return nullptr; }
};

// Every MPI call goes through this: a failure becomes an MpiError naming the call.
void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw MpiError(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(len)));
}
#define TELEMINE_MPI(call) check((call), #call)

MPI_Op to_mpi(ReduceOp op) {
  switch (op) {
    case ReduceOp::sum: return MPI_SUM;
    case ReduceOp::min: return MPI_MIN;
    case ReduceOp::max: return MPI_MAX;
  }
  throw InternalError("unknown ReduceOp");
}

// MPI counts are int: larger messages go in pieces of at most this many bytes.
constexpr std::size_t kMaxPiece = std::size_t{1} << 30;

class MpiImpl final : public Comm::Impl {
 public:
  explicit MpiImpl(MPI_Comm parent) {
    TELEMINE_MPI(MPI_Comm_dup(parent, &comm_));
    // Failures come back as codes we turn into MpiError, rather than aborting inside MPI.
    TELEMINE_MPI(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN));
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    TELEMINE_MPI(MPI_Comm_dup(parent, &side_));
    TELEMINE_MPI(MPI_Comm_set_errhandler(side_, MPI_ERRORS_RETURN));
  }
  ~MpiImpl() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;
    // A progress post still in flight completes on its own; rank 0 may never receive it.
    if (pending_ != MPI_REQUEST_NULL) MPI_Request_free(&pending_);
    if (side_ != MPI_COMM_NULL) MPI_Comm_free(&side_);
    if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
  }

  bool post_progress(const std::array<std::int64_t, 4>& counts) const override {
    if (rank_ == 0) return false;
    if (pending_ != MPI_REQUEST_NULL) {
      int done = 0;
      TELEMINE_MPI(MPI_Test(&pending_, &done, MPI_STATUS_IGNORE));
      if (!done) return false;
    }
    posted_ = counts;
    TELEMINE_MPI(MPI_Isend(posted_.data(), 4, MPI_INT64_T, 0, kProgressTag, side_, &pending_));
    return true;
  }

  std::vector<std::pair<int, std::array<std::int64_t, 4>>> poll_progress() const override {
    std::vector<std::pair<int, std::array<std::int64_t, 4>>> got;
    if (rank_ != 0) return got;
    for (;;) {
      int flag = 0;
      MPI_Status status;
      TELEMINE_MPI(MPI_Iprobe(MPI_ANY_SOURCE, kProgressTag, side_, &flag, &status));
      if (!flag) return got;
      std::array<std::int64_t, 4> counts{};
      TELEMINE_MPI(MPI_Recv(counts.data(), 4, MPI_INT64_T, status.MPI_SOURCE, kProgressTag, side_, MPI_STATUS_IGNORE));
      got.emplace_back(status.MPI_SOURCE, counts);
    }
  }
  int rank() const noexcept override { return rank_; }
  int size() const noexcept override { return size_; }
  bool is_mpi() const noexcept override { return true; }
  void barrier() const override { TELEMINE_MPI(MPI_Barrier(comm_)); }

  void broadcast_bytes(std::string& bytes, int root) const override {
    std::int64_t n = static_cast<std::int64_t>(bytes.size());
    TELEMINE_MPI(MPI_Bcast(&n, 1, MPI_INT64_T, root, comm_));
    if (rank_ != root) bytes.resize(static_cast<std::size_t>(n));
    for (std::size_t off = 0; off < bytes.size(); off += kMaxPiece) {
      const int piece = static_cast<int>(std::min(kMaxPiece, bytes.size() - off));
      TELEMINE_MPI(MPI_Bcast(bytes.data() + off, piece, MPI_BYTE, root, comm_));
    }
  }

  void allreduce(std::span<std::int64_t> data, ReduceOp op) const override {
    for (std::size_t off = 0; off < data.size(); off += kMaxPiece / 8) {
      const int n = static_cast<int>(std::min(kMaxPiece / 8, data.size() - off));
      TELEMINE_MPI(MPI_Allreduce(MPI_IN_PLACE, data.data() + off, n, MPI_INT64_T, to_mpi(op), comm_));
    }
  }
  void allreduce(std::span<double> data, ReduceOp op) const override {
    for (std::size_t off = 0; off < data.size(); off += kMaxPiece / 8) {
      const int n = static_cast<int>(std::min(kMaxPiece / 8, data.size() - off));
      TELEMINE_MPI(MPI_Allreduce(MPI_IN_PLACE, data.data() + off, n, MPI_DOUBLE, to_mpi(op), comm_));
    }
  }
  void allreduce(std::span<float> data, ReduceOp op) const override {
    for (std::size_t off = 0; off < data.size(); off += kMaxPiece / 4) {
      const int n = static_cast<int>(std::min(kMaxPiece / 4, data.size() - off));
      TELEMINE_MPI(MPI_Allreduce(MPI_IN_PLACE, data.data() + off, n, MPI_FLOAT, to_mpi(op), comm_));
    }
  }

  // Pairwise exchange in rounds (rank r sends to r+k, receives from r-k), each message in
  // pieces: no int overflow for any size and no all-at-once memory spike.
  std::vector<std::string> alltoall_bytes(const std::vector<std::string>& send) const override {
    if (send.size() != static_cast<std::size_t>(size_))
      throw InternalError("alltoall_bytes: expected one buffer per rank");
    std::vector<std::string> recv(static_cast<std::size_t>(size_));
    recv[rank_] = send[rank_];
    for (int k = 1; k < size_; ++k) {
      const int to = (rank_ + k) % size_;
      const int from = (rank_ - k + size_) % size_;
      std::int64_t out_n = static_cast<std::int64_t>(send[to].size());
      std::int64_t in_n = 0;
      TELEMINE_MPI(MPI_Sendrecv(&out_n, 1, MPI_INT64_T, to, 0, &in_n, 1, MPI_INT64_T, from, 0, comm_,
                                MPI_STATUS_IGNORE));
      std::string& in = recv[from];
      in.resize(static_cast<std::size_t>(in_n));
      const std::string& out = send[to];
      // Each side posts exactly the pieces its partner expects (the two directions differ in size).
      std::vector<MPI_Request> requests;
      int tag = 1;
      for (std::size_t off = 0; off < in.size(); off += kMaxPiece, ++tag) {
        requests.emplace_back();
        TELEMINE_MPI(MPI_Irecv(in.data() + off, static_cast<int>(std::min(kMaxPiece, in.size() - off)), MPI_BYTE,
                               from, tag, comm_, &requests.back()));
      }
      tag = 1;
      for (std::size_t off = 0; off < out.size(); off += kMaxPiece, ++tag) {
        requests.emplace_back();
        TELEMINE_MPI(MPI_Isend(out.data() + off, static_cast<int>(std::min(kMaxPiece, out.size() - off)), MPI_BYTE,
                               to, tag, comm_, &requests.back()));
      }
      TELEMINE_MPI(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE));
    }
    return recv;
  }

  [[noreturn]] void abort(int code) const noexcept override {
    MPI_Abort(comm_, code);
    std::_Exit(code);
  }
  void* native_handle() const noexcept override { return const_cast<MPI_Comm*>(&comm_); }

 private:
  static constexpr int kProgressTag = 7;
  MPI_Comm comm_ = MPI_COMM_NULL;
  MPI_Comm side_ = MPI_COMM_NULL;  // progress posts only
  mutable MPI_Request pending_ = MPI_REQUEST_NULL;
  mutable std::array<std::int64_t, 4> posted_{};  // the buffer of the post in flight
  int rank_ = 0;
  int size_ = 1;
};

bool mpi_initialized() {
  int init = 0, fin = 0;
  MPI_Initialized(&init);
  MPI_Finalized(&fin);
  return init && !fin;
}

// True when a launcher (mpirun, srun with PMIx) started this process. A lone `telemine get`
// then skips MPI start-up entirely: a singleton MPI_Init costs more than the whole query.
bool launched_by_mpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(var) != nullptr) return true;
  return false;
}

}  // namespace

Comm::Comm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Comm::Comm(Comm&&) noexcept = default;
Comm& Comm::operator=(Comm&&) noexcept = default;
Comm::~Comm() = default;

Comm Comm::local() { return Comm(std::make_unique<LocalImpl>()); }
Comm Comm::world() {
  if (mpi_initialized()) return Comm(std::make_unique<MpiImpl>(MPI_COMM_WORLD));
  return local();
}

int Comm::rank() const noexcept { return impl_->rank(); }
int Comm::size() const noexcept { return impl_->size(); }
bool Comm::is_mpi() const noexcept { return impl_->is_mpi(); }
void Comm::barrier() const { impl_->barrier(); }
void Comm::broadcast_bytes(std::string& bytes, int root) const { impl_->broadcast_bytes(bytes, root); }
void Comm::allreduce(std::span<std::int64_t> data, ReduceOp op) const { impl_->allreduce(data, op); }
void Comm::allreduce(std::span<double> data, ReduceOp op) const { impl_->allreduce(data, op); }
void Comm::allreduce(std::span<float> data, ReduceOp op) const { impl_->allreduce(data, op); }
std::vector<std::string> Comm::alltoall_bytes(const std::vector<std::string>& send) const {
  return impl_->alltoall_bytes(send);
}
void* Comm::native_handle() const noexcept { return impl_->native_handle(); }
bool Comm::post_progress(const std::array<std::int64_t, 4>& counts) const { return impl_->post_progress(counts); }
std::vector<std::pair<int, std::array<std::int64_t, 4>>> Comm::poll_progress() const {
  return impl_->poll_progress();
}
void Comm::abort(int code) const noexcept {
  impl_->abort(code);
  std::_Exit(code);  // not reached: abort implementations do not return
}

std::vector<std::string> Comm::allgather_bytes(const std::string& mine) const {
  return alltoall_bytes(std::vector<std::string>(static_cast<std::size_t>(size()), mine));
}

std::vector<std::string> Comm::gather_bytes(const std::string& mine, int root) const {
  std::vector<std::string> send(static_cast<std::size_t>(size()));
  send[root] = mine;
  auto got = alltoall_bytes(send);
  if (rank() != root) got.clear();
  return got;
}

namespace {
bool g_failure_agreed = false;
}

bool Comm::failure_agreed() noexcept { return g_failure_agreed; }

bool Comm::all_ok(bool ok) const { return allreduce_value<std::int64_t>(ok ? 1 : 0, ReduceOp::min) == 1; }

void Comm::run_phase(const std::function<void()>& phase) const {
  std::exception_ptr error;
  std::string message;
  int code = 1;
  try {
    phase();
  } catch (const Error& e) {
    error = std::current_exception();
    message = e.what();
    code = e.exit_code();
  } catch (const std::exception& e) {
    error = std::current_exception();
    message = e.what();
  }
  const int first = allreduce_value<std::int64_t>(error ? rank() : size(), ReduceOp::min);
  if (first == size()) return;
  g_failure_agreed = true;
  std::string payload = rank() == first ? std::to_string(code) + "\n" + message : std::string();
  broadcast_bytes(payload, first);
  if (error) std::rethrow_exception(error);
  const auto nl = payload.find('\n');
  throw RemoteError(payload.substr(nl + 1), std::atoi(payload.substr(0, nl).c_str()));
}

MpiGuard::MpiGuard(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  // Only the main thread calls MPI (torch and OpenMP threads never do).
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  if (provided < MPI_THREAD_FUNNELED)
    std::cerr << "telemine: warning: MPI gave thread level " << provided << ", below FUNNELED\n";
}

MpiGuard::~MpiGuard() {
  // While an exception unwinds the caller aborts every rank; finalising here could hang.
  if (std::uncaught_exceptions() == 0 && mpi_initialized()) MPI_Finalize();
}

}  // namespace telemine
