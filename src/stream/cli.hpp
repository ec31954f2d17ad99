#pragma once
/// \file `telemine stream`: the command line of the speed layer (src/stream).

#include <string>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::stream {

/// `telemine stream --archive A --mission M --input -|--listen HOST:PORT [--flush 200ms] ...`
int cmd_stream(const Comm& comm, const std::vector<std::string>& args);

}  // namespace telemine::stream
