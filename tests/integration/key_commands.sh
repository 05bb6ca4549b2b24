# Every `zonesigner key` command end to end on a state directory: list and
# status (text, JSON, --explain), the clock check, generate, delete (refused
# while the key is in use), ds-seen/ds-gone, rollover, export-ds, import of
# BIND (dnssec-keygen) and PEM keys into the file signer and a zone signed
# with them, and the audit log with its user.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

zs() { "$ZONESIGNER" "$@"; }
state=$TEST_TMP/state
opts=(--state-dir "$state")
in=$SOURCE_DIR/zones/example.com.zone
me=$(id -un)

# JSON helper: python3 expression over the parsed document `d`.
json() {
  local expr=$1
  python3 -c "import json, sys; d = json.load(sys.stdin); print($expr)"
}

# --- usage -------------------------------------------------------------------
for sub in list status export-ds generate import ds-seen ds-gone rollover delete log; do
  zs key "$sub" --help | grep -q "^usage: zonesigner key $sub" || fail "key $sub --help"
done
zs key --help | grep -q "ds-seen" || fail "key --help does not list ds-seen"
expect_fail --status 2 zs key
expect_fail --status 2 zs key frobnicate
expect_fail --status 2 zs key status "${opts[@]}"
expect_fail --status 2 zs key generate "${opts[@]}" --zone example.com --role XSK
expect_fail --status 2 zs key import "${opts[@]}" --zone example.com --role ZSK
expect_fail --status 2 zs key ds-seen "${opts[@]}" --zone example.com --key 70000
expect_fail --status 2 zs key status "${opts[@]}" --zone example.com --now yesterday

# --- a zone signed without a policy: its keys and their states ---------------
zs sign "${opts[@]}" --zone example.com --input "$in" --output "$TEST_TMP/ex.signed" --now 20260101000000 2>/dev/null
zs key list "${opts[@]}" --json >"$TEST_TMP/list.json"
ksk=$(json '[k["key_tag"] for k in d if k["role"] == "KSK"][0]' <"$TEST_TMP/list.json")
zsk=$(json '[k["key_tag"] for k in d if k["role"] == "ZSK"][0]' <"$TEST_TMP/list.json")
python3 - "$TEST_TMP/list.json" <<'EOF' || fail "key list --json states"
import json, sys
keys = json.load(open(sys.argv[1]))
assert len(keys) == 2, keys
for k in keys:
    assert k["goal"] == "omnipresent", k
    assert k["states"]["DNSKEY"] == "rumoured", k
    assert k["since"]["DNSKEY"] == "2026-01-01T00:00:00Z", k
    assert k["active_since"] == "2026-01-01T00:00:00Z", k
ksk = [k for k in keys if k["role"] == "KSK"][0]
assert ksk["states"]["RRSIG(DNSKEY)"] == "rumoured" and ksk["states"]["RRSIG(zone)"] == "hidden", ksk
EOF
zs key list "${opts[@]}" --zone example.com >"$TEST_TMP/list.txt"
grep -Eq "^example.com\. +KSK +$ksk +ECDSAP256SHA256 +files +omnipresent +hidden +rumoured +rumoured +- " \
  "$TEST_TMP/list.txt" || { cat "$TEST_TMP/list.txt" >&2; fail "key list: KSK row with its states"; }

# status: each record's state and since when.
zs key status "${opts[@]}" --zone example.com >"$TEST_TMP/status.txt"
grep -q "^KSK $ksk " "$TEST_TMP/status.txt" || { cat "$TEST_TMP/status.txt" >&2; fail "status: no KSK"; }
grep -Eq "^  DNSKEY +rumoured +since 2026-01-01T00:00:00Z" "$TEST_TMP/status.txt" || fail "status: DNSKEY state"
grep -q "waits:" "$TEST_TMP/status.txt" && fail "status without --explain explains"
# --explain: what the next run does and what each key waits for, and when.
zs key status "${opts[@]}" --zone example.com --explain --now 20260101010000 >"$TEST_TMP/explain.txt"
grep -q "waits: DNSKEY of KSK $ksk .*earliest 2026-01-01T02:05:00Z" "$TEST_TMP/explain.txt" ||
  { cat "$TEST_TMP/explain.txt" >&2; fail "explain: DNSKEY blocker"; }
