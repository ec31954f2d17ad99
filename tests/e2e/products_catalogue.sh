#!/usr/bin/env bash
# The product catalogue end to end: run jobs, index, search, show, verify, tamper with an output
# (verify fails naming it), change an input partition (stale), recreate (identical), bad input.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

mp 2 generate --archive archive --mission-count 2 --params 20 --days 3 --rate 60s --seed 5 --quiet > /dev/null
mp 2 stats --archive archive --mission SYN1 --bucket 1h --output out/hourly --quiet > /dev/null
mp 2 run "$TELEMINE_SOURCE_DIR/jobfiles/stats-daily.ini" --archive archive --output out/daily --quiet > /dev/null
mp 2 dependency --archive archive --mission SYN1 --params 'DEP_*' --grid 5min --output out/dep --quiet > /dev/null

# PROV provenance in product.json, readable by any JSON tool.
python3 - out/hourly/product.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["provenance"]
assert p["prefix"]["prov"] == "http://www.w3.org/ns/prov#"
assert p["agent"]["tm:telemine"]["prov:type"] == "prov:SoftwareAgent"
assert len(p["used"]) == len(d["inputs"]) and len(p["wasGeneratedBy"]) == len(d["outputs"])
assert d["product_format"] == 1 and d["archive"].startswith("/")
PY
pass "PROV-JSON provenance"

tm products index out | grep -q "^indexed 3 products" || fail "index"
[ "$(tm products list --format csv | tail -n +2 | wc -l)" -eq 3 ] || fail "list"
[ "$(tm products search --kind stats --format csv | tail -n +2 | wc -l)" -eq 2 ] || fail "search by kind"
tm products search --key stats.bucket=1h --format csv | grep -q "/out/hourly$" || fail "search by job key"
[ "$(tm products search --mission SYN2 --format csv | tail -n +2 | wc -l)" -eq 1 ] || fail "search by mission"
tm products search --param 'DEP_LAG_*' --kind dependency --format csv | grep -q "/out/dep$" || fail "search by parameter"
tm products search --text daily --format json | python3 -c "import json,sys; r=json.load(sys.stdin); assert len(r)==1 and r[0]['dir'].endswith('/out/daily'), r"
tm products search --text "planted slow process" --kind dependency --format csv | grep -q "/out/dep$" || fail "text in descriptions"
[ "$(tm products search --from 2026-01-05 --format csv | tail -n +2 | wc -l)" -eq 0 ] || fail "time range"
[ "$(tm products search --created-to 2000-01-01 --format csv | tail -n +2 | wc -l)" -eq 0 ] || fail "creation time"
pass "list and search"

id=$(tm products search --key stats.bucket=1h --format csv | sed -n 2p | cut -d, -f1)
tm products show "$id" | grep -q "stats.csv .*xxh3-64:" || fail "show lists the outputs' checksums"
tm products show "$id" | grep -q "SYN1_2026-01-02.h5 .*xxh3-64:" || fail "show lists the inputs' checksums"
tm products show "${id:0:6}" --format json | cmp - out/hourly/product.json || fail "show --format json"
tm products verify --all | grep -q "3 ok, 0 stale.*0 damaged" || fail "verify --all on intact products"
pass "show and verify"

# Recreate: identical outputs (into a new folder, at another rank count); never into an existing one.
mp 3 products recreate "$id" --output out/again --quiet > recreate.txt || fail "recreate: $(cat recreate.txt)"
grep -q "identical    stats.csv" recreate.txt || fail "recreate: stats.csv not identical"
grep -q ", 0 differ" recreate.txt || fail "recreate: $(cat recreate.txt)"
tm products recreate "$(tm products search --text daily --format csv | sed -n 2p | cut -d, -f1)" --output out/daily-again --quiet \
  | grep -q ", 0 differ" || fail "recreate of a job file's product"
expect_fail 2 "already exists" tm products recreate "$id" --output out/again
pass "recreate"

# A tampered output: verify fails naming it.
cp -r out/hourly hourly.bak
printf 'x' >> out/hourly/stats.csv
expect_fail 1 "" tm products verify "$id"
{ tm products verify "$id" || true; } | grep -q "damaged output stats.csv" || fail "verify names the damaged output"
rm -r out/hourly && mv hourly.bak out/hourly

# A changed input partition: the products that read it are stale; those that did not, ok.
part=archive/SYN2/2026/01/SYN2_2026-01-02.h5
cp "$part" part.bak
mp 2 generate --archive other --mission-count 2 --params 20 --days 3 --rate 60s --seed 6 --quiet > /dev/null
cp other/SYN2/2026/01/SYN2_2026-01-02.h5 "$part"
tm products verify --all > verify.txt || fail "stale is not damage"
grep -q "stale .*SYN2 2026/01/SYN2_2026-01-02.h5: the archive changed since" verify.txt || fail "stale input not reported"
grep -q "2 ok, 1 stale" verify.txt || fail "only the daily product read SYN2: $(cat verify.txt)"
mv part.bak "$part"
pass "damaged outputs and stale inputs"

