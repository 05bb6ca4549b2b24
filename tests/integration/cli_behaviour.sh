# Command-line behaviour: exit codes, serial modes across runs, key reuse,
# CDS/CDNSKEY, stdout output, key listing and DS export, a key file replaced
# behind the database's back, and signing under a simulated clock.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

zs() { "$ZONESIGNER" "$@"; }
in="$SOURCE_DIR/zones/example.com.zone"
out="$TEST_TMP/out.signed"
state="$TEST_TMP/state"
serial_of() { awk '$4 == "SOA" { print $7; exit }' "$1"; }
input_serial=2024010101  # zones/example.com.zone
grep -q "^ *$input_serial ; serial" "$in" || fail "the sample zone's serial is no longer $input_serial"
[[ "$input_serial" =~ ^[0-9]+$ ]] || fail "cannot read the sample zone's serial"

# Usage errors exit 2 with the error prefix; --help exits 0.
expect_fail --status 2 zs
expect_fail --status 2 zs frobnicate
expect_fail --status 2 zs sign --zone example.com --input "$in"
expect_fail --status 2 zs sign --zone example.com --input "$in" --output "$out" --algorithm FOO
expect_fail --status 2 zs sign --zone example.com --input "$in" --output "$out" --validity 3x
expect_fail --status 2 zs sign --zone example.com --input "$in" --output "$out" --denial nsec3 --nsec3-iterations 51
grep -q '^zonesigner: error: ' "$TEST_TMP/expect_fail.log" || fail "usage error without the error prefix"
zs sign --help | grep -q -- "--nsec3-optout" || fail "sign --help incomplete"
zs verify --help >/dev/null
zs key list --help >/dev/null
[[ ! -e "$out" ]] || fail "a usage error wrote output"

# A missing input is a failure (1), naming the file.
expect_fail --status 1 zs sign --zone example.com --input "$TEST_TMP/missing.zone" --output "$out" --state-dir "$state"
grep -q "missing.zone" "$TEST_TMP/expect_fail.log" || fail "missing input not named"

# First run: keys created, serial = input + 1, DS file, one summary line.
zs sign --zone example.com --input "$in" --output "$out" --state-dir "$state" 2>"$TEST_TMP/log"
[[ $(wc -l <"$TEST_TMP/log") -eq 1 ]] && grep -q '^zonesigner: signed example.com.: ' "$TEST_TMP/log" ||
  { cat "$TEST_TMP/log"; fail "expected one summary line"; }
