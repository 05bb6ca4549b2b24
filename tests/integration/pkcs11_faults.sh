# Token faults during `zonesigner sign`, injected by the test PKCS#11 shim
# (tests/pkcs11_shim, forwarding to SoftHSMv2) configured as the signer's
# module: a lost session and a removed device mid-run are retried and end in
# a finished, verified zone; a corrupted signature is caught by verification
# and the previous output stays as it was; a wrong PIN is presented exactly
# once and leaves the previous output as it was.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

real_module=/usr/lib/softhsm/libsofthsm2.so
[[ -f $real_module ]] || fail "SoftHSMv2 module not found: $real_module (scripts/install-deps)"
shim=$(cd "$(dirname "$ZONESIGNER")/../tests" 2>/dev/null && pwd)/libzs_pkcs11_shim.so
[[ -f $shim ]] || fail "fault-injection shim not built: $shim (build target zs_pkcs11_shim)"
export ZS_SHIM_MODULE=$real_module
export ZS_SHIM_LOG=$TEST_TMP/shim.log
unset ZS_SHIM_FAULTS ZS_SHIM_CONTROL

make_softhsm_token zs-faults
printf '0000\n' >"$TEST_TMP/wrong.pin"
chmod 600 "$TEST_TMP/wrong.pin"

write_config() {  # write_config FILE PIN_FILE
  cat >"$1" <<EOF
signers:
  - name: hsm
    type: pkcs11
    module: $shim
    token_label: zs-faults
    pin_file: $2
EOF
}
write_config "$TEST_TMP/zonesigner.yaml" user.pin
write_config "$TEST_TMP/wrong-pin.yaml" wrong.pin

zone_file=$SOURCE_DIR/zones/example.com.zone
origin=example.com.
out=$TEST_TMP/example.signed

# sign_zone [ARGS...]: signs the zone through the shim into $out, full
# verification, two threads (two sessions).
sign_zone() {
  "$ZONESIGNER" sign --config "$TEST_TMP/zonesigner.yaml" --state-dir "$TEST_TMP/state" --zone "$origin" \
    --input "$zone_file" --output "$out" --verify full --threads 2 "$@"
}

# A clean run creates the keys (and proves the shim passes calls through).
sign_zone 2>"$TEST_TMP/sign.log" || { cat "$TEST_TMP/sign.log" >&2; fail "clean run through the shim"; }
verify_with_peers "$out" "$origin" || fail "peers rejected the clean run"
signatures=$(count_rrsigs "$out")
((signatures > 60)) || fail "too few signatures ($signatures) for faults after 40 calls to fall mid-run"

# run_with_fault NAME PLAN: signing succeeds although PLAN fires; the zone is
# complete and verifies.
run_with_fault() {
  local name=$1 plan=$2
  : >"$ZS_SHIM_LOG"
  ZS_SHIM_FAULTS=$plan sign_zone 2>"$TEST_TMP/sign.log" ||
    { cat "$TEST_TMP/sign.log" >&2; fail "$name: signing did not recover from '$plan'"; }
  grep -q "^inject " "$ZS_SHIM_LOG" || fail "$name: the fault '$plan' never fired"
  verify_with_peers "$out" "$origin" || fail "$name: peers rejected the zone"
  (($(count_rrsigs "$out") == signatures)) || fail "$name: the zone has $(count_rrsigs "$out") signatures, not $signatures"
  echo "ok: $name ($(grep -c '^inject ' "$ZS_SHIM_LOG") fault(s) injected) ended in a verified zone"
}

run_with_fault "session loss mid-run" "close-all C_Sign after 40"
run_with_fault "device removal mid-run" "fail C_SignInit after 30 with CKR_DEVICE_REMOVED count 3"

# A corrupted signature: verification catches it, the run fails, and the
# previous output is untouched.
cp "$out" "$TEST_TMP/previous.signed"
cp "$out.ds" "$TEST_TMP/previous.ds"
: >"$ZS_SHIM_LOG"
status=0
ZS_SHIM_FAULTS="corrupt C_Sign after 20 count 1" sign_zone >"$TEST_TMP/corrupt.log" 2>&1 || status=$?
((status == 1)) || { cat "$TEST_TMP/corrupt.log" >&2; fail "corrupted signature: exit status $status, not 1"; }
grep -q "^inject C_Sign .*corrupt" "$ZS_SHIM_LOG" || fail "the corruption never happened: $(cat "$ZS_SHIM_LOG")"
grep -qi "verif" "$TEST_TMP/corrupt.log" || { cat "$TEST_TMP/corrupt.log" >&2; fail "no verification error reported"; }
cmp "$out" "$TEST_TMP/previous.signed" || fail "a run with a corrupted signature changed the output"
cmp "$out.ds" "$TEST_TMP/previous.ds" || fail "a run with a corrupted signature changed the DS file"
echo "ok: a corrupted signature was caught and nothing was published"

# A wrong PIN: one C_Login, a clear error, the previous output untouched.
: >"$ZS_SHIM_LOG"
status=0
"$ZONESIGNER" sign --config "$TEST_TMP/wrong-pin.yaml" --state-dir "$TEST_TMP/state" --zone "$origin" \
  --input "$zone_file" --output "$out" --verify full --threads 2 >"$TEST_TMP/pin.log" 2>&1 || status=$?
((status == 1)) || { cat "$TEST_TMP/pin.log" >&2; fail "wrong PIN: exit status $status, not 1"; }
grep -q "CKR_PIN_INCORRECT" "$TEST_TMP/pin.log" || { cat "$TEST_TMP/pin.log" >&2; fail "wrong PIN not reported"; }
logins=$(grep -c "^C_Login" "$ZS_SHIM_LOG" || true)
((logins == 1)) || { cat "$ZS_SHIM_LOG" >&2; fail "wrong PIN: $logins C_Login calls, not exactly 1"; }
grep -q "^C_Login user=1 rv=CKR_PIN_INCORRECT" "$ZS_SHIM_LOG" || fail "the one C_Login was not the rejected one"
cmp "$out" "$TEST_TMP/previous.signed" || fail "a run with a wrong PIN changed the output"
echo "ok: a wrong PIN was presented once and nothing was published"

# The right PIN still works afterwards (the token's retry counter is intact).
sign_zone 2>"$TEST_TMP/sign.log" || { cat "$TEST_TMP/sign.log" >&2; fail "signing after the wrong PIN"; }
verify_with_peers "$out" "$origin" || fail "peers rejected the zone signed after the faults"
echo "PKCS#11 fault tests passed"
