#!/usr/bin/env bash
# Checks the wheel the way a user gets it: builds it (scripts/build-wheel.sh,
# release profile, once), installs it into a fresh virtual environment, and
# runs the installed command with no Rust toolchain on PATH: --version, lint
# on a throw-away workspace (a good spec passes, a broken one fails), and
# demo --no-open --json up to the URL it listens on. Exits non-zero on any
# problem. Usage: scripts/wheel-check.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

work=$(mktemp -d)
demo_pid=
cleanup() {
  if [[ -n "$demo_pid" ]]; then
    kill "$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "wheel-check: FAILED: $*" >&2
  exit 1
}

version=$(cargo metadata --no-deps --format-version 1 --locked |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["packages"][0]["version"])')
commit=$(git rev-parse --short=7 HEAD 2>/dev/null || true)

start=$SECONDS
wheel=$(scripts/build-wheel.sh "$work/wheels" | tail -n 1)
echo "wheel-check: built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KiB) in $((SECONDS - start)) s"

# The wheel holds the binary and its metadata, nothing else.
python3 - "$wheel" "$version" <<'PY' || fail "wheel contents or metadata"
import sys, zipfile
wheel, version = sys.argv[1], sys.argv[2]
names = zipfile.ZipFile(wheel).namelist()
data, info = f"connector_auth-{version}.data/", f"connector_auth-{version}.dist-info/"
assert f"{data}scripts/connector-auth" in names, names
assert all(n == f"{data}scripts/connector-auth" or n.startswith(info) for n in names), names
meta = zipfile.ZipFile(wheel).read(f"{info}METADATA").decode()
for line in ("Name: connector-auth", f"Version: {version}", "License-Expression: Apache-2.0", "Summary: "):
    assert any(row.startswith(line) for row in meta.splitlines()), line
PY

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$wheel"

# From here on PATH holds the environment and the few tools this script uses
# (git too, when there is one, as a connectors repository would have it):
# no Rust toolchain.
mkdir "$work/tools"
for tool in basename cat cp mkdir rm sed sleep touch git; do
  if found=$(command -v "$tool"); then
    ln -s "$found" "$work/tools/$tool"
  fi
done
export PATH="$work/venv/bin:$work/tools"
if command -v cargo >/dev/null || command -v rustc >/dev/null; then
  fail "a Rust toolchain is still on PATH"
fi
[[ "$(command -v connector-auth)" == "$work/venv/bin/connector-auth" ]] ||
  fail "connector-auth is not the environment's: $(command -v connector-auth || echo none)"

echo "wheel-check: --version"
got=$(connector-auth --version)
want="connector-auth $version${commit:+ ($commit)}"
[[ "$got" == "$want" ]] || fail "--version printed '$got', expected '$want'"

echo "wheel-check: lint"
ws="$work/workspace"
sources="$ws/src/databricks/labs/community_connector/sources"
mkdir -p "$sources/github" "$sources/broken"
touch "$ws/pyproject.toml"
cp tests/fixtures/specs/flat.yaml "$sources/github/connector_spec.yaml"
cp tests/fixtures/specs/broken/unknown_type.yaml "$sources/broken/connector_spec.yaml"
(cd "$ws" && connector-auth --color never lint github) || fail "lint github: exit $?"
status=0
(cd "$ws" && connector-auth --color never lint broken) || status=$?
[[ $status == 1 ]] || fail "lint of a broken spec: exit $status, expected 1"

echo "wheel-check: demo --no-open --json"
(cd "$work" && exec connector-auth demo --no-open --json) >"$work/demo.out" 2>"$work/demo.err" &
demo_pid=$!
url=
for ((tenths = 0; tenths < 600; tenths++)); do
  url=$(sed -n 's/^{"event":"listening","url":"\([^"]*\)".*/\1/p' "$work/demo.out")
  [[ -n "$url" ]] && break
  kill -0 "$demo_pid" 2>/dev/null || break
  sleep 0.1
done
sed 's/^/  /' "$work/demo.out"
[[ "$url" == http://localhost:* ]] ||
  fail "demo printed no listening URL within 60 s; stderr: $(cat "$work/demo.err")"
python3 - "$url" <<'PY' || fail "the demo form at $url did not answer"
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
assert b"Save" in opener.open(sys.argv[1], timeout=10).read()
PY
kill "$demo_pid"
wait "$demo_pid" || true
demo_pid=

echo "wheel-check: ok (connector-auth $version from $(basename "$wheel"), no Rust on PATH)"
