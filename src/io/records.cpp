#include "io/records.hpp"

namespace telemine::io {

void put_param(ByteWriter& w, const ParamInfo& p) {
  w.put(p.name);
  w.put(p.unit);
  w.put(p.description);
  w.put(p.subsystem);
  w.put(static_cast<std::uint8_t>(p.kind));
}
ParamInfo get_param(ByteReader& r) {
  ParamInfo p;
  p.name = r.get_string();
  p.unit = r.get_string();
  p.description = r.get_string();
  p.subsystem = r.get_string();
  p.kind = static_cast<ParamKind>(r.get<std::uint8_t>());
  return p;
}
void put_event(ByteWriter& w, const Event& e) {
  w.put(e.start);
  w.put(e.end);
  w.put(e.kind);
  w.put(e.param);
  w.put(e.cls);
  w.put(e.text);
  for (const auto* f : {&e.id, &e.subclass, &e.category, &e.dimensionality, &e.locality, &e.length}) w.put(*f);
}
Event get_event(ByteReader& r) {
  Event e;
  e.start = r.get<TimeNs>();
  e.end = r.get<TimeNs>();
  e.kind = r.get_string();
  e.param = r.get_string();
  e.cls = r.get_string();
  e.text = r.get_string();
  for (auto* f : {&e.id, &e.subclass, &e.category, &e.dimensionality, &e.locality, &e.length}) *f = r.get_string();
  return e;
}
void put_partition(ByteWriter& w, const PartitionInfo& p) {
  w.put(p.file);
  w.put(p.start);
  w.put(p.end);
  w.put(p.first_time);
  w.put(p.last_time);
  w.put(p.samples);
  w.put(p.bytes);
  w.put(p.checksum);
}
PartitionInfo get_partition(ByteReader& r) {
  PartitionInfo p;
  p.file = r.get_string();
  p.start = r.get<TimeNs>();
  p.end = r.get<TimeNs>();
  p.first_time = r.get<TimeNs>();
  p.last_time = r.get<TimeNs>();
  p.samples = r.get<std::int64_t>();
  p.bytes = r.get<std::int64_t>();
  p.checksum = r.get_string();
  return p;
}

}  // namespace telemine::io
