#!/usr/bin/env bash
# `zonesigner simulate` and `zonesigner plan`: three years of every example
# policy (ZSK, KSK, CSK rollovers, algorithm 8 -> 13) without a violation,
# the expected number of rollovers, every event step's signed zone accepted
# by ldns-verify-zone and kzonecheck at its time; deliberately unsafe changes
# caught (delays shortened below what was published, a DS confirmed for the
# wrong key, a key destroyed while its DS may be cached); `plan` lists the
# future events and changes nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

EXAMPLES=$SOURCE_DIR/policy/examples
ORIGIN=minimal.example.
INPUT=$SOURCE_DIR/zones/minimal.zone
FROM=20260101000000
THREE_YEARS=+1096d

simulate() {
  "$ZONESIGNER" simulate --zone "$ORIGIN" --fresh --from "$FROM" --ds-seen-after 1d --quiet "$@"
}

# lines PATTERN FILE: how many lines of FILE match the extended regex.
lines() { grep -cE -- "$1" "$2" || true; }

# expect_lines WHAT PATTERN FILE N: exactly N lines match.
expect_lines() {
  local got
  got=$(lines "$2" "$3")
  [[ "$got" == "$4" ]] || fail "$1: expected $4 lines matching '$2' in $3, found $got"
}

# expect_at_least WHAT PATTERN FILE N
expect_at_least() {
  local got
  got=$(lines "$2" "$3")
  ((got >= $4)) || fail "$1: expected at least $4 lines matching '$2' in $3, found $got"
}

# only_two_csks FILE: the DNSKEY RRset has several keys, all with the SEP
# flag (a CSK rollover).
only_two_csks() {
  awk '$4 == "DNSKEY" { n++; if ($5 != 257) other++ } END { exit !(n >= 2 && other == 0) }' "$1"
}

# knot_before_3_3_5: kzonecheck older than 3.3.5 cannot validate a zone whose
# DNSKEY RRset holds two CSKs: it takes every SEP key for a KSK only, so no
# key may sign the zone's data ("no valid signature for a record"); Knot
# 3.3.5 fixed it ("dnssec/validation: fix validation of two CSKs").
knot_before_3_3_5() {
  local version
  version=$(kzonecheck -V | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)
  [[ "$(printf '%s\n3.3.5\n' "$version" | sort -V | head -n 1)" != 3.3.5 ]]
}

# check_with_knot FILE TIME: kzonecheck -d on at TIME. During a CSK rollover
# with an old kzonecheck, its two-CSK false alarm alone is tolerated, and
# BIND's dnssec-verify must accept the zone instead.
check_with_knot() {
  local file=$1 when=$2 output
  if verify_with_knot "$file" "$ORIGIN" "$when" 2>/dev/null; then
    return 0
  fi
  if only_two_csks "$file" && knot_before_3_3_5; then
    output=$(TZ=UTC kzonecheck -o "$ORIGIN" -d on -t "$when" "$file" 2>&1 || true)
    if ! grep -E '^\[' <<<"$output" | grep -qv 'no valid signature for a record'; then
      verify_with_bind "$file" "$ORIGIN" "$when" || return 1
      return 0
    fi
  fi
  verify_with_knot "$file" "$ORIGIN" "$when"
}

# verify_kept DIR [LIMIT]: ldns-verify-zone and kzonecheck on each kept
# output (the first LIMIT if given) at the time it was signed.
verify_kept() {
  local dir=$1 limit=${2:-100000} n=0 file stamp when
  for file in $(ls "$dir" | sort -n); do
    ((n < limit)) || break
    stamp=${file%.zone}
    when=$(date -u -d "@$stamp" +%Y%m%d%H%M%S)
    verify_with_ldns "$dir/$file" "$ORIGIN" "$when" || fail "ldns-verify-zone rejects $dir/$file at $when"
    check_with_knot "$dir/$file" "$when" || fail "kzonecheck rejects $dir/$file at $when"
    n=$((n + 1))
  done
  ((n > 0)) || fail "no kept outputs in $dir"
  echo "  $n signed zones of $dir accepted by ldns-verify-zone and kzonecheck"
}

# run_clean NAME ARGS...: a simulation that must end without a violation.
run_clean() {
  local name=$1
  shift
  local status=0
  simulate "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" || status=$?
  if ((status != 0)); then
    tail -n 30 "$TEST_TMP/$name.out" >&2
    cat "$TEST_TMP/$name.err" >&2
    fail "$name: simulation failed with status $status"
  fi
  grep -q "no violation" "$TEST_TMP/$name.out" || fail "$name: no closing line"
  echo "$name: $(tail -n 1 "$TEST_TMP/$name.out")"
}

