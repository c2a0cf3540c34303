#!/usr/bin/env bash
# Builds the connector-auth wheel for this platform: the release binary only,
# packaged by maturin (bindings = "bin") at the version pinned in
# pyproject.toml, installed from PyPI into a throw-away virtual environment.
# Needs Python 3 (with venv) and a Rust toolchain.
# Usage: scripts/build-wheel.sh [OUT_DIR]      (default: target/wheels)
# The last line printed is the wheel's path.
set -euo pipefail
out="${1:-}"
[[ -z "$out" || "$out" == /* ]] || out="$PWD/$out"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${out:-$PWD/target/wheels}"

maturin=$(sed -n 's/^requires = \["maturin==\([0-9][0-9.]*\)"\]$/\1/p' pyproject.toml)
if [[ -z "$maturin" ]]; then
  echo "build-wheel: pyproject.toml pins no maturin==X.Y.Z in [build-system]" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check "maturin==$maturin"
# [tool.maturin] in pyproject.toml sets the release profile, --locked and strip.
"$tmp/venv/bin/maturin" build --out "$tmp/wheels" >&2

wheels=("$tmp"/wheels/*.whl)
if ((${#wheels[@]} != 1)) || [[ ! -f "${wheels[0]}" ]]; then
  echo "build-wheel: expected one wheel, got: ${wheels[*]}" >&2
  exit 1
fi
mkdir -p "$out"
mv -f "${wheels[0]}" "$out/"
echo "$out/$(basename "${wheels[0]}")"
