# scripts/setup.sh - sourced by scripts/demo, scripts/test and scripts/bench:
# install missing Debian packages, then configure and build a preset.
#   haven_setup_packages          apt-get install what is missing
#   haven_build PRESET            configure + build (default | asan)
set -euo pipefail

HAVEN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HAVEN_ROOT

# Build tools and the libraries haven links (headers + runtime), plus the
# SpatiaLite module, GDAL's command-line tools (used by tests to make fixtures
# and to open exports), python3 (the standard-library checks in tests/),
# PostgreSQL with PostGIS (tests/cli/test_export_pg.sh starts a server of
# its own to test the PostGIS export); for maps, Cairo, the DejaVu fonts and
# Leaflet (inlined into HTML maps), and for their tests poppler's pdftotext
# (a PDF map's text) and Chromium (an HTML map opened headless).
HAVEN_PACKAGES=(
  build-essential cmake pkg-config git python3
  libgeos-dev libproj-dev proj-data
  libsqlite3-dev libspatialite-dev libsqlite3-mod-spatialite
  libgdal-dev gdal-bin
  libcjson-dev libcmocka-dev libsodium-dev libcsv-dev zlib1g-dev sqlite3
  libglpk-dev
  postgresql-15 postgresql-15-postgis-3
  libcairo2-dev libfontconfig-dev fonts-dejavu-core libjs-leaflet poppler-utils chromium
  # GDAL's Python bindings and numpy: tests/synth_placements_check.py measures
  # the synthetic placements independently (point in polygon, EPSG:27700)
  python3-gdal python3-numpy
)

haven_setup_packages() {
  local missing=()
  for p in "${HAVEN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "== installing: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

haven_build() {
  local preset=${1:-default}
  cd "$HAVEN_ROOT"
  echo "== configure and build ($preset)"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}