grep -q "next change possible: 2026-01-01T02:05:00Z" "$TEST_TMP/explain.txt" || fail "explain: next change"
zs key status "${opts[@]}" --zone example.com --explain --json --now 20260102000000 >"$TEST_TMP/explain.json"
python3 - "$TEST_TMP/explain.json" "$ksk" <<'EOF' || fail "key status --explain --json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["zone"] == "example.com." and d["last_run"] == "2026-01-01T00:00:00Z", d
ksk = [k for k in d["keys"] if k["key_tag"] == int(sys.argv[2])][0]
assert ksk["records"]["DNSKEY"] == {"state": "rumoured", "since": "2026-01-01T00:00:00Z"}, ksk
assert "RRSIG(zone)" not in ksk["records"], ksk
assert any("omnipresent" in e for e in ksk["next_run"]), ksk
assert isinstance(ksk["blockers"], list), ksk
EOF
# Planning does not change anything.
cmp -s <(zs key list "${opts[@]}" --json) "$TEST_TMP/list.json" || fail "status --explain changed the keys"

# A clock before the zone's last run is refused, naming both times.
expect_fail --status 1 zs sign "${opts[@]}" --zone example.com --input "$in" --output "$TEST_TMP/back.signed" \
  --now 20251231000000
grep -q "the clock went backwards: now 2025-12-31T00:00:00Z is before the last run of zone example.com. at 2026-01-01T00:00:00Z" \
  "$TEST_TMP/expect_fail.log" || { cat "$TEST_TMP/expect_fail.log" >&2; fail "clock check message"; }
[[ ! -e "$TEST_TMP/back.signed" ]] || fail "signed with a clock that went backwards"

# --- generate ahead of need, delete ------------------------------------------
zs key generate "${opts[@]}" --zone example.com --role ZSK --now 20260101000000 >"$TEST_TMP/generate.txt"
new=$(zs key list "${opts[@]}" --json | json '[k["key_tag"] for k in d if k["key_tag"] not in ('"$ksk, $zsk"')][0]')
zs key list "${opts[@]}" --json | python3 -c '
import json, sys
k = [k for k in json.load(sys.stdin) if k["key_tag"] == '"$new"'][0]
assert k["role"] == "ZSK" and k["algorithm"] == 13 and k["goal"] == "omnipresent", k
assert set(k["states"].values()) == {"hidden"}, k
' || fail "generated key is not new and hidden"
new_id=$(zs key list "${opts[@]}" --json | json '[k["id"] for k in d if k["key_tag"] == '"$new"'][0]')
[[ -f "$state/keys/$new_id.pem" ]] || fail "generated key file missing"

# Delete is refused while a record is not hidden, naming the records.
expect_fail --status 1 zs key delete "${opts[@]}" --zone example.com --key "$ksk"
grep -q "DNSKEY rumoured" "$TEST_TMP/expect_fail.log" || { cat "$TEST_TMP/expect_fail.log" >&2; fail "delete refusal"; }
grep -q "not hidden" "$TEST_TMP/expect_fail.log" || fail "delete refusal does not say 'not hidden'"
expect_fail --status 1 zs key delete "${opts[@]}" --zone example.com --key 1
grep -q "no key with tag 1 " "$TEST_TMP/expect_fail.log" || fail "unknown tag not named"
# The hidden key can go: tombstone, then the signer destroys it.
zs key delete "${opts[@]}" --zone example.com --key "$new" --now 20260101000000 >/dev/null
[[ $(zs key list "${opts[@]}" --json | json 'len(d)') == 2 ]] || fail "deleted key still listed"
[[ ! -e "$state/keys/$new_id.pem" ]] || fail "deleted key still in the signer"

# --- the parent: ds-seen, ds-gone ---------------------------------------------
expect_fail --status 1 zs key ds-seen "${opts[@]}" --zone example.com --key "$zsk"
grep -q "is a ZSK" "$TEST_TMP/expect_fail.log" || fail "ds-seen of a ZSK"
zs sign "${opts[@]}" --zone example.com --input "$in" --output "$TEST_TMP/ex.signed" --now 20260103000000 2>/dev/null
[[ $(zs key list "${opts[@]}" --json | json '[k["states"]["DS"] for k in d if k["role"] == "KSK"][0]') == rumoured ]] ||
  fail "the KSK's DS is not submitted after two days"
