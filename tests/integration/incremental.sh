# Incremental re-signing by `zonesigner run`: signatures of unchanged RRsets
# are taken over from the previous signing (the signature cache in the state
# directory), only changed RRsets and the denial records around changed
# names are signed again, signatures nearing expiration are refreshed, and a
# damaged cache only costs time. Every output is checked by ldns-verify-zone,
# dnssec-verify and kzonecheck. Zones: the rich example.com (NSEC), the TLD
# sample (NSEC3 with opt-out and a salt) and a generated 400-name zone.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

cd "$TEST_TMP"
mkdir -p zones out
cp -r "$SOURCE_DIR"/zones/* zones/
python3 "$SOURCE_DIR/bench/gen-zone" enterprise 400 hosts.example. >zones/hosts.zone
CONFIG=$TEST_TMP/zonesigner.yaml
cat >"$CONFIG" <<EOF
state_dir: state
policies:
  - name: nsec3
    denial: {type: nsec3, iterations: 0, salt_length: 8, opt_out: true}
zones:
  - name: example.com
    input: zones/example.com.zone
    output: out/example.com.signed
  - name: test
    input: zones/tld.zone
    output: out/tld.signed
    policy: nsec3
  - name: hosts.example
    input: zones/hosts.zone
    output: out/hosts.signed
    threads: 2
EOF
OUTS=(out/example.com.signed out/tld.signed out/hosts.signed)
ORIGINS=(example.com. test. hosts.example.)

run_zs() {
  local log=$1
  shift
  "$ZONESIGNER" run --config "$CONFIG" "$@" 2>"$log" || { cat "$log"; fail "run $* failed"; }
}
verify_all() {
  local i
  for i in 0 1 2; do
    verify_with_peers "${OUTS[$i]}" "${ORIGINS[$i]}" "$1" || fail "${OUTS[$i]} rejected at $1"
  done
}
# made ZONE / reused ZONE: the last publication's counts, from status --json.
counts() {
  "$ZONESIGNER" status --config "$CONFIG" --json --now "$1" >status.json
  python3 - status.json <<'PY'
import json, sys
for z in json.load(open(sys.argv[1]))["zones"]:
    print(z["zone"], z["signatures"], z["signatures_reused"])
PY
}
made() { awk -v z="$1" '$1 == z { print $2 }' counts.txt; }
reused() { awk -v z="$1" '$1 == z { print $3 }' counts.txt; }
# rrsig_lines FILE [EXCLUDE_TYPE]: the RRSIG records, sorted, without those
# covering EXCLUDE_TYPE.
rrsig_lines() { awk -v x="${2:-NONE}" '$4 == "RRSIG" && $5 != x' "$1" | sort; }

# --- first run: everything is signed, a cache is left -----------------------
T0=20240101000000
run_zs first.log --now $T0
verify_all $T0
counts $T0 >counts.txt
for z in "${ORIGINS[@]}"; do
  (($(reused "$z") == 0)) || fail "$z: signatures reused on the first run"
  [[ -s state/zones/${z}sigs ]] || fail "$z: no signature cache in state/zones"
done
[[ $(stat -c %a state/zones/hosts.example.sigs) == 600 ]] || fail "signature cache is not mode 0600"
for i in 0 1 2; do cp "${OUTS[$i]}" "${OUTS[$i]}.t0"; done
echo "ok: first run signed everything and left a signature cache per zone"

# --- nothing changed, forced: only the SOA is signed again ---------------------
T1=20240101010000
run_zs force.log --now $T1 --force
grep -q '^zonesigner: hosts.example.: signed serial [0-9]*, 1 signatures made, [0-9]* reused in ' force.log ||
  { cat force.log; fail "forced run line does not say 1 made, the rest reused"; }
verify_all $T1
counts $T1 >counts.txt
for i in 0 1 2; do
  z=${ORIGINS[$i]} out=${OUTS[$i]}
  total=$(count_rrsigs "$out")
  # One signature per SOA-signing key; everything else is taken over.
  (($(made "$z") == 1)) || fail "$z: $(made "$z") signatures made with nothing changed"
  (($(reused "$z") == total - 1)) || fail "$z: $(reused "$z") reused of $total"
  diff <(rrsig_lines "$out.t0" SOA) <(rrsig_lines "$out" SOA) >/dev/null ||
    fail "$z: RRSIGs other than the SOA's changed with nothing changed"
  ! diff <(rrsig_lines "$out.t0") <(rrsig_lines "$out") >/dev/null || fail "$z: the SOA was not signed again"
done
echo "ok: a forced run with nothing changed reuses every signature but the SOA's, byte for byte"

# --- a 1% change: only the changed RRsets and their neighbours' denial --------
T2=20240101020000
for i in 0 1 2; do cp "${OUTS[$i]}" "${OUTS[$i]}.t1"; done
python3 - zones/hosts.zone <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().splitlines()
out = []
for line in lines:
    if line.startswith("host0000100 IN A "):
        line = "host0000100 IN A 192.0.2.100"           # changed address
    elif line.startswith("host0000200 "):
        continue                                         # name removed
    out.append(line)
out.append("host0000150a IN A 192.0.2.150")             # name added
out.append("sub IN NS ns.sub")                           # a new delegation with glue
out.append("ns.sub IN A 192.0.2.53")
open(path, "w").write("\n".join(out) + "\n")
PY
# A new secure delegation (in the NSEC3 chain) and a new insecure one
# (opted out).
printf '%s\n' 'zz-secure IN NS ns1.example.net.' \
  'zz-secure IN DS 10099 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF' \
  'zz-insecure IN NS ns1.example.net.' >>zones/tld.zone
run_zs changed.log --now $T2
grep -q 'hosts.example.: .*reasons: input changed' changed.log || { cat changed.log; fail "hosts.example not re-signed"; }
grep -q 'test.: .*reasons: input changed' changed.log || { cat changed.log; fail "test. not re-signed"; }
verify_all $T2
counts $T2 >counts.txt
hosts_total=$(count_rrsigs out/hosts.signed)
# The SOA, the changed A, the new name's A and NSEC, the new delegation's
# NSEC, and the NSEC records whose next name changed: a handful.
(($(made hosts.example.) >= 5 && $(made hosts.example.) <= 12)) ||
  fail "hosts.example.: $(made hosts.example.) signatures made for a small change"
(($(reused hosts.example.) == hosts_total - $(made hosts.example.))) || fail "hosts.example.: reuse count"
grep -qP '^host0000100\.hosts\.example\.\t3600\tIN\tA\t192\.0\.2\.100$' out/hosts.signed || fail "changed record missing"
! grep -q '^host0000200.hosts.example.' out/hosts.signed || fail "removed name still in the output"
grep -qP '^host0000150a\.hosts\.example\.\t300\tIN\tNSEC\thost0000151\.hosts\.example\. A RRSIG NSEC$' out/hosts.signed ||
  fail "new name not in the NSEC chain"
# The unchanged names keep their signatures.
diff <(grep '^host0000300\.' out/hosts.signed.t1) <(grep '^host0000300\.' out/hosts.signed) >/dev/null ||
  fail "an unchanged name's records or signatures changed"
(($(made test.) < $(count_rrsigs out/tld.signed) / 4)) || fail "test.: $(made test.) made: NSEC3 zone re-signed whole"
echo "ok: after a small change only the changed RRsets and the affected denial records were signed"

# --- a missed refresh: every signature that needs it is made again -------------
T3=20240111000000   # 10 days on: less than the 5-day refresh is left everywhere
run_zs late.log --now $T3
grep -q 'hosts.example.: .*reasons: .*signatures due for refresh' late.log ||
  { cat late.log; fail "refresh not the reason"; }
verify_all $T3
counts $T3 >counts.txt
for z in "${ORIGINS[@]}"; do (($(reused "$z") == 0)) || fail "$z: $(reused "$z") signatures reused near expiry"; done
"$ZONESIGNER" status --config "$CONFIG" --check --warn 3d --crit 1d --now $T3 >check.out ||
  { cat check.out; fail "zones not OK after the refresh"; }
echo "ok: signatures within the refresh time of expiring are all made again"

# --- a damaged cache costs time, not correctness ---------------------------------
T4=20240111010000
python3 - state/zones/hosts.example.sigs <<'PY'   # one byte inverted, size and all else kept
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(5000)
    b = f.read(1)
    f.seek(5000)
    f.write(bytes([b[0] ^ 0xFF]))
PY
run_zs damaged.log --now $T4 --force
grep -q 'hosts.example.: .*signature cache .*hosts.example.sigs is damaged: checksum mismatch; making every signature anew' damaged.log ||
  { cat damaged.log; fail "damaged cache not reported"; }
verify_all $T4
counts $T4 >counts.txt
(($(reused hosts.example.) == 0)) || fail "signatures reused from a damaged cache"
(($(reused example.com.) > 0)) || fail "the other zones lost their caches"
# ... and the next run has a good cache again.
run_zs after.log --now 20240111020000 --force
counts 20240111020000 >counts.txt
(($(reused hosts.example.) > 0)) || fail "cache not rebuilt after damage"
echo "ok: a damaged cache is reported, every signature is made, and the next run has a cache again"

# --- an output edited by hand is not copied from ----------------------------------
T5=20240111030000
sed -i 's/^\(host0000300\.hosts\.example\.\t3600\tIN\tA\t\).*/\1192.0.2.222/' out/hosts.signed
grep -q '192.0.2.222' out/hosts.signed || fail "test setup: the output was not edited"
run_zs edited.log --now $T5 --force
! grep -q '192.0.2.222' out/hosts.signed || fail "text of a hand-edited output was copied"
verify_all $T5
counts $T5 >counts.txt
(($(reused hosts.example.) > 0)) || fail "the edited output's signatures were not reused from the cache"
echo "ok: a hand-edited output is formatted anew; the cache's signatures still serve"

# --- --no-reuse makes every signature anew ----------------------------------------
T6=20240111040000
run_zs noreuse.log --now $T6 --force --no-reuse
verify_all $T6
counts $T6 >counts.txt
for z in "${ORIGINS[@]}"; do (($(reused "$z") == 0)) || fail "$z: $(reused "$z") signatures reused with --no-reuse"; done
echo "ok: --no-reuse makes every signature anew"

# --- verify: full checks every reused signature and copies no text ---------------
sed -i 's/^    threads: 2$/    threads: 2\n    verify: full/' "$CONFIG"
grep -q '^    verify: full$' "$CONFIG" || fail "test setup: verify: full not set"
T7=20240111050000
run_zs full.log --now $T7 --force
verify_all $T7
counts $T7 >counts.txt
(($(reused hosts.example.) > 0)) || fail "verify: full stopped the reuse of signatures"
echo "ok: verify: full with reused signatures"
