#pragma once
/// \file The parameters of a plan in one numbering: by mission, then by name, as the plan lists
/// them. Every kind indexes its per-parameter state with it, and labels parameters the same way.

#include <cstddef>
#include <string>
#include <vector>

#include "jobs/plan.hpp"

namespace telemine::jobs {

class ParamIndex {
 public:
  explicit ParamIndex(const Plan& plan);

  std::size_t size() const noexcept { return mission_.size(); }
  /// The index of mission m's first parameter (its k-th is first(m) + k).
  std::size_t first(int mission) const { return first_[static_cast<std::size_t>(mission)]; }
  int mission(std::size_t p) const { return mission_[p]; }
  const io::ParamInfo& info(std::size_t p) const { return *info_[p]; }
  /// `NAME`, or `MISSION/NAME` when the plan spans several missions.
  const std::string& label(std::size_t p) const { return label_[p]; }
  /// Every label, in index order.
  const std::vector<std::string>& labels() const noexcept { return label_; }

 private:
  std::vector<std::size_t> first_;
  std::vector<int> mission_;
  std::vector<const io::ParamInfo*> info_;
  std::vector<std::string> label_;
};

}  // namespace telemine::jobs