zs key ds-seen "${opts[@]}" --zone example.com --key "$ksk" --now 20260103120000 >/dev/null
[[ $(zs key list "${opts[@]}" --json | json '[k["ds_seen"] for k in d if k["role"] == "KSK"][0]') == 2026-01-03T12:00:00Z ]] ||
  fail "ds-seen not recorded"
zs key status "${opts[@]}" --zone example.com | grep -q "DS seen at the parent 2026-01-03T12:00:00Z" ||
  fail "status does not show ds-seen"
zs sign "${opts[@]}" --zone example.com --input "$in" --output "$TEST_TMP/ex.signed" --now 20260105000000 2>/dev/null
[[ $(zs key list "${opts[@]}" --json | json '[k["states"]["DS"] for k in d if k["role"] == "KSK"][0]') == omnipresent ]] ||
  fail "the KSK's DS is not omnipresent after ds-seen"
zs key ds-gone "${opts[@]}" --zone example.com --key "$ksk" --now 20260105000000 2>"$TEST_TMP/ds-gone.err" >/dev/null
grep -q "warning: .*omnipresent, not unretentive" "$TEST_TMP/ds-gone.err" || fail "ds-gone of a wanted DS not warned"
[[ $(zs key list "${opts[@]}" --json | json '[k["ds_gone"] for k in d if k["role"] == "KSK"][0]') == 2026-01-05T00:00:00Z ]] ||
  fail "ds-gone not recorded"

# export-ds: the DS the parent should publish, as sign wrote it.
zs key export-ds "${opts[@]}" --zone example.com >"$TEST_TMP/exported.ds"
cmp -s "$TEST_TMP/exported.ds" "$TEST_TMP/ex.signed.ds" || fail "export-ds differs from OUTPUT.ds"
grep -q "IN	DS	$ksk 13 2 " "$TEST_TMP/exported.ds" || fail "export-ds lacks the KSK"

# --- rollover -----------------------------------------------------------------
zs key rollover "${opts[@]}" --zone example.com --role ZSK --now 20260106000000 >/dev/null
[[ $(zs key list "${opts[@]}" --json | json '[k["retire_requested"] for k in d if k["key_tag"] == '"$zsk"'][0]') == \
  2026-01-06T00:00:00Z ]] || fail "rollover not requested"
expect_fail --status 1 zs key rollover "${opts[@]}" --zone example.com --role CSK
zs sign "${opts[@]}" --zone example.com --input "$in" --output "$TEST_TMP/ex.signed" --now 20260106000000 2>/dev/null
zs sign "${opts[@]}" --zone example.com --input "$in" --output "$TEST_TMP/ex.signed" --now 20260108000000 2>/dev/null
zs key list "${opts[@]}" --json | python3 -c '
import json, sys
zsks = [k for k in json.load(sys.stdin) if k["role"] == "ZSK"]
assert len(zsks) == 2, zsks
old = [k for k in zsks if k["key_tag"] == '"$zsk"'][0]
new = [k for k in zsks if k["key_tag"] != '"$zsk"'][0]
assert old["goal"] == "hidden" and new["goal"] == "omnipresent", zsks
assert new["states"]["RRSIG(zone)"] in ("rumoured", "omnipresent"), new
' || fail "the rollover did not introduce a successor and retire the ZSK"
verify_with_peers "$TEST_TMP/ex.signed" example.com. 20260108010000 || fail "zone during the ZSK rollover"

