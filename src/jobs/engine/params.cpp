#include "jobs/engine/params.hpp"

namespace telemine::jobs {

ParamIndex::ParamIndex(const Plan& plan) {
  const bool several = plan.missions.size() > 1;
  for (std::size_t m = 0; m < plan.missions.size(); ++m) {
    first_.push_back(mission_.size());
    for (const auto& p : plan.missions[m].params) {
      mission_.push_back(static_cast<int>(m));
      info_.push_back(&p);
      label_.push_back(several ? plan.missions[m].name + "/" + p.name : p.name);
    }
  }
}

}  // namespace telemine::jobs
