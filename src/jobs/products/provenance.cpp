#include "jobs/products/provenance.hpp"

#include <filesystem>

#include "io/json.hpp"
#include "jobs/job.hpp"
#include "jobs/plan.hpp"
#include "jobs/product.hpp"

namespace telemine::jobs::products {

namespace {

std::string input_id(const std::string& mission, const std::string& file) { return "tm:input/" + mission + "/" + file; }
std::string output_id(const std::string& file) { return "tm:output/" + file; }
std::string mission_id(const std::string& mission) { return "tm:mission/" + mission; }

void write_entities(io::JsonWriter& w, const Plan& plan, const std::vector<GeneratedOutput>& outputs,
                    const std::string& archive) {
  w.key("entity").begin_object();
  for (const auto& m : plan.missions) {
    w.key(mission_id(m.name)).begin_object();
    w.field("prov:type", "prov:Collection").field("tm:archive", archive).field("tm:mission", m.name);
    w.end_object();
  }
  for (const auto& p : plan.partitions) {
    const std::string& mission = plan.missions[p.mission].name;
    w.key(input_id(mission, p.info.file)).begin_object();
    w.field("prov:type", "tm:partition").field("tm:mission", mission).field("tm:file", p.info.file);
    w.field("tm:start", format_time(p.info.start)).field("tm:end", format_time(p.info.end));
    w.field("tm:samples", p.info.samples).field("tm:checksum", p.info.checksum);
    w.end_object();
  }
  for (const auto& o : outputs) {
    w.key(output_id(o.file)).begin_object();
    w.field("prov:type", "tm:output").field("tm:file", o.file).field("tm:bytes", o.bytes).field("tm:checksum", o.checksum);
    w.end_object();
  }
  w.end_object();
}

void write_relations(io::JsonWriter& w, const Plan& plan, const std::vector<GeneratedOutput>& outputs, TimeNs ended) {
  int n = 0;
  auto id = [&] { return "_:r" + std::to_string(++n); };
  w.key("wasAssociatedWith").begin_object();
  w.key(id()).begin_object().field("prov:activity", "tm:run").field("prov:agent", "tm:telemine").end_object();
  w.end_object();
  w.key("used").begin_object();
  for (const auto& p : plan.partitions)
    w.key(id()).begin_object().field("prov:activity", "tm:run")
        .field("prov:entity", input_id(plan.missions[p.mission].name, p.info.file)).end_object();
  w.end_object();
  w.key("hadMember").begin_object();
  for (const auto& p : plan.partitions)
    w.key(id()).begin_object().field("prov:collection", mission_id(plan.missions[p.mission].name))
        .field("prov:entity", input_id(plan.missions[p.mission].name, p.info.file)).end_object();
  w.end_object();
  w.key("wasGeneratedBy").begin_object();
  for (const auto& o : outputs)
    w.key(id()).begin_object().field("prov:entity", output_id(o.file)).field("prov:activity", "tm:run")
        .field("prov:time", format_time(ended)).end_object();
  w.end_object();
  w.key("wasDerivedFrom").begin_object();
  for (const auto& o : outputs)
    for (const auto& m : plan.missions)
      w.key(id()).begin_object().field("prov:generatedEntity", output_id(o.file))
          .field("prov:usedEntity", mission_id(m.name)).field("prov:activity", "tm:run").end_object();
  w.end_object();
}

}  // namespace

void write_preservation(io::JsonWriter& w, const Job& job, const Plan& plan, int ranks, TimeNs started,
                        TimeNs ended, const std::vector<GeneratedOutput>& outputs) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(job.common().archive, ec);
  const std::string archive = (ec ? job.common().archive : absolute.lexically_normal()).string();
  w.field("product_format", kProductFormat);
  w.field("archive", archive);
  // The parameters' meaning, as the catalogue had it when the product was made.
  w.key("parameters").begin_array();
  for (const auto& m : plan.missions)
    for (const auto& p : m.params)
      w.begin_object().field("mission", m.name).field("name", p.name).field("unit", p.unit)
          .field("description", p.description).field("subsystem", p.subsystem).end_object();
  w.end_array();

  w.key("provenance").begin_object();
  w.key("prefix").begin_object();
  w.field("prov", "http://www.w3.org/ns/prov#").field("tm", "urn:telemine:");
  w.end_object();
  write_entities(w, plan, outputs, archive);
  w.key("activity").begin_object();
  w.key("tm:run").begin_object();
  w.field("prov:type", "tm:" + job.common().kind).field("prov:startTime", format_time(started));
  w.field("prov:endTime", format_time(ended)).field("tm:ranks", ranks);
  w.end_object();
  w.end_object();
  w.key("agent").begin_object();
  w.key("tm:telemine").begin_object().field("prov:type", "prov:SoftwareAgent").field("tm:version", version()).end_object();
  w.end_object();
  write_relations(w, plan, outputs, ended);
  w.end_object();
}

}  // namespace telemine::jobs::products
