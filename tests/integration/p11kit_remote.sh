# Signing through p11-kit's PKCS#11 remoting, as an operator with a network
# HSM would: `p11-kit server` exports the SoftHSMv2 token on a socket and the
# signer's module is p11-kit's client module, which forwards every call to
# it. The keys are generated in the remote token and the zone verifies.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

provider=/usr/lib/softhsm/libsofthsm2.so
[[ -f $provider ]] || fail "SoftHSMv2 module not found: $provider (scripts/install-deps)"
command -v p11-kit >/dev/null || fail "p11-kit not installed (scripts/install-deps)"
client=$(_lib_find_library 'pkcs11/p11-kit-client.so') ||
  fail "p11-kit's client module not found (package p11-kit-modules, scripts/install-deps)"

make_softhsm_token zs-remote

# The server, in the foreground of a background job, stopped on exit (the
# library's EXIT trap still removes TEST_TMP afterwards).
socket=$TEST_TMP/p11-kit.sock
p11-kit server --foreground --sh --name "$socket" --provider "$provider" "pkcs11:token=zs-remote" \
  >"$TEST_TMP/server.env" 2>"$TEST_TMP/server.log" &
server_pid=$!
stop_server() {
  local status=$?
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  (exit "$status")
  _lib_cleanup
}
trap stop_server EXIT
for _ in $(seq 100); do
  [[ -S $socket ]] && grep -q P11_KIT_SERVER_ADDRESS "$TEST_TMP/server.env" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$TEST_TMP/server.log" >&2; fail "p11-kit server exited"; }
  sleep 0.1
done
[[ -S $socket ]] || { cat "$TEST_TMP/server.log" >&2; fail "p11-kit server did not create $socket"; }
address=$(sed -n 's/^P11_KIT_SERVER_ADDRESS=\([^;]*\);.*/\1/p' "$TEST_TMP/server.env")
[[ $address == "unix:path=$socket" ]] || fail "unexpected server address: $(cat "$TEST_TMP/server.env")"
export P11_KIT_SERVER_ADDRESS=$address

cat >"$TEST_TMP/zonesigner.yaml" <<EOF
signers:
  - name: remote
    type: pkcs11
    module: $client
    token_label: zs-remote
    pin_file: user.pin
EOF
config=(--config "$TEST_TMP/zonesigner.yaml" --state-dir "$TEST_TMP/state")
# zonesigner does not see the token directory: everything goes through the
# server.
zonesigner() { env -u SOFTHSM2_CONF "$ZONESIGNER" "$@"; }

zonesigner hsm slots --module "$client" >"$TEST_TMP/slots.txt"
grep -q "token label: zs-remote$" "$TEST_TMP/slots.txt" ||
  { cat "$TEST_TMP/slots.txt" >&2; fail "the client module does not show the remote token"; }

zonesigner sign "${config[@]}" --zone example.com --input "$SOURCE_DIR/zones/example.com.zone" \
  --output "$TEST_TMP/example.signed" --verify full --threads 2 2>"$TEST_TMP/sign.log" ||
  { cat "$TEST_TMP/sign.log" >&2; fail "sign through p11-kit remoting"; }
grep -q "^; key KSK tag [0-9]* algorithm .* signer remote$" "$TEST_TMP/example.signed" || fail "KSK not from the remote signer"
verify_with_peers "$TEST_TMP/example.signed" example.com. || fail "peers rejected the zone signed through p11-kit"

# The keys are in the token behind the server: two per key pair (identity,
# KSK, ZSK), none outside it.
objects=$(find "$TEST_TMP/tokens" -name '*.object' ! -name token.object | wc -l)
((objects == 6)) || fail "expected 6 objects in the served token, found $objects"
[[ -z $(find "$TEST_TMP/state" -name '*.pem') ]] || fail "a private key file was written"
echo "signed and verified a zone through p11-kit remoting"
