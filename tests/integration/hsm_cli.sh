# `zonesigner hsm ...` against a SoftHSMv2 token of the test's own: slots,
# list, keys (no private key extractable; objects of other applications
# marked unknown), test, bench, and backup-done with require_backup.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

module=/usr/lib/softhsm/libsofthsm2.so
[[ -f $module ]] || fail "SoftHSMv2 module not found: $module (scripts/install-deps)"

make_softhsm_token zs-cli

cat >"$TEST_TMP/zonesigner.yaml" <<EOF
signers:
  - name: hsm
    type: pkcs11
    module: $module
    token_label: zs-cli
    pin_file: user.pin
EOF
config=(--config "$TEST_TMP/zonesigner.yaml" --state-dir "$TEST_TMP/state")

# Usage errors exit 2; every subcommand has --help.
expect_fail --status 2 "$ZONESIGNER" hsm
expect_fail --status 2 "$ZONESIGNER" hsm frobnicate
expect_fail --status 2 "$ZONESIGNER" hsm slots
expect_fail --status 2 "$ZONESIGNER" hsm keys "${config[@]}"
expect_fail --status 2 "$ZONESIGNER" hsm bench hsm "${config[@]}" --threads 0 --seconds 1
for sub in list slots keys test bench backup-done; do
  "$ZONESIGNER" hsm "$sub" --help | grep -q "^usage: zonesigner hsm $sub" || fail "hsm $sub --help"
done
"$ZONESIGNER" --help | grep -q "hsm list" || fail "main usage does not name hsm"

# slots: the token, with its label and flags.
"$ZONESIGNER" hsm slots --module "$module" >"$TEST_TMP/slots.txt"
grep -q "token label: zs-cli$" "$TEST_TMP/slots.txt" || { cat "$TEST_TMP/slots.txt" >&2; fail "hsm slots: no token label"; }
grep -q "flags: .*initialized.*login-required" "$TEST_TMP/slots.txt" || fail "hsm slots: no token flags"
expect_fail --status 1 "$ZONESIGNER" hsm slots --module "$TEST_TMP/no-such-module.so"
grep -q "no-such-module.so" "$TEST_TMP/expect_fail.log" || fail "missing module not named"

# Sign a zone through the token.
"$ZONESIGNER" sign "${config[@]}" --zone example.com --input "$SOURCE_DIR/zones/example.com.zone" \
  --output "$TEST_TMP/example.signed" --threads 2 2>"$TEST_TMP/sign.log" ||
  { cat "$TEST_TMP/sign.log" >&2; fail "sign through the token"; }
verify_with_peers "$TEST_TMP/example.signed" example.com. || fail "peers rejected the signed zone"

# list: bound to the instance the database knows, with its two zone keys.
"$ZONESIGNER" hsm list "${config[@]}" >"$TEST_TMP/list.txt"
grep -Eq "^hsm +pkcs11 +bound +recognised +2 +token 'zs-cli'" "$TEST_TMP/list.txt" ||
  { cat "$TEST_TMP/list.txt" >&2; fail "hsm list: signer not bound with 2 keys"; }
"$ZONESIGNER" hsm list "${config[@]}" --json >"$TEST_TMP/list.json"
python3 - "$TEST_TMP/list.json" <<'EOF' || fail "hsm list --json"
import json, sys
signers = json.load(open(sys.argv[1]))
assert len(signers) == 1, signers
s = signers[0]
assert (s["name"], s["type"], s["identity"], s["keys"]) == ("hsm", "pkcs11", "bound", 2), s
EOF

# keys: the identity key and the two zone keys, each a private and a public
# object; no private key can leave the token.
"$ZONESIGNER" hsm keys hsm "${config[@]}" >"$TEST_TMP/keys.txt"
cat "$TEST_TMP/keys.txt"
for role in KSK ZSK; do
  grep -Eq "^[0-9a-f]{32} +private +EC P-256 .* known +example.com. $role " "$TEST_TMP/keys.txt" ||
    fail "hsm keys: no private $role"