[[ $(serial_of "$out") == $((input_serial + 1)) ]] || fail "increment: serial $(serial_of "$out")"
keys_before=$(grep -c '	DNSKEY	' "$out")
[[ $keys_before -eq 2 ]] || fail "expected KSK and ZSK, got $keys_before DNSKEYs"
for f in "$state"/keys/*.pem; do
  [[ $(stat -c %a "$f") == 600 ]] || fail "key file $f has mode $(stat -c %a "$f")"
done
[[ $(stat -c %a "$state/keys.db") == 600 ]] || fail "database mode $(stat -c %a "$state/keys.db")"

# Second run: same keys, serial one more than the previous output.
cp "$out" "$TEST_TMP/first.signed"
zs sign --zone example.com --input "$in" --output "$out" --state-dir "$state" 2>/dev/null
[[ $(serial_of "$out") == $((input_serial + 2)) ]] || fail "second increment: serial $(serial_of "$out")"
diff <(grep '	DNSKEY	' "$TEST_TMP/first.signed") <(grep '	DNSKEY	' "$out") >/dev/null || fail "keys changed between runs"

# Another algorithm for an existing zone: warned, the zone's keys are kept.
zs sign --zone example.com --input "$in" --output "$out" --state-dir "$state" --algorithm ED25519 2>"$TEST_TMP/log"
grep -q "^zonesigner: warning: zone example.com. already has keys (ECDSAP256SHA256" "$TEST_TMP/log" ||
  { cat "$TEST_TMP/log"; fail "no warning for an algorithm that differs from the zone's keys"; }
diff <(grep '	DNSKEY	' "$TEST_TMP/first.signed") <(grep '	DNSKEY	' "$out") >/dev/null || fail "keys changed on --algorithm"

# keep: the input serial is not above the previous output's: refused, output intact.
cp "$out" "$TEST_TMP/second.signed"
expect_fail --status 1 zs sign --zone example.com --input "$in" --output "$out" --state-dir "$state" --serial keep
grep -q "not greater than the serial" "$TEST_TMP/expect_fail.log" || fail "serial keep error unclear"
cmp -s "$out" "$TEST_TMP/second.signed" || fail "refused run changed the output"

# unixtime and datecounter (a state of their own: the key manager refuses a
# clock that goes back before a zone's last run, and later runs here use the
# real clock).
dates="$TEST_TMP/state-dates"
zs sign --zone example.com --input "$in" --output "$TEST_TMP/u.signed" --state-dir "$dates" --serial unixtime \
  --now 20261123120000 2>/dev/null
[[ $(serial_of "$TEST_TMP/u.signed") == 1795435200 ]] || fail "unixtime serial $(serial_of "$TEST_TMP/u.signed")"
zs sign --zone example.com --input "$in" --output "$TEST_TMP/d.signed" --state-dir "$dates" --serial datecounter \
  --now 20261123120000 2>/dev/null
zs sign --zone example.com --input "$in" --output "$TEST_TMP/d.signed" --state-dir "$dates" --serial datecounter \
  --now 20261123130000 2>/dev/null
[[ $(serial_of "$TEST_TMP/d.signed") == 2026112301 ]] || fail "datecounter serial $(serial_of "$TEST_TMP/d.signed")"
# A clock that went back before the zone's last run is refused, naming it.
expect_fail --status 1 zs sign --zone example.com --input "$in" --output "$TEST_TMP/d.signed" --state-dir "$dates" \
  --serial datecounter --now 20261123110000
grep -q "backwards" "$TEST_TMP/expect_fail.log" || { cat "$TEST_TMP/expect_fail.log"; fail "no error for a clock gone back"; }

# CDS and CDNSKEY for the KSK, accepted by every verifier.
zs sign --zone example.com --input "$in" --output "$TEST_TMP/cds.signed" --state-dir "$state" --cds 2>/dev/null
[[ $(grep -c '	CDS	' "$TEST_TMP/cds.signed") -eq 1 && $(grep -c '	CDNSKEY	' "$TEST_TMP/cds.signed") -eq 1 ]] ||
  fail "expected one CDS and one CDNSKEY"
ksk=$(awk '$4 == "DNSKEY" && $5 == 257 { $1 = $2 = $3 = $4 = ""; print; exit }' "$TEST_TMP/cds.signed")
grep '	CDNSKEY	' "$TEST_TMP/cds.signed" | grep -qF "$(echo $ksk)" || fail "CDNSKEY is not the KSK"
cds_rdata=$(awk '$4 == "CDS" { $1 = $2 = $3 = $4 = ""; print; exit }' "$TEST_TMP/cds.signed")
grep -qF "$(echo $cds_rdata)" "$TEST_TMP/cds.signed.ds" || fail "CDS differs from the DS file"
verify_with_peers "$TEST_TMP/cds.signed" example.com. || fail "peers rejected the zone with CDS"

# stdout output equals what a file output holds (ECDSA signatures are
# randomised, so the signature field is left out of the comparison).
# One fixed time a minute ahead of the runs above (the key manager refuses a
# clock that goes back before the zone's last run).
fixed=$(date -u -d '+1 min' +%Y%m%d%H%M%S)
zs sign --zone example.com --input "$in" --output - --state-dir "$state" --serial keep --now "$fixed" \
  >"$TEST_TMP/stdout.signed" 2>/dev/null
zs sign --zone example.com --input "$in" --output "$TEST_TMP/file.signed" --state-dir "$state" --serial keep \
  --now "$fixed" 2>/dev/null
strip_sigs() { awk 'BEGIN { OFS = "\t" } $4 == "RRSIG" { $NF = "" } { print }' "$1"; }
[[ $(wc -l <"$TEST_TMP/stdout.signed") -gt 50 ]] || fail "stdout output too short"
diff <(strip_sigs "$TEST_TMP/stdout.signed") <(strip_sigs "$TEST_TMP/file.signed") >/dev/null ||
  fail "stdout output differs from file output"

# key list (text and JSON) and export-ds.
zs key list --state-dir "$state" --zone example.com | grep -q "KSK" || fail "key list lacks the KSK"
zs key list --state-dir "$state" --json | python3 -c '
import json, sys
keys = json.load(sys.stdin)
assert len(keys) == 2, keys
assert sorted(k["role"] for k in keys) == ["KSK", "ZSK"], keys
assert all(k["algorithm"] == 13 and k["signer"] == "files" for k in keys), keys
' || fail "key list --json"
zs key export-ds --state-dir "$state" --zone example.com >"$TEST_TMP/exported.ds"
cmp -s "$TEST_TMP/exported.ds" "$TEST_TMP/file.signed.ds" || fail "export-ds differs from OUTPUT.ds"

# A key file replaced behind the database's back: refused before signing.
victim=$(ls "$state"/keys/*.pem | head -n 1)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TEST_TMP/other.pem" 2>/dev/null
cp "$TEST_TMP/other.pem" "$victim"
cp "$out" "$TEST_TMP/before-swap.signed"
expect_fail --status 1 zs sign --zone example.com --input "$in" --output "$out" --state-dir "$state" --now "$fixed"
grep -q "differs from the DNSKEY in the key database" "$TEST_TMP/expect_fail.log" || fail "swapped key not detected"
cmp -s "$out" "$TEST_TMP/before-swap.signed" || fail "output changed after a refused run"

# Signed under a simulated clock: valid then, and the peers agree at that time.
zs sign --zone example.com --input "$in" --output "$TEST_TMP/past.signed" --state-dir "$TEST_TMP/state2" \
  --now 20300101000000 --validity 10d --inception-offset 2h 2>/dev/null
grep -q 'RRSIG	SOA 13 2 3600 20300110' "$TEST_TMP/past.signed" ||
  grep -q 'RRSIG	SOA 13 2 3600 20300111000000 20291231220000' "$TEST_TMP/past.signed" ||
  fail "times not derived from --now: $(grep 'RRSIG	SOA' "$TEST_TMP/past.signed")"
grep 'RRSIG	SOA' "$TEST_TMP/past.signed" | grep -q ' 20291231220000 ' || fail "inception offset not applied"
verify_with_ldns "$TEST_TMP/past.signed" example.com. 20300102000000 || fail "ldns-verify-zone -t rejected"
verify_with_knot "$TEST_TMP/past.signed" example.com. 20300102000000 || fail "kzonecheck -t rejected"
zs verify --zone example.com "$TEST_TMP/past.signed" --now 20300102000000 2>/dev/null || fail "verify --now"
expect_fail --status 1 zs verify --zone example.com "$TEST_TMP/past.signed" --now 20300201000000
echo "CLI behaviour ok"
