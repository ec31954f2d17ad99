#pragma once
/// \file The long-term preservation commands: `telemine products`, `telemine collection`,
/// `telemine verify --archive`, `telemine export` and `telemine import`. Each takes the
/// arguments after its name and returns the exit status.

#include <string>
#include <vector>

namespace telemine {
class Comm;
}

namespace telemine::jobs::products {

int cmd_products(const Comm& comm, const std::vector<std::string>& args);
int cmd_collection(const Comm& comm, const std::vector<std::string>& args);
int cmd_verify(const Comm& comm, const std::vector<std::string>& args);
int cmd_export(const Comm& comm, const std::vector<std::string>& args);
int cmd_import(const Comm& comm, const std::vector<std::string>& args);

}  // namespace telemine::jobs::products