# run_violation NAME MESSAGE ARGS...: a simulation that must stop with exit 1
# and an error naming MESSAGE.
run_violation() {
  local name=$1 message=$2
  shift 2
  local status=0
  simulate "$@" >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" || status=$?
  if ((status != 1)) || ! grep -q "zonesigner: error: at .*$message" "$TEST_TMP/$name.err"; then
    tail -n 20 "$TEST_TMP/$name.out" >&2
    cat "$TEST_TMP/$name.err" >&2
    fail "$name: expected exit 1 naming '$message', got status $status"
  fi
  echo "$name: caught: $(cut -c1-200 "$TEST_TMP/$name.err")"
}

# ---------------------------------------------------------------------------
# Three years of each example policy.

cd "$TEST_TMP"
ls "$EXAMPLES"/*.yaml >/dev/null || fail "no example policies in $EXAMPLES"

# Keys generated over 1096 days: the first, then one more per lifetime.
declare -A EXPECTED=(
  [standard]="ZSK:13 KSK:1"
  [zsk-rolls]="ZSK:37 KSK:1"
  [ksk-rolls]="ZSK:19 KSK:4"
  [csk]="CSK:7"
)
# Rollover runs whose every event step is checked by the peers (the first
# 30 steps of zsk-rolls: several rollovers).
declare -A PEER_LIMIT=([zsk-rolls]=30 [ksk-rolls]=100000 [csk]=100000)

for file in "$EXAMPLES"/*.yaml; do
  name=$(basename "$file" .yaml)
  [[ "$name" == algorithm-* ]] && continue # run as a pair below
  keep=()
  [[ -n "${PEER_LIMIT[$name]:-}" ]] && keep=(--keep-outputs "$TEST_TMP/$name.kept")
  run_clean "$name" --input "$INPUT" --policy "$file" --until "$THREE_YEARS" "${keep[@]}"
  for expectation in ${EXPECTED[$name]:-}; do
    role=${expectation%%:*}
    count=${expectation#*:}
    expect_lines "$name" "  $role [0-9]+ generated" "$name.out" "$count"
    # Every rollover but possibly the last has ended with the old key destroyed.
    expect_at_least "$name" "  $role [0-9]+ deleted$" "$name.out" $((count - 2))
  done
  case $name in
    ksk-rolls) expect_at_least "$name" "ds-gone recorded for KSK" "$name.out" 2 ;;
    csk) expect_at_least "$name" "ds-gone recorded for CSK" "$name.out" 5 ;;
  esac
  [[ -n "${PEER_LIMIT[$name]:-}" ]] && verify_kept "$TEST_TMP/$name.kept" "${PEER_LIMIT[$name]}"
done

# Algorithm rollover RSASHA256 -> ECDSAP256SHA256: a policy change after
# 200 days; every RSA key ends destroyed, ECDSA keys sign.
run_clean algorithm --input "$INPUT" --policy "$EXAMPLES/algorithm-rsa.yaml" \
  --policy-change "+200d=$EXAMPLES/algorithm-ecdsa.yaml" --until "$THREE_YEARS" \
  --keep-outputs "$TEST_TMP/algorithm.kept"
expect_lines algorithm "policy changed to algorithm-ecdsa" algorithm.out 1
expect_lines algorithm "  KSK [0-9]+ generated \(ECDSAP256SHA256\)" algorithm.out 1
expect_at_least algorithm "  ZSK [0-9]+ generated \(ECDSAP256SHA256\)" algorithm.out 2
rsa_keys=$(grep -E "generated \(RSASHA256" algorithm.out | awk '{print $2 " " $3}')
[[ -n "$rsa_keys" ]] || fail "algorithm: no RSA key generated"
while read -r role tag; do
  grep -q "  $role $tag deleted$" algorithm.out || fail "algorithm: RSA $role $tag was never destroyed"
done <<<"$rsa_keys"
grep -q "parent publishes DS set {KSK [0-9]*}" algorithm.out || fail "algorithm: the DS set never changed"
verify_kept "$TEST_TMP/algorithm.kept"

# ---------------------------------------------------------------------------
# Unsafe changes are caught.

# a) A policy edit right before a ZSK rollover: the zone propagation delay
# and the safety margins cut to 0; the real secondaries still lag 5 minutes.
sed -e 's/^name: .*/name: zsk-rolls-no-margins/' -e 's/propagation_delay: 5m/propagation_delay: 0/' \
  -e 's/^safety: .*/safety: {publish: 0, retire: 0}/' "$EXAMPLES/zsk-rolls.yaml" >no-margins.yaml
run_violation no-margins "validation gap" --input "$INPUT" --policy "$EXAMPLES/zsk-rolls.yaml" \
  --policy-change "+25d=no-margins.yaml" --until +40d