# --- import: BIND keys (dnssec-keygen) and a PEM key ---------------------------
# import_bind_zone ZONE ALGORITHM [BITS]: a KSK and a ZSK made by dnssec-keygen
# are imported (in service); their DNSKEYs are BIND's, byte for byte; the
# zone signed with them validates.
import_bind_zone() {
  local zone=$1 algorithm=$2 bits=()
  [[ -n "${3:-}" ]] && bits=(-b "$3")
  mkdir -p "$TEST_TMP/bind-$zone"
  local zsk_file ksk_file
  zsk_file=$(dnssec-keygen -q -a "$algorithm" "${bits[@]}" -K "$TEST_TMP/bind-$zone" "$zone")
  ksk_file=$(dnssec-keygen -q -a "$algorithm" "${bits[@]}" -f KSK -K "$TEST_TMP/bind-$zone" "$zone")
  zs key import "${opts[@]}" --zone "$zone" --role ZSK --bind-private "$TEST_TMP/bind-$zone/$zsk_file.private" \
    --now 20260110000000 >/dev/null
  zs key import "${opts[@]}" --zone "$zone" --role KSK --bind-private "$TEST_TMP/bind-$zone/$ksk_file.private" \
    --now 20260110000000 >/dev/null
  zs key list "${opts[@]}" --zone "$zone" --json >"$TEST_TMP/$zone.json"
  local base
  for base in "$zsk_file" "$ksk_file"; do
    python3 - "$TEST_TMP/$zone.json" "$TEST_TMP/bind-$zone/$base.key" <<'EOF' || fail "imported DNSKEY differs from $base.key"
import base64, json, struct, sys
keys = json.load(open(sys.argv[1]))
line = [l for l in open(sys.argv[2]) if l.strip() and not l.startswith(";")][0].split()
i = [t.upper() for t in line].index("DNSKEY")
flags, protocol, algorithm = int(line[i + 1]), int(line[i + 2]), int(line[i + 3])
rdata = struct.pack("!HBB", flags, protocol, algorithm) + base64.b64decode("".join(line[i + 4:]))
match = [k for k in keys if base64.b64decode(k["dnskey"]) == rdata]
assert len(match) == 1, (rdata, keys)
k = match[0]
assert k["states"]["DNSKEY"] == "omnipresent" and k["goal"] == "omnipresent", k
EOF
  done
  # The same key twice, or with the wrong role, is refused.
  expect_fail --status 1 zs key import "${opts[@]}" --zone "$zone" --role ZSK \
    --bind-private "$TEST_TMP/bind-$zone/$zsk_file.private"
  grep -q "has this key already" "$TEST_TMP/expect_fail.log" || fail "double import not refused"
  expect_fail --status 1 zs key import "${opts[@]}" --zone "$zone" --role ZSK \
    --bind-private "$TEST_TMP/bind-$zone/$ksk_file.private"
  grep -q "flags 257" "$TEST_TMP/expect_fail.log" || fail "KSK imported as ZSK"
  # A zone signed with the imported keys validates, with BIND's DNSKEYs.
  sed -e "s/@ZONE@/$zone/" >"$TEST_TMP/$zone.zone" <<'ZONE'
$ORIGIN @ZONE@.
$TTL 3600
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
www  IN A   192.0.2.2
mail IN MX  10 www
ZONE
  zs sign "${opts[@]}" --zone "$zone" --input "$TEST_TMP/$zone.zone" --output "$TEST_TMP/$zone.signed" \
    --now 20260110000000 2>/dev/null
  verify_with_peers "$TEST_TMP/$zone.signed" "$zone." 20260110010000 || fail "$zone signed with imported keys"
  for base in "$zsk_file" "$ksk_file"; do
    local key
    key=$(grep -v '^;' "$TEST_TMP/bind-$zone/$base.key" |
      awk '{ for (i = 1; i <= NF; i++) if ($i == "DNSKEY") { s = ""; for (j = i + 4; j <= NF; j++) s = s $j; print s } }')
    tr -d ' \t' <"$TEST_TMP/$zone.signed" | grep -q -- "$key" || fail "$zone signed zone lacks the DNSKEY of $base"
  done
}
import_bind_zone example.org ECDSAP256SHA256
import_bind_zone example.edu RSASHA256 2048
[[ $(json 'sorted(set(k["bits"] for k in d))' <"$TEST_TMP/example.edu.json") == "[2048]" ]] || fail "RSA key size"

# PEM: a new CSK of another zone, every record hidden.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$TEST_TMP/csk.pem" 2>/dev/null
zs key import "${opts[@]}" --zone example.net --role CSK --pem "$TEST_TMP/csk.pem" --state new \
  --now 20260110000000 >/dev/null
