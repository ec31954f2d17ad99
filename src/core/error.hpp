#pragma once
/// \file Typed errors. Every failure a user can cause is one of these, with a message that says
/// what was wrong, where (file, line, key, object) and, where it helps, what to do.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace telemine {

/// Base of all user-facing failures. `exit_code()` is the process exit status it maps to.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  virtual int exit_code() const noexcept { return 1; }
};

/// Bad command line, bad job file, bad option value: exit status 2, before any work is done.
class UsageError : public Error {
 public:
  using Error::Error;
  int exit_code() const noexcept override { return 2; }
};

/// Bad job file: names the file, line and key. Exit status 2.
class JobError : public UsageError {
 public:
  using UsageError::UsageError;
};

/// Reading or writing a file failed, or its content is malformed. The message names the file
/// (and line or HDF5 object where known).
class IoError : public Error {
 public:
  using Error::Error;
};

/// An MPI call failed; the message names the call.
class MpiError : public Error {
 public:
  using Error::Error;
};

/// A bug in telemine, not in the input.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// An error raised on another rank, re-raised here so that every rank stops with the same message.
class RemoteError : public Error {
 public:
  RemoteError(std::string message, int code) : Error(std::move(message)), code_(code) {}
  int exit_code() const noexcept override { return code_; }

 private:
  int code_;
};

/// Text from the input as it is safe to show in a message: control characters escaped (`\t`,
/// `\0`, `\x1f`), and cut after `max` bytes with `...` and the full length, so that a 5 MB
/// bad line or a name of 100,000 characters does not flood the terminal.
std::string excerpt(std::string_view text, std::size_t max = 200);

}  // namespace telemine
