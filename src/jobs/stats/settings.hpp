#pragma once
// The stats job's settings, read from its [stats] section (the table is in settings.cpp).

#include "core/time.hpp"

namespace telemine::jobs {
class Job;
}

namespace telemine::jobs::stats {

struct Settings {
  DurationNs bucket = 0;  ///< bucket width, aligned to the Unix epoch
};

/// Throws JobError naming the file, line and key.
Settings read_settings(const Job& job);

}  // namespace telemine::jobs::stats
