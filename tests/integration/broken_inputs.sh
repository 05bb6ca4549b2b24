# Every broken zone file of the corpora (tests/data/broken: parser errors;
# tests/data/broken-zone: zone rule violations) makes `zonesigner sign` exit 1
# with "zonesigner: error: FILE:LINE: ..." naming the expected line and
# problem, and the previous signed output and its DS file stay byte-identical.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

out="$TEST_TMP/example.com.signed"
state="$TEST_TMP/state"
"$ZONESIGNER" sign --zone example.com --input "$SOURCE_DIR/zones/example.com.zone" --output "$out" \
  --state-dir "$state" 2>/dev/null
cp "$out" "$TEST_TMP/before.signed"
cp "$out.ds" "$TEST_TMP/before.ds"

cases=0
for corpus in broken broken-zone; do
  dir="$SOURCE_DIR/tests/data/$corpus"
  while IFS=$'\t' read -r file line fragment; do
    [[ -z "$file" || "$file" == \#* ]] && continue
    [[ -f "$dir/$file" ]] || fail "$corpus/expected.tsv names a missing file: $file"
    status=0
    "$ZONESIGNER" sign --zone example.com --input "$dir/$file" --output "$out" --state-dir "$state" \
      >"$TEST_TMP/err.log" 2>&1 || status=$?
    ((status == 1)) || { cat "$TEST_TMP/err.log" >&2; fail "$file: expected exit 1, got $status"; }
    msg=$(grep '^zonesigner: error: ' "$TEST_TMP/err.log" | head -n 1)
    [[ "$msg" == *":$line: "* ]] || fail "$file: expected line $line in: $msg"
    [[ "$msg" == *"$fragment"* ]] || fail "$file: expected '$fragment' in: $msg"
    cmp -s "$out" "$TEST_TMP/before.signed" || fail "$file: previous output changed"
    cmp -s "$out.ds" "$TEST_TMP/before.ds" || fail "$file: previous DS file changed"
    cases=$((cases + 1))
  done <"$dir/expected.tsv"
done
# No temporary files left behind next to the output.
leftovers=$(find "$TEST_TMP" -maxdepth 1 -name '*.tmp.*' | wc -l)
((leftovers == 0)) || fail "temporary files left: $(find "$TEST_TMP" -maxdepth 1 -name '*.tmp.*')"
((cases >= 40)) || fail "only $cases broken inputs checked"
echo "$cases broken inputs refused with the expected line and message; previous output intact"
