# Signing through a SoftHSMv2 token of the test's own: sample zones signed
# with algorithms 8, 13, 14 and 15, keys generated in the token by
# `zonesigner sign --config`, every output checked by ldns-verify-zone,
# dnssec-verify, kzonecheck and zonesigner verify; no private key file is
# written (the keys live in the token).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

module=/usr/lib/softhsm/libsofthsm2.so
[[ -f $module ]] || fail "SoftHSMv2 module not found: $module (scripts/install-deps)"

# The token: its own directory and softhsm2.conf.
make_softhsm_token zs

cat >"$TEST_TMP/zonesigner.yaml" <<EOF
signers:
  - name: hsm
    type: pkcs11
    module: $module
    token_label: zs
    pin_file: user.pin
EOF

# A PIN file readable by others is refused, naming the configuration line.
cp "$TEST_TMP/user.pin" "$TEST_TMP/open.pin"
chmod 644 "$TEST_TMP/open.pin"
sed 's/user.pin/open.pin/' "$TEST_TMP/zonesigner.yaml" >"$TEST_TMP/open-pin.yaml"
expect_fail --status 1 "$ZONESIGNER" sign --config "$TEST_TMP/open-pin.yaml" --zone example.com \
  --input "$SOURCE_DIR/zones/example.com.zone" --output "$TEST_TMP/refused.signed" --state-dir "$TEST_TMP/refused"
grep -q "open-pin.yaml:6:15: .*0600" "$TEST_TMP/expect_fail.log" ||
  { cat "$TEST_TMP/expect_fail.log" >&2; fail "PIN file mode not checked"; }
[[ ! -e "$TEST_TMP/refused.signed" ]] || fail "a refused run wrote output"

# A literal PIN in the configuration is refused.
printf 'signers:\n  - name: hsm\n    type: pkcs11\n    module: %s\n    token_label: zs\n    pin: "5678"\n' \
  "$module" >"$TEST_TMP/literal-pin.yaml"
expect_fail --status 1 "$ZONESIGNER" sign --config "$TEST_TMP/literal-pin.yaml" --zone example.com \
  --input "$SOURCE_DIR/zones/example.com.zone" --output "$TEST_TMP/refused.signed" --state-dir "$TEST_TMP/refused"
grep -q "literal-pin.yaml:6:5: .*pin_file.*pin_env" "$TEST_TMP/expect_fail.log" ||
  { cat "$TEST_TMP/expect_fail.log" >&2; fail "literal PIN not refused clearly"; }

zones=(
  "example.com.zone example.com."
  "tld.zone test."
)
algorithms=(8 13 14 15)

checked=0
for entry in "${zones[@]}"; do
  read -r file origin <<<"$entry"
  for alg in "${algorithms[@]}"; do
    state="$TEST_TMP/state-$alg"
    out="$TEST_TMP/$file.$alg.signed"
    denial=(--denial nsec)
    [[ $file == tld.zone ]] && denial=(--denial nsec3)
    "$ZONESIGNER" sign --config "$TEST_TMP/zonesigner.yaml" --zone "$origin" --input "$SOURCE_DIR/zones/$file" \
      --output "$out" --state-dir "$state" --algorithm "$alg" "${denial[@]}" --verify full --threads 2 \
      2>"$TEST_TMP/sign.log" || { cat "$TEST_TMP/sign.log" >&2; fail "sign $file algorithm $alg through the token"; }
    grep -q "^; key KSK tag [0-9]* algorithm .* signer hsm$" "$out" || fail "$file $alg: KSK not from signer hsm"
    grep -q "^; key ZSK tag [0-9]* algorithm .* signer hsm$" "$out" || fail "$file $alg: ZSK not from signer hsm"
    verify_with_peers "$out" "$origin" || fail "peer verifiers rejected $file algorithm $alg"
    "$ZONESIGNER" verify --zone "$origin" "$out" 2>"$TEST_TMP/verify.log" ||
      { cat "$TEST_TMP/verify.log" >&2; fail "zonesigner verify rejected $file algorithm $alg"; }
    grep -q "DS	[0-9]* $alg 2 " "$out.ds" || fail "DS file of $file $alg: $(cat "$out.ds")"
    # The keys live in the token: no private key files anywhere in the state.
    pem=$(find "$state" -name '*.pem' | head -n 1)
    [[ -z $pem ]] || fail "a private key file was written for $file $alg: $pem"
    checked=$((checked + 1))
  done
done
(( checked == ${#zones[@]} * ${#algorithms[@]} )) || fail "not every combination ran"

# Every key pair is a pair of objects in the token (token.object describes
# the token itself): per state directory one identity key and a KSK and a
# ZSK for each of the two zones.
objects=$(find "$TEST_TMP/tokens" -name '*.object' ! -name token.object | wc -l)
(( objects == ${#algorithms[@]} * (1 + 2 * ${#zones[@]}) * 2 )) ||
  fail "expected $(( ${#algorithms[@]} * (1 + 2 * ${#zones[@]}) * 2 )) objects in the token, found $objects"

# A second run reuses the keys in the token; a run under another signer
# name is recognised by the identity key and keeps the keys.
before=$(grep '	DNSKEY	' "$TEST_TMP/example.com.zone.13.signed" | sort)
sed 's/name: hsm/name: vault/' "$TEST_TMP/zonesigner.yaml" >"$TEST_TMP/renamed.yaml"
"$ZONESIGNER" sign --config "$TEST_TMP/renamed.yaml" --zone example.com. --input "$SOURCE_DIR/zones/example.com.zone" \
  --output "$TEST_TMP/example.com.zone.13.signed" --state-dir "$TEST_TMP/state-13" --algorithm 13 \
  2>"$TEST_TMP/sign.log" || { cat "$TEST_TMP/sign.log" >&2; fail "renamed signer not recognised"; }
after=$(grep '	DNSKEY	' "$TEST_TMP/example.com.zone.13.signed" | sort)
[[ "$before" == "$after" ]] || fail "the keys changed after renaming the signer"
grep -q "signer vault$" "$TEST_TMP/example.com.zone.13.signed" || fail "keys not recorded under the new name"
verify_with_peers "$TEST_TMP/example.com.zone.13.signed" example.com. || fail "peers rejected the re-signed zone"

echo "signed and verified $checked zones through the SoftHSMv2 token"
