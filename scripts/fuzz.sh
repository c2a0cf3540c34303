#!/usr/bin/env bash
# Short, bounded fuzz runs of every input path (cargo-fuzz / libFuzzer on the
# stable toolchain). Not part of .ci/run. A crash is saved under
# fuzz/artifacts/<target>/ and must become a regression test.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(spec apidoc auth_check form_body callback_query credentials)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# libFuzzer needs instrumentation flags that stable rustc accepts only with this switch.
export RUSTC_BOOTSTRAP=1

seed() { # target, files...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/$(basename "$(dirname "$f")")-$(basename "$f")"; done
}
seed spec tests/fixtures/specs/*.yaml tests/fixtures/specs/broken/*.yaml
seed apidoc tests/fixtures/drafts/*.md tests/fixtures/apidocs/*/*.md
seed auth_check tests/cli/snapshots/*derived_*.snap
seed credentials
printf '{"api_key":"k","page":1,"on":true}' > fuzz/corpus/credentials/flat.json
seed form_body
printf '_csrf=x&_method=token&subdomain=acme&api_token=t&page_size=10' > fuzz/corpus/form_body/token
seed callback_query
printf 'http://localhost:9876/oauth/callback?code=abc&state=xyz' > fuzz/corpus/callback_query/redirect

for t in "${targets[@]}"; do
  echo "==> $t ($secs s)"
  cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=2048 2>&1 | grep -E "^(#[0-9]+\s+DONE|Done|==[0-9]+==|SUMMARY|stat::)" || true
done