zs key list "${opts[@]}" --zone example.net --json | python3 -c '
import json, sys
keys = json.load(sys.stdin)
assert len(keys) == 1, keys
k = keys[0]
assert k["role"] == "CSK" and k["algorithm"] == 14 and k["flags"] == 257, k
assert set(k["states"].values()) == {"hidden"}, k
' || fail "PEM import"
expect_fail --status 2 zs key import "${opts[@]}" --zone example.net --role CSK --pem "$TEST_TMP/csk.pem" --state maybe
expect_fail --status 1 zs key import "${opts[@]}" --zone example.net --role CSK --pem "$TEST_TMP/missing.pem"

# Into a token: a BIND CSK becomes a sensitive, unextractable key of a
# SoftHSMv2 token, and the zone signed through the token validates.
make_softhsm_token zs-import
cat >"$TEST_TMP/zonesigner.yaml" <<EOF
signers:
  - name: files
    type: openssl
    directory: $state/keys
  - name: hsm
    type: pkcs11
    module: $SOFTHSM_MODULE
    token_label: zs-import
    pin_file: user.pin
EOF
hsm_opts=(--state-dir "$state" --config "$TEST_TMP/zonesigner.yaml")
mkdir "$TEST_TMP/bind-hsm"
csk_file=$(dnssec-keygen -q -a ECDSAP256SHA256 -f KSK -K "$TEST_TMP/bind-hsm" example.info)
zs key import "${hsm_opts[@]}" --zone example.info --role CSK --signer hsm \
  --bind-private "$TEST_TMP/bind-hsm/$csk_file.private" --now 20260110000000 >/dev/null
[[ $(zs key list "${hsm_opts[@]}" --zone example.info --json | json '[k["signer"] for k in d]') == "['hsm']" ]] ||
  fail "the CSK is not in signer hsm"
zs hsm keys "${hsm_opts[@]}" hsm >"$TEST_TMP/token-keys.txt"
grep -q "example.info. CSK" "$TEST_TMP/token-keys.txt" || { cat "$TEST_TMP/token-keys.txt" >&2; fail "token lacks the CSK"; }
sed -e 's/example\.org/example.info/' "$TEST_TMP/example.org.zone" >"$TEST_TMP/example.info.zone"
zs sign "${hsm_opts[@]}" --zone example.info --input "$TEST_TMP/example.info.zone" \
  --output "$TEST_TMP/example.info.signed" --now 20260110000000 2>/dev/null
verify_with_peers "$TEST_TMP/example.info.signed" example.info. 20260110010000 || fail "zone signed through the token"
expect_fail --status 1 zs key import "${hsm_opts[@]}" --zone example.info --role CSK --signer nowhere \
  --pem "$TEST_TMP/csk.pem"
grep -q "nowhere" "$TEST_TMP/expect_fail.log" || fail "unknown signer not named"

# --- the audit log -------------------------------------------------------------
zs key log "${opts[@]}" >"$TEST_TMP/log.txt"
for event in generate publish delete ds-seen ds-gone rollover retire import; do
  grep -Eq "^[0-9T:-]+Z +example\.(com|org|net)\. +[0-9]+ +$event +$me " "$TEST_TMP/log.txt" ||
    { cat "$TEST_TMP/log.txt" >&2; fail "key log lacks a '$event' entry by $me"; }
done
grep -Eq "^2026-01-03T12:00:00Z +example\.com\. +$ksk +ds-seen +$me +.*recorded by the operator" "$TEST_TMP/log.txt" ||
  fail "key log: ds-seen entry"
grep -Eq "^2026-01-06T00:00:00Z +example\.com\. +$zsk +rollover +$me +manual rollover" "$TEST_TMP/log.txt" ||
  fail "key log: manual rollover entry"
# The deleted key keeps its tag in the log.
grep -Eq "^2026-01-01T00:00:00Z +example\.com\. +$new +delete " "$TEST_TMP/log.txt" || fail "key log: delete of $new"
zs key log "${opts[@]}" --zone example.org --json | python3 -c '
import json, sys
entries = json.load(sys.stdin)
assert entries and all(e["zone"] == "example.org." for e in entries), entries
assert [e["event"] for e in entries][:2] == ["import", "import"], entries
assert all(e["user"] for e in entries), entries
' || fail "key log --zone --json"

echo "key commands: all checks passed"
