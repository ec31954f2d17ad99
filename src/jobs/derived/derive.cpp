#include "jobs/derived/derive.hpp"

#include "core/comm.hpp"
#include "core/error.hpp"
#include "derived/derived.hpp"

namespace telemine::jobs {

DeriveReport derive(const DeriveOptions& o, const Comm& comm) {
  const io::Archive archive = io::Archive::open(o.archive);
  if (!archive.has_mission(o.mission))
    throw UsageError("archive " + o.archive.string() + " has no mission '" + o.mission + "'");
  const io::Catalog catalog = archive.catalog(o.mission);
  std::vector<derived::Definition> defs = {derived::parse_definition(o.define, "--define '" + o.define + "'")};
  for (const auto& h : o.helpers) defs.push_back(derived::parse_definition(h, "--helper '" + h + "'"));
  // Every rank validates the same definitions: a bad one stops them all before any write.
  const derived::Definitions d = derived::Definitions::make(defs, catalog, kTimeMin, kTimeMax, {o.hold, o.grid});
  const derived::Definition& def = defs.front();

  io::MissionWriter writer = io::MissionWriter::open(o.archive, o.mission, comm);
  io::ParamInfo info = derived::param_info(def);
  info.unit = o.unit;
  info.kind = o.kind;
  if (!o.description.empty()) info.description = o.description;
  writer.declare(info);
  std::string inputs;
  for (const auto& name : d.stored_inputs(def.name)) inputs += (inputs.empty() ? "" : ", ") + name;
  writer.set_attribute("derived." + def.name + ".expression", def.expression);
  writer.set_attribute("derived." + def.name + ".inputs", inputs);
  if (o.grid > 0) writer.set_attribute("derived." + def.name + ".grid", format_duration(o.grid));

  DeriveReport report{def.name, 0, {}};
  comm.run_phase([&] {
    // Contiguous runs of slices per rank; a rank may have none.
    const auto& parts = catalog.partitions;
    const auto n = static_cast<std::int64_t>(parts.size());
    const std::int64_t b = n * comm.rank() / comm.size(), e = n * (comm.rank() + 1) / comm.size();
    for (auto i = b; i < e; ++i) {
      io::Series s = d.read(archive, catalog, def.name, parts[i].start, parts[i].end);
      if (s.size() == 0) continue;
      report.samples += static_cast<std::int64_t>(s.size());
      std::map<std::string, io::Series, std::less<>> data;
      data.emplace(def.name, std::move(s));
      writer.write_slice(parts[i].start, std::move(data));
    }
  });
  report.samples = comm.allreduce_value(report.samples, ReduceOp::sum);
  report.write = writer.commit();
  return report;
}

}  // namespace telemine::jobs
