#!/usr/bin/env bash
# Rebuild the raw seed corpora from the repository's test files into fuzz/seeds/<target>
# (not committed); `cargo fuzz cmin <target> seeds/<target>` then keeps the few that matter
# in fuzz/corpus/<target>. Seeds carry PHIMARK markers in PHI-bearing fields, so the targets'
# "no claim value in errors" checks have something to find.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/seeds
rm -rf "$out"
mkdir -p "$out"/{x12,json,fhir,rules,codeset_bytes,codeset_tsv}

# X12: every 837 sample, plus one with the marker in names, member id, address, birth date,
# claim charge and ST01.
cp tests/fixtures/x12/*.edi "$out/x12/"
sed -e 's/NM1\*IL\*1\*DOE\*JANE\*\*\*\*MI\*MEM001~/NM1*IL*1*PHIMARKLAST*PHIMARKFIRST****MI*PHIMARKMEMBER~N3*PHIMARK STREET~N4*PHIMARKCITY*NY*10001~DMG*D8*PHIMARKDOB*F~/' \
    -e 's/CLM\*CLM001\*100/CLM*CLM001*PHIMARK/' tests/fixtures/x12/openx12-minimal-837p.edi >"$out/x12/phi-837p.edi"
sed -e 's/ST\*837\*0001\*/ST*PHIMARK*0001*/' tests/fixtures/x12/openx12-minimal-837p.edi >"$out/x12/phi-st01.edi"

# JSON / NDJSON: the example claims, the rule fixtures' claims, and marked claims one a line.
cp examples/claims.json "$out/json/examples-claims.json"
for f in rules/core/claims/*.json; do cp "$f" "$out/json/core-$(basename "$f")"; done
cat >"$out/json/phi.ndjson" <<'JSON'
{"id":"C1","patient":{"member_id":"PHIMARK-member","date_of_birth":"1930-02-03","sex":"F"},"diagnoses":[{"code":"O80"}],"lines":[{"procedure":"99213","from":"2026-03-01","charge":10,"units":1}]}
{"id":"C2","patient":{"member_id":"M2","PHIMARK-key":"x"},"lines":[]}
{"id":{"name":"PHIMARK-idobject"},"lines":[]}
{"id":"C4","lines":[{"units":"PHIMARK-units"}]}
{"id":"C5","patient":{"sex":"PHIMARK-sex"},"lines":[]}
{"id":"C6","subscriber":{"member_id":"PHIMARK-subscriber"},"lines":[]}
JSON
printf '[{"id":"A1","patient":{"member_id":"PHIMARK-m"},"lines":[]},\n{"id":"A2","lines":[{"procedure": PHIMARK}]},\n{"id":"A3","lines":[]}]\n' >"$out/json/phi-array.json"

# FHIR: the sample Claims and Bundle, a root type FHIR does not define, a marked patient.
cp tests/fixtures/fhir/*.json "$out/fhir/"
printf '{"resourceType":"PHIMARK-type"}' >"$out/fhir/phi-type.json"
printf '{"resourceType":"Claim","id":"F1","type":{"coding":[{"code":"professional"}]},"patient":{"display":"PHIMARK-display","identifier":{"value":"PHIMARK-ident"}},"diagnosis":[{"sequence":1,"diagnosisCodeableConcept":{"coding":[{"code":"J06.9"}]}}]}' >"$out/fhir/phi-patient.json"

# Rules: every shipped rule and pack, the broken-rule fixtures and the user-rule example.
for f in $(find rules tests/fixtures/broken-rules tests/fixtures/user-rules -name '*.yaml' ! -name '*.test.yaml'); do
  cp "$f" "$out/rules/$(echo "$f" | tr / _)"
done

# Code-set sources: each fixture system as one `@@ file` container, and compiled.
for d in tests/fixtures/codesets/*/; do
  sys=$(basename "$d")
  case $sys in modifiers) name=modifier ;; *) name=$sys ;; esac
  {
    echo "$name"
    for f in "$d"*; do
      echo "@@ $(basename "$f")"
      cat "$f"
    done
  } >"$out/codeset_tsv/$sys.txt"
done
bin=${CLAIMSCRUB:-target/release/claimscrub}
tmp=$(mktemp -d)
"$bin" codesets build --from tests/fixtures/codesets --out "$tmp" >/dev/null
cp "$tmp"/*.csfst "$out/codeset_bytes/"
rm -rf "$tmp"
du -sh "$out"/*
