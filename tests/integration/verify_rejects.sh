# `zonesigner verify` must reject deliberately broken signed zones, each with
# a message that names the problem: a flipped signature byte, a removed NSEC,
# a wrong bitmap, an expired signature, a missing signature, a signed glue
# record, a broken NSEC3 chain. The unbroken zone passes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

origin=example.com.
good="$TEST_TMP/good.signed"
now=20261123120000
"$ZONESIGNER" sign --zone $origin --input "$SOURCE_DIR/zones/example.com.zone" --output "$good" \
  --state-dir "$TEST_TMP/state" --now $now --validity 14d 2>/dev/null
"$ZONESIGNER" verify --zone $origin "$good" --now $now 2>/dev/null || fail "good zone rejected"

# expect_rejected NAME FILE FRAGMENT [VERIFY ARGS...]: zonesigner verify fails
# with status 1 and its message contains FRAGMENT.
expect_rejected() {
  local name=$1 file=$2 fragment=$3
  shift 3
  local status=0
  "$ZONESIGNER" verify --zone $origin "$file" --now $now "$@" >"$TEST_TMP/out.log" 2>&1 || status=$?
  ((status == 1)) || { cat "$TEST_TMP/out.log" >&2; fail "$name: expected exit 1, got $status"; }
  grep -qF -- "$fragment" "$TEST_TMP/out.log" ||
    { cat "$TEST_TMP/out.log" >&2; fail "$name: message lacks '$fragment'"; }
  echo "ok: $name"
}

# Flipped signature byte in the RRSIG of www's A record.
awk '!done && $1 == "www.example.com." && $4 == "RRSIG" && $5 == "A" {
       sig = $NF; c = substr(sig, 10, 1); $NF = substr(sig, 1, 9) (c == "A" ? "B" : "A") substr(sig, 11); done = 1 }
     { print }' OFS='\t' "$good" >"$TEST_TMP/flipped.signed"
cmp -s "$good" "$TEST_TMP/flipped.signed" && fail "tampering did not change the file"
expect_rejected "flipped signature" "$TEST_TMP/flipped.signed" "www.example.com. A"
expect_rejected "flipped signature, explicit full mode" "$TEST_TMP/flipped.signed" "www.example.com. A" --mode full

# Removed NSEC record (and its RRSIG) of www.
awk '!($1 == "www.example.com." && ($4 == "NSEC" || ($4 == "RRSIG" && $5 == "NSEC")))' "$good" \
  >"$TEST_TMP/no-nsec.signed"
expect_rejected "removed NSEC" "$TEST_TMP/no-nsec.signed" "www.example.com. NSEC"

# Wrong bitmap: drop AAAA from the NSEC type list of www (signature left as is).
awk '$1 == "www.example.com." && $4 == "NSEC" { sub(/ AAAA/, "") } { print }' "$good" >"$TEST_TMP/bitmap.signed"
cmp -s "$good" "$TEST_TMP/bitmap.signed" && fail "bitmap tampering did not change the file"
expect_rejected "wrong bitmap" "$TEST_TMP/bitmap.signed" "bitmap" --mode structure

# Expired signatures: the same zone checked 30 days later.
status=0
"$ZONESIGNER" verify --zone $origin "$good" --now 20261223120000 >"$TEST_TMP/out.log" 2>&1 || status=$?
((status == 1)) && grep -q "expired" "$TEST_TMP/out.log" || { cat "$TEST_TMP/out.log"; fail "expired zone accepted"; }
echo "ok: expired"

# Missing signature: remove the RRSIG over www's A record.
awk '!($1 == "www.example.com." && $4 == "RRSIG" && $5 == "A")' "$good" >"$TEST_TMP/unsigned.signed"
expect_rejected "missing signature" "$TEST_TMP/unsigned.signed" "www.example.com. A"

# Signed glue: copy an RRSIG line onto a glue record of a delegation.
glue_owner=$(awk '$4 == "NS" && $1 != "example.com." { print $5; exit }' "$good")
[[ -n "$glue_owner" ]] || fail "sample zone has no delegation"
glue_line=$(awk -v o="$glue_owner" '$1 == o && ($4 == "A" || $4 == "AAAA") { print; exit }' "$good")
[[ -n "$glue_line" ]] || fail "no in-bailiwick glue for $glue_owner in the sample zone"
glue_type=$(awk '{ print $4 }' <<<"$glue_line")
sig_line=$(awk '$4 == "RRSIG" && $5 == "A" { print; exit }' "$good")
{
  cat "$good"
  awk -v o="$glue_owner" -v t="$glue_type" 'BEGIN { OFS = "\t" } { $1 = o; $5 = t; print }' <<<"$sig_line"
} >"$TEST_TMP/glue.signed"
expect_rejected "signed glue" "$TEST_TMP/glue.signed" "$glue_owner"

# Broken NSEC3 chain: sign with NSEC3, then remove one NSEC3 record.
"$ZONESIGNER" sign --zone $origin --input "$SOURCE_DIR/zones/example.com.zone" --output "$TEST_TMP/n3.signed" \
  --state-dir "$TEST_TMP/state" --now $now --denial nsec3 2>/dev/null
victim=$(awk '$4 == "NSEC3" { n++; if (n == 3) { print $1; exit } }' "$TEST_TMP/n3.signed")
awk -v v="$victim" '$1 != v' "$TEST_TMP/n3.signed" >"$TEST_TMP/n3-broken.signed"
expect_rejected "broken NSEC3 chain" "$TEST_TMP/n3-broken.signed" "NSEC3"

# The peers agree about the flipped signature and the missing NSEC.
! verify_with_ldns "$TEST_TMP/flipped.signed" $origin 2>/dev/null || fail "ldns-verify-zone accepted a flipped signature"
! verify_with_knot "$TEST_TMP/no-nsec.signed" $origin 2>/dev/null || fail "kzonecheck accepted a removed NSEC"
echo "all broken zones rejected"
