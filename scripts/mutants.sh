#!/usr/bin/env bash
# Mutation testing of the code that handles secrets: every mutant cargo-mutants
# makes in these files must make a test fail. Slow on 2 cores, so not part of
# .ci/run; run it after changing one of the files, a shard at a time.
#
# Usage: scripts/mutants.sh [SHARD/SHARDS] [FILE...]
#   scripts/mutants.sh                 every mutant of every file (hours on 2 cores)
#   scripts/mutants.sh 3/24            one shard of them, K counted from 0 (0/24 … 23/24);
#                                      each runs in under 20 minutes on 2 idle cores
#   scripts/mutants.sh 0/1 src/redact.rs
# MUTANTS_TESTS=unit runs the unit tests only (a fast first pass, 10 s timeout; a mutant
# they miss is then tried with the integration tests too).
# MUTANTS_ITERATE=1 skips the mutants an earlier run of the shard caught.
# MUTANTS_ONLY=FILE tries only the mutants FILE lists (a missed.txt of the
# unit pass), with the integration tests as well.
# MUTANTS_IN_PLACE=1 mutates this checkout and reuses its target/ (much faster;
# do not edit files while it runs; cargo-mutants restores each file).
# Results: target/mutants/<shard>/mutants.out/{caught,missed,timeout,unviable}.txt
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$version"; then
  cargo install --locked cargo-mutants --version "$version"
fi

shard=${1:-0/1}
shift || true
files=("$@")
if ((${#files[@]} == 0)); then
  files=(src/redact.rs src/secret.rs src/oauth/answer.rs src/template.rs src/credentials.rs src/store.rs)
fi
args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
if [[ ${MUTANTS_IN_PLACE:-0} == 1 ]]; then args+=(--in-place); else args+=(--jobs 1); fi

# The fast tests that exercise these files: the unit tests, and the
# integration tests that need no browser (the scrubbing attacks, the leak
# properties, validate against loopback APIs, credentials and keyring
# commands). Chromium, oidc-provider and the MCP SDK are not needed.
filters=(redact:: secret:: answer:: template:: credentials:: store:: attacks:: leaks::
  properties:: validate:: commands:: keyring:: secret_service:: collect::)

out="target/mutants/${shard//\//-of-}"
if [[ ${MUTANTS_ITERATE:-0} == 1 ]]; then args+=(--iterate); fi
if [[ -n ${MUTANTS_ONLY:-} ]]; then
  while IFS= read -r name; do
    [[ -n $name ]] && args+=(--re "^$(printf '%s' "$name" | sed 's/[][\\.^$*+?(){}|]/\\&/g')\$")
  done < "$MUTANTS_ONLY"
  out="$out-only"
fi
# --cargo-arg reaches the build too: only the targets that run are built.
targets=(--cargo-arg=--lib --cargo-arg=--test=cli)
timeout=180
if [[ ${MUTANTS_TESTS:-all} == unit ]]; then
  targets=(--cargo-arg=--lib)
  timeout=10
  filters=()
  out="$out-unit"
fi
mkdir -p "$out"
set +e
cargo mutants "${args[@]}" "${targets[@]}" --shard "$shard" --timeout "$timeout" --output "$out" \
  -- -- "${filters[@]}"
status=$?
set -e
if [[ ! -d "$out/mutants.out" ]]; then
  echo "cargo mutants did not run (exit $status)" >&2
  exit "$status"
fi
for kind in caught missed timeout unviable; do
  file="$out/mutants.out/$kind.txt"
  printf '%-9s %s\n' "$kind" "$( [[ -f $file ]] && wc -l < "$file" || echo 0)"
done
if [[ -s "$out/mutants.out/missed.txt" ]]; then
  echo "missed mutants:"
  cat "$out/mutants.out/missed.txt"
fi
# cargo-mutants exits 2 when a mutant was missed, 3 on a timeout.
exit "$status"
