# Helpers for the end-to-end tests: run the real telemine binary as a user would.
# Each test script sources this file; ctest sets TELEMINE, TELEMINE_SOURCE_DIR and MPIEXEC.
set -euo pipefail
: "${TELEMINE:?set by ctest: path to the telemine binary}"
MPIEXEC=${MPIEXEC:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
WORK=$(mktemp -d /tmp/telemine-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# tm ARGS...: telemine on one process.  mp N ARGS...: telemine under mpirun with N ranks.
tm() { "$TELEMINE" "$@"; }
mp() { local n=$1; shift; "$MPIEXEC" --bind-to none -np "$n" "$TELEMINE" "$@"; }

# expect_fail CODE PATTERN CMD...: CMD must exit with CODE and print PATTERN on stderr.
expect_fail() {
  local code=$1 pattern=$2; shift 2
  local err rc=0
  err=$("$@" 2>&1 >/dev/null) || rc=$?
  [ "$rc" -eq "$code" ] || fail "expected exit $code, got $rc from: $* -- $err"
  grep -q -- "$pattern" <<<"$err" || fail "expected '$pattern' in the error of: $* -- got: $err"
  pass "exit $code with '$pattern': ${*: -4}"
}

# Every partition file and catalogue of two archives, byte for byte (catalogue columns compared
# through h5dump, since they are the same content in any case).
same_archive() {
  local a=$1 b=$2
  diff <(cd "$a" && find . -name '*.h5' ! -name catalog.h5 | sort) <(cd "$b" && find . -name '*.h5' ! -name catalog.h5 | sort) \
    || fail "$a and $b hold different partition files"
  (cd "$a" && find . -name '*.h5' ! -name catalog.h5) | while read -r f; do
    cmp -s "$a/$f" "$b/$f" || fail "$f differs between $a and $b"
  done
  for m in "$a"/*/catalog.h5; do
    m=${m#"$a"/}
    cmp -s <(h5dump "$a/$m" | tail -n +2) <(h5dump "$b/$m" | tail -n +2) || fail "catalogue $m differs"
  done
}

no_temporaries() {
  local left
  left=$(find "$1" -name '*.tmp-*' | head -1)
  [ -z "$left" ] || fail "temporary file left behind: $left"
}

# unpack_smap: NASA SMAP (../shared/data/smap.tar.xz) unpacked into $WORK/smap; status 1 if
# the tarball is absent.
SMAP_TARBALL="${TELEMINE_SOURCE_DIR:?set by ctest: the source folder}/../shared/data/smap.tar.xz"
unpack_smap() {
  [ -f "$SMAP_TARBALL" ] || return 1
  tar xJf "$SMAP_TARBALL" -C "$WORK"
}