done
grep -Eq "^[0-9a-f]{32} +private .* known +identity key" "$TEST_TMP/keys.txt" || fail "hsm keys: no identity key"
private_lines=$(grep -Ec "^[0-9a-f]+ +private " "$TEST_TMP/keys.txt")
(( private_lines == 3 )) || fail "expected 3 private keys, found $private_lines"
safe_lines=$(grep -Ec "^[0-9a-f]+ +private .* extractable=no +sensitive=yes " "$TEST_TMP/keys.txt")
(( safe_lines == private_lines )) || fail "a private key is extractable or not sensitive"
! grep -q " unknown \| missing " "$TEST_TMP/keys.txt" || fail "hsm keys: unexpected unknown or missing object"

# An object created behind zonesigner's back is marked unknown.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TEST_TMP/foreign.pem" 2>/dev/null
softhsm2-util --import "$TEST_TMP/foreign.pem" --token zs-cli --label "other application" --id c0ffee \
  --pin 5678 >/dev/null
"$ZONESIGNER" hsm keys hsm "${config[@]}" >"$TEST_TMP/keys2.txt"
grep -Eq "^c0ffee +private .* unknown +- +other application$" "$TEST_TMP/keys2.txt" ||
  { cat "$TEST_TMP/keys2.txt" >&2; fail "foreign object not marked unknown"; }

# A key the database records but the token lacks is marked missing, and
# `hsm keys` fails. (The row is added with sqlite3 to a copy of the state:
# nothing in zonesigner deletes a recorded key from a token.)
cp -r "$TEST_TMP/state" "$TEST_TMP/state-missing"
sqlite3 "$TEST_TMP/state-missing/keys.db" "INSERT INTO keys (zone, role, algorithm, key_tag, flags, signer,
  native_id, dnskey_rdata, created) SELECT 'gone.example.', role, algorithm, key_tag, flags, signer,
  'deadbeefdeadbeefdeadbeefdeadbeef', dnskey_rdata, created FROM keys WHERE role = 'ZSK' LIMIT 1"
expect_fail --status 1 "$ZONESIGNER" hsm keys hsm --config "$TEST_TMP/zonesigner.yaml" \
  --state-dir "$TEST_TMP/state-missing"
grep -Eq "^deadbeefdeadbeefdeadbeefdeadbeef .* missing +gone.example. ZSK " "$TEST_TMP/expect_fail.log" ||
  { cat "$TEST_TMP/expect_fail.log" >&2; fail "a database key absent from the token is not marked missing"; }
grep -q "1 key(s) recorded for signer 'hsm' are missing from its token" "$TEST_TMP/expect_fail.log" ||
  fail "hsm keys does not report the missing key"

# An unknown signer name fails (status 1) naming the configured ones.
expect_fail --status 1 "$ZONESIGNER" hsm keys nosuch "${config[@]}"
grep -q "signers: hsm" "$TEST_TMP/expect_fail.log" || fail "unknown signer not explained"

# test: every step reported; the temporary key is gone afterwards.
objects_before=$(find "$TEST_TMP/tokens" -name '*.object' | wc -l)
for alg in ECDSAP256SHA256 RSASHA256 ED25519; do
  "$ZONESIGNER" hsm test hsm "${config[@]}" --algorithm "$alg" >"$TEST_TMP/test.txt" ||
    { cat "$TEST_TMP/test.txt" >&2; fail "hsm test $alg"; }
  for step in "open and log in: ok" "generate: ok, $alg" "sign: ok" "verify: ok" "delete: ok" "signer hsm passed"; do
    grep -q "^$step" "$TEST_TMP/test.txt" || { cat "$TEST_TMP/test.txt" >&2; fail "hsm test $alg: no '$step'"; }
  done
done
objects_after=$(find "$TEST_TMP/tokens" -name '*.object' | wc -l)
(( objects_before == objects_after )) || fail "hsm test left objects in the token"