# Inputs gone: recreate refuses, naming the partition, and writes nothing.
mv archive moved
expect_fail 1 "SYN1_2026-01-01.h5: input partition of product" tm products recreate "$id" --output out/gone
[ ! -e out/gone ] || fail "a refused recreate created its folder"
tm products recreate "$id" --archive moved --output out/moved --quiet | grep -q ", 0 differ" || fail "recreate --archive"
mv moved archive
pass "inputs gone"

# Bad input: not a product, a damaged product.json, another format; the index never half-updated.
mkdir -p notproducts/empty
expect_fail 2 "not a product folder, and holds none" tm products index notproducts
before=$(tm products list --format csv | md5sum)
cp -r out/daily bad && echo '{"product": "telemine stats", "truncated' > bad/product.json
expect_fail 1 "bad/product.json: damaged product.json" tm products index out bad
[ "$(tm products list --format csv | md5sum)" = "$before" ] || fail "a failed index changed the index"
tm products index out bad --skip-damaged 2>&1 >/dev/null | grep -q "skipped: .*bad/product.json" || fail "--skip-damaged"
python3 -c "import json; d=json.load(open('out/daily/product.json')); d['product_format']=9; json.dump(d, open('bad/product.json','w'))"
expect_fail 1 "product format 9" tm products show bad
expect_fail 2 "no product 'ffff'" tm products show ffff
expect_fail 2 "no product index here" tm products list --db nothing.sqlite
pass "bad input"

# Rebuilt from the folders at any time: a fresh index from the recorded roots is the same.
rm -rf bad; tm products index > /dev/null
tm products list --format csv > a.csv
rm products.sqlite; tm products index out > /dev/null
tm products list --format csv | cmp - a.csv || fail "index rebuilt from the folders differs"
pass "index rebuilt from the folders"

# Collections: products and archive slices across missions, with their own manifest; a round
# trip through a BagIt export checked by sha256sum.
daily=$(tm products search --text daily --format csv | sed -n 2p | cut -d, -f1)
tm collection create campaign-2026 --products "$id" "$daily" --missions SYN1:2026-01-01/2026-01-03 SYN2 \
  --archive archive --description "power subsystem review, January 2026" | grep -q "slices (2)" || fail "collection create"
expect_fail 2 "already exists" tm collection create campaign-2026 --description again
tm collection add campaign-2026 --products "$(tm products search --kind dependency --format csv | sed -n 2p | cut -d, -f1)" \
  | grep -q "products (3)" || fail "collection add"
tm collection list | grep -q "^campaign-2026 *3 *2  power subsystem review" || fail "collection list"
tm collection show campaign-2026 | grep -q "SYN1 2026-01-01T00:00:00Z .. 2026-01-03T00:00:00Z .*(2 partitions)" || fail "show"
[ "$(wc -l < collections/campaign-2026/manifest-xxh3.txt)" -eq 16 ] || fail "collection manifest: 3 + 3 + 5 product files, 2 + 3 partitions"
tm collection export campaign-2026 --output cbag | grep -q "as a BagIt bag" || fail "collection export"
(cd cbag && sha256sum --quiet -c manifest-sha256.txt && sha256sum --quiet -c tagmanifest-sha256.txt) || fail "collection bag"
cmp cbag/data/products/$id/stats.csv out/hourly/stats.csv || fail "the bag's product output"
[ "$(find cbag/data/archive/SYN2 -name '*.h5' ! -name catalog.h5 | wc -l)" -eq 3 ] || fail "the bag's slices"
tm products index cbag/data/products > /dev/null && tm products search --text daily --format csv | grep -q "cbag" \
  || fail "an exported collection's products are products again"
tm products index > /dev/null
expect_fail 2 "no collection 'nope'" tm collection show nope
pass "collection round trip"

# Federation: Elasticsearch bulk NDJSON and its mapping.
tm products export --format es-bulk --output es | grep -q "wrote .* documents" || fail "es-bulk"
python3 - es <<'PY'
import json, sys, collections
lines = open(sys.argv[1] + "/bulk.ndjson").read().splitlines()
assert len(lines) % 2 == 0
kinds = collections.Counter(json.loads(a)["index"]["_index"] for a in lines[0::2])
for d in lines[1::2]: json.loads(d)
m = json.load(open(sys.argv[1] + "/mappings.json"))
assert set(kinds) <= set(m), (kinds, m.keys())
assert kinds["telemine-collections"] == 1, kinds
assert kinds["telemine-products"] >= 3 and kinds["telemine-parameters"] == 40 and kinds["telemine-missions"] == 2, kinds
PY
pass "es-bulk export"
