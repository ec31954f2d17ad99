#!/usr/bin/env bash
# Fixity and preservation of the archive: verify at 1, 2 and 3 ranks (identical reports),
# damaged / missing / extra files named with exit 1; a BagIt export checked by a second reader
# (sha256sum -c on both manifests), imported back byte for byte; bad bags refused.
source "$(dirname "$0")/lib.sh"
cd "$WORK"

mp 2 generate --archive archive --mission-count 2 --params 20 --days 4 --rate 60s --seed 7 --quiet > /dev/null
for np in 1 2 3; do mp $np verify --archive archive --quiet > v$np.txt || fail "verify at $np ranks"; done
cmp v1.txt v2.txt && cmp v1.txt v3.txt || fail "the report depends on the rank count"
grep -qx "8 partitions: 8 intact, 0 findings (archive intact)" v1.txt || fail "intact archive: $(cat v1.txt)"
mp 3 verify --archive archive --mission SYN2 --quiet | grep -q "^4 partitions: 4 intact" || fail "--mission"
pass "verify an intact archive at 1, 2, 3 ranks"

cp -r archive broken
python3 -c "
f = open('broken/SYN1/2026/01/SYN1_2026-01-03.h5', 'r+b'); f.seek(4096); b = f.read(1); f.seek(4096); f.write(bytes([b[0] ^ 0x40]))"
rm broken/SYN2/2026/01/SYN2_2026-01-02.h5
touch broken/SYN2/2026/01/stray.h5
for np in 1 3; do
  rc=0; mp $np verify --archive broken --quiet > b$np.txt || rc=$?
  [ $rc -eq 1 ] || fail "a damaged archive must exit 1 (got $rc at $np ranks)"
done
cmp b1.txt b3.txt || fail "damaged report differs between 1 and 3 ranks"
grep -q "^damaged    SYN1 2026/01/SYN1_2026-01-03.h5: checksum" b1.txt || fail "damaged file not named"
grep -q "^missing    SYN2 2026/01/SYN2_2026-01-02.h5" b1.txt || fail "missing file not named"
grep -q "^extra      SYN2 2026/01/stray.h5" b1.txt || fail "extra file not named"
expect_fail 2 "no mission 'NOPE'" tm verify --archive archive --mission NOPE
pass "damaged, missing and extra files"

# BagIt export, validated by a second reader.
tm export --archive archive --mission SYN1 --format bagit --output bag | grep -q "as a BagIt bag" || fail "export"
for f in bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt data/datasheet.md data/SYN1/catalog.h5; do
  [ -s "bag/$f" ] || fail "bag: no $f"
done
(cd bag && sha256sum --quiet -c manifest-sha256.txt && sha256sum --quiet -c tagmanifest-sha256.txt) || fail "manifests"
[ "$(wc -l < bag/manifest-sha256.txt)" -eq "$(find bag/data -type f | wc -l)" ] || fail "a payload file is not in the manifest"
grep -qx "Payload-Oxum: $(find bag/data -type f -printf '%s\n' | awk '{s+=$1} END {print s}').$(find bag/data -type f | wc -l)" \
  bag/bag-info.txt || fail "Payload-Oxum"
grep -q "^BagIt-Version: 1.0$" bag/bagit.txt || fail "bagit.txt"
if /usr/bin/python3 -c "import bagit" 2> /dev/null; then
  /usr/bin/python3 -c "import bagit; bagit.Bag('bag').validate()" || fail "python3-bagit says the bag is invalid"
fi
pass "BagIt export checked with sha256sum -c"

# Import restores the mission byte for byte, into an archive without it.
tm import --input bag --archive restored | grep -q "mission SYN1 restored" || fail "import"
mkdir copy && cp -r archive/SYN1 copy/
same_archive copy restored
tm verify --archive restored --quiet | grep -q "4 intact" || fail "restored archive verify"
expect_fail 2 "already exists" tm import --input bag --archive restored
expect_fail 2 "already exists" tm export --archive archive --mission SYN1 --format bagit --output bag
pass "import"

# Bad bags: a damaged payload file, an unlisted one, not a bag at all; nothing imported.
cp -r bag bad
printf 'x' >> bad/data/SYN1/catalog.h5
expect_fail 1 "data/SYN1/catalog.h5: SHA-256 differs" tm import --input bad --archive other
rm -r bad && cp -r bag bad && touch bad/data/SYN1/extra.txt
expect_fail 1 "extra.txt: in data/, listed in no manifest" tm import --input bad --archive other
expect_fail 1 "not a bag" tm import --input archive --archive other
[ ! -e other/SYN1 ] || fail "a refused import wrote the mission"
# A damaged partition is never packaged.
expect_fail 1 "SYN1_2026-01-03.h5: damaged" tm export --archive broken --mission SYN1 --format bagit --output bag2
[ ! -e bag2 ] || fail "a failed export left its folder"
no_temporaries "$WORK"
pass "bad bags and damaged archives"