# bench: a rate above zero, temporary key removed.
"$ZONESIGNER" hsm bench hsm "${config[@]}" --algorithm 13 --threads 2 --seconds 1 >"$TEST_TMP/bench.txt"
cat "$TEST_TMP/bench.txt"
rate=$(sed -n 's/.*: \([0-9.]*\) signatures\/s$/\1/p' "$TEST_TMP/bench.txt")
[[ -n $rate ]] || fail "hsm bench printed no rate"
awk -v r="$rate" 'BEGIN { exit !(r > 0) }' || fail "hsm bench rate is not above 0: $rate"
(( $(find "$TEST_TMP/tokens" -name '*.object' | wc -l) == objects_after )) || fail "hsm bench left objects"

# require_backup: new keys do not sign until the backup is recorded.
sed 's/pin_file: user.pin/pin_file: user.pin\n    require_backup: true/' "$TEST_TMP/zonesigner.yaml" \
  >"$TEST_TMP/backup.yaml"
grep -q "require_backup: true" "$TEST_TMP/backup.yaml" || fail "backup config not written"
backup=(--config "$TEST_TMP/backup.yaml" --state-dir "$TEST_TMP/state-backup")
expect_fail --status 1 "$ZONESIGNER" sign "${backup[@]}" --zone example.com \
  --input "$SOURCE_DIR/zones/example.com.zone" --output "$TEST_TMP/backup.signed"
grep -q "hsm backup-done hsm" "$TEST_TMP/expect_fail.log" ||
  { cat "$TEST_TMP/expect_fail.log" >&2; fail "blocked signing does not say how to release it"; }
[[ ! -e "$TEST_TMP/backup.signed" ]] || fail "a key waiting for a backup signed"
"$ZONESIGNER" hsm backup-done hsm "${backup[@]}" >"$TEST_TMP/backup.txt"
grep -q "^recorded a backup of signer hsm at [0-9-]*T[0-9:]*Z by $(id -un)$" "$TEST_TMP/backup.txt" ||
  { cat "$TEST_TMP/backup.txt" >&2; fail "backup not recorded with time and user"; }
(( $(grep -c "^released key" "$TEST_TMP/backup.txt") == 2 )) || fail "backup-done did not release the two keys"
"$ZONESIGNER" sign "${backup[@]}" --zone example.com --input "$SOURCE_DIR/zones/example.com.zone" \
  --output "$TEST_TMP/backup.signed" 2>"$TEST_TMP/sign.log" ||
  { cat "$TEST_TMP/sign.log" >&2; fail "sign after backup-done"; }
verify_with_peers "$TEST_TMP/backup.signed" example.com. || fail "peers rejected the zone signed after the backup"

# Another token that merely has the same label is listed as a different
# instance, and its objects are not matched against the database.
mkdir "$TEST_TMP/tokens2"
sed "s|$TEST_TMP/tokens|$TEST_TMP/tokens2|" "$TEST_TMP/softhsm2.conf" >"$TEST_TMP/softhsm2-other.conf"
SOFTHSM2_CONF=$TEST_TMP/softhsm2-other.conf softhsm2-util --init-token --free --label zs-cli --so-pin 1234 \
  --pin 5678 >/dev/null
SOFTHSM2_CONF=$TEST_TMP/softhsm2-other.conf "$ZONESIGNER" hsm list "${config[@]}" >"$TEST_TMP/list-other.txt"
grep -Eq "^hsm +pkcs11 +different instance +unrecognised +2 " "$TEST_TMP/list-other.txt" ||
  { cat "$TEST_TMP/list-other.txt" >&2; fail "hsm list: another token with the same label not detected"; }
grep -q "problem: .*not the instance" "$TEST_TMP/list-other.txt" || fail "hsm list: no explanation for the other token"
SOFTHSM2_CONF=$TEST_TMP/softhsm2-other.conf expect_fail --status 1 "$ZONESIGNER" hsm keys hsm "${config[@]}"

echo "hsm list, slots, keys, test, bench and backup-done work against the SoftHSMv2 token"
