#pragma once
/// \file The archive's records as bytes, for collectives (MissionWriter's gather to rank 0, the
/// job plan's broadcast).

#include "core/serialize.hpp"
#include "io/archive.hpp"

namespace telemine::io {

void put_param(ByteWriter& w, const ParamInfo& p);
ParamInfo get_param(ByteReader& r);
void put_event(ByteWriter& w, const Event& e);
Event get_event(ByteReader& r);
void put_partition(ByteWriter& w, const PartitionInfo& p);
PartitionInfo get_partition(ByteReader& r);

}  // namespace telemine::io
