#pragma once
/// \file Federation: the catalogue as Elasticsearch `_bulk` NDJSON (an action line, then the
/// document, for every product, collection, mission, parameter and event), with an index mapping
/// file, so that a central data portal can load it with two curl calls:
///
///   for i in $(jq -r 'keys[]' mappings.json); do curl -XPUT es/$i -d "$(jq .\"$i\" mappings.json)"; done
///   curl -XPOST es/_bulk -H 'Content-Type: application/x-ndjson' --data-binary @bulk.ndjson

#include <cstdint>
#include <filesystem>
#include <vector>

namespace telemine::jobs::products {

class Catalogue;

struct EsBulkReport {
  std::int64_t products = 0, collections = 0, missions = 0, params = 0, events = 0;
  std::int64_t documents() const noexcept { return products + collections + missions + params + events; }
};

/// Writes OUTPUT/bulk.ndjson and OUTPUT/mappings.json (each atomically). Products are read from
/// their folders (the truth); missions, parameters and events from `archives` and every archive
/// a product read; collections from `collections` (a folder of collections, may be absent).
EsBulkReport export_es_bulk(Catalogue& catalogue, std::vector<std::filesystem::path> archives,
                            const std::filesystem::path& collections, const std::filesystem::path& output);

}  // namespace telemine::jobs::products
