#!/usr/bin/env bash
# Installs the Debian packages telemine needs, if any is missing. Not root: prints the exact
# apt-get line to run and stops.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
  libeigen3-dev libboost-program-options-dev libxxhash-dev nlohmann-json3-dev
  libtorch-dev libopenblas0
  libsqlite3-dev libssl-dev nlohmann-json3-dev xxhash  # products catalogue, BagIt SHA-256, product.json reading; xxhsum for bench
  libgtest-dev googletest libbenchmark-dev
  xz-utils python3-numpy  # unpacking SMAP; scripts/telemanom_validation.py
  slurm-wlm munge
  libcpp-httplib-dev nlohmann-json3-dev  # telemine serve; reading product.json
  chromium apache2-utils                 # the page's browser test (playwright-core); ab for bench/serve
  libssl-dev  # SHA-256 (OpenSSL EVP) of dataset files
  clang libclang-rt-14-dev  # libFuzzer targets (tests/fuzz)
  libmuparser-dev libxgboost-dev python3-pandas  # derived parameters, forests; tests/e2e/derived_params.sh
  librsvg2-dev zlib1g-dev  # plot --output F.png (the SVG drawn by librsvg into cairo); gzip answers of serve
  python3-h5py  # README "Outputs people open" recipe; tests/e2e/readme_outputs.sh
  python3-torch  # bench/peers/lstm_torch.py: the forecaster's PyTorch peer
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The browser test's npm (playwright-core): the machine's own Node.js may already bring it.
command -v npm > /dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "telemine needs these Debian packages. As root, run:" >&2
  echo "  apt-get update && $line" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# libopenblas0 is only a Recommends of libtorch: named explicitly above so torch gets a fast BLAS.
apt-get install -y -qq "${missing[@]}" >/dev/null