# b) The DNSKEY TTL cut from 1d to 1h as the successor ZSK appears (and the
# ZSK lifetime with it): the planner counts the new TTL while validators
# still hold the DNSKEY RRset published with the old one.
sed -e 's/^name: .*/name: zsk-rolls-ttl-1d/' -e 's/dnskey: 1h/dnskey: 1d/' "$EXAMPLES/zsk-rolls.yaml" >ttl-1d.yaml
sed -e 's/^name: .*/name: zsk-rolls-29d/' -e 's/lifetime: 30d/lifetime: 29d/' "$EXAMPLES/zsk-rolls.yaml" >ttl-1h.yaml
run_violation dnskey-ttl "validation gap" --input "$INPUT" --policy ttl-1d.yaml \
  --policy-change "20260130000000=ttl-1h.yaml" --until +40d

# c) max_zone TTL cut to 1h while the zone's records have a TTL of a day:
# the old ZSK leaves while its signatures are cached.
sed -e 's/^\$TTL .*/$TTL 86400/' "$INPUT" >day-ttl.zone
sed -e 's/^name: .*/name: zsk-rolls-short-max-ttl/' -e 's/max_zone: 1d/max_zone: 1h/' \
  "$EXAMPLES/zsk-rolls.yaml" >short-max-ttl.yaml
run_violation max-zone-ttl "validation gap" --input day-ttl.zone --policy "$EXAMPLES/zsk-rolls.yaml" \
  --policy-change "+25d=short-max-ttl.yaml" --until +40d

# d) A DS confirmed for the wrong key: the parent confirms the new KSK's DS
# but keeps serving the old set; the DNSKEY swap must be caught.
sed -e 's/^name: .*/name: ksk-rolls-monthly/' -e 's/lifetime: 365d/lifetime: 30d/' \
  "$EXAMPLES/ksk-rolls.yaml" >ksk-monthly.yaml
run_clean ksk-monthly --input "$INPUT" --policy ksk-monthly.yaml --until +70d
run_violation wrong-ds "cannot validate the DNSKEY RRset" --input "$INPUT" --policy ksk-monthly.yaml \
  --until +70d --ds-seen-wrong-key

# e) A key destroyed while its DS may be cached: the policy believes the
# parent propagates instantly and purges at once; the parent takes an hour.
sed -e 's/^name: .*/name: ksk-fast-purge/' -e 's/^purge_after: .*/purge_after: 0/' \
  -e 's/^parent: .*/parent: {ds_ttl: 1d, propagation_delay: 0, registration_delay: 0}/' \
  -e 's/^safety: .*/safety: {publish: 1h, retire: 0}/' ksk-monthly.yaml >fast-purge.yaml
run_clean fast-purge-believed --input "$INPUT" --policy fast-purge.yaml --until +70d
run_violation fast-purge "KSK [0-9]* was destroyed while its DS" --input "$INPUT" --policy fast-purge.yaml \
  --until +70d --parent-propagation-delay 1h

# ---------------------------------------------------------------------------
# From a copy of a real state, and `plan`: the real state is never changed.

state_digest() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

mkdir state
"$ZONESIGNER" sign --zone "$ORIGIN" --input "$INPUT" --output signed.zone --state-dir state \
  --policy "$EXAMPLES/zsk-rolls.yaml" --now "$FROM" 2>/dev/null
before=$(state_digest state)

"$ZONESIGNER" plan --zone "$ORIGIN" --state-dir state --policy "$EXAMPLES/zsk-rolls.yaml" --now "$FROM" \
  --until +70d --ds-seen-after 1d >plan.out
expect_lines plan "  ZSK [0-9]+ generated" plan.out 2
expect_lines plan "parent publishes DS set" plan.out 1
expect_lines plan "no key event" plan.out 0
# The keys of the state are the ones planned for: the first ZSK retires.
first_zsk=$(awk '/^; key ZSK tag/ {print $5; exit}' signed.zone)
[[ -n "$first_zsk" ]] || fail "no ZSK in signed.zone"
grep -q "  ZSK $first_zsk retired" plan.out || fail "plan: the current ZSK $first_zsk never retires"
[[ "$(state_digest state)" == "$before" ]] || fail "plan changed the real state"

"$ZONESIGNER" simulate --zone "$ORIGIN" --input "$INPUT" --state-dir state --policy "$EXAMPLES/zsk-rolls.yaml" \
  --from "$FROM" --until +70d --ds-seen-after 1d --quiet >from-state.out
grep -q "(copy of the current state)" from-state.out || fail "simulate did not start from the state"
grep -q "  ZSK $first_zsk retired" from-state.out || fail "simulate: the state's ZSK $first_zsk never retires"
[[ "$(state_digest state)" == "$before" ]] || fail "simulate changed the real state"

# Without a parent, a KSK rollover waits for ds-seen and the timeline says so.
"$ZONESIGNER" simulate --zone "$ORIGIN" --fresh --from "$FROM" --quiet --input "$INPUT" --policy ksk-monthly.yaml \
  --until +70d >no-parent.out
grep -q "parent: none" no-parent.out || fail "no-parent: the header does not say there is no parent"
grep -q "^waiting at .*KSK" no-parent.out || fail "no-parent: the stalled KSK rollover is not shown"

echo "simulate: all checks passed"
