# Crash safety of the key manager. A month of `zonesigner sign --policy`
# runs two days apart (key generation, DS submission confirmed by the
# policy's parent_check, ZSK and KSK rollovers, purges) is run once
# uninterrupted, then again for N = 1, 2, ... with every run killed by
# SIGKILL right after its N-th committed state change
# (ZONESIGNER_TEST_CRASH_AT, a test-only hook) and rerun without it. Each
# interrupted timeline must end with the same key states as the
# uninterrupted one, an intact database, and no key in the database that
# its signer lacks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

command -v sqlite3 >/dev/null || fail "sqlite3 not installed (scripts/install-deps)"

cat >"$TEST_TMP/zone" <<'EOF'
$ORIGIN example.com.
$TTL 3600
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
www  IN A   192.0.2.2
EOF
# Short lifetimes and purge time, so that a month holds two rollovers of
# each kind and their purges.
cat >"$TEST_TMP/policy.yaml" <<'EOF'
name: crash-test
keys:
  - {role: ksk, algorithm: ECDSAP256SHA256, lifetime: 10d}
  - {role: zsk, algorithm: ECDSAP256SHA256, lifetime: 5d}
signatures: {validity: 14d, denial_validity: 14d, refresh: 5d, jitter: 12h, inception_offset: 1h}
denial: {type: nsec}
ttls: {dnskey: 1h, max_zone: 1d}
zone: {propagation_delay: 5m, serial: increment}
parent: {ds_ttl: 1h, propagation_delay: 1h, registration_delay: 0, check: "cat >/dev/null; exit 0"}
safety: {publish: 1h, retire: 1h}
purge_after: 2d
cds_cdnskey: during-rollover
EOF

start=$(date -u -d 2026-01-01 +%s)
steps=()
for day in $(seq 0 2 28); do steps+=($((start + day * 86400))); done

sign_at() { # STATE_DIR TIME
  "$ZONESIGNER" sign --policy "$TEST_TMP/policy.yaml" --zone example.com --input "$TEST_TMP/zone" \
    --output "$1/example.com.signed" --state-dir "$1" --now "$2" >>"$1/sign.log" 2>&1
}

# The key states, without what differs between runs by chance (key tags,
# ids, public keys), in creation order.
key_states() { # STATE_DIR
  "$ZONESIGNER" key list --state-dir "$1" --json | python3 -c '
import json, sys
keys = json.load(sys.stdin)
drop = {"key_tag", "id", "dnskey", "flags"}
keys = [{k: v for k, v in key.items() if k not in drop} for key in keys]
keys.sort(key=lambda k: (k["created"], k["role"], json.dumps(k, sort_keys=True)))
print(json.dumps(keys, indent=1, sort_keys=True))'
}

# Every key the database lists is in its signer (the key files).
check_keys_in_signer() { # STATE_DIR
  local id
  for id in $("$ZONESIGNER" key list --state-dir "$1" --json | python3 -c '
import json, sys
for k in json.load(sys.stdin): print(k["id"])'); do
    [[ -f "$1/keys/$id.pem" ]] || fail "$1: the database lists key $id, which its signer lacks"
  done
}

check_database() { # STATE_DIR
  local result
  result=$(sqlite3 "$1/keys.db" 'PRAGMA integrity_check')
  [[ "$result" == ok ]] || fail "$1/keys.db: integrity_check says: $result"
  result=$(sqlite3 "$1/keys.db" 'PRAGMA foreign_key_check')
  [[ -z "$result" ]] || fail "$1/keys.db: foreign_key_check says: $result"
}

# The uninterrupted timeline.
reference=$TEST_TMP/reference
mkdir "$reference"
for t in "${steps[@]}"; do sign_at "$reference" "$t" || { cat "$reference/sign.log" >&2; fail "uninterrupted run at $t"; }; done
key_states "$reference" >"$TEST_TMP/reference.json"
python3 - "$TEST_TMP/reference.json" <<'EOF' || fail "the reference timeline has no rollovers and purges"
import json, sys
keys = json.load(open(sys.argv[1]))
assert sum(k["role"] == "KSK" for k in keys) >= 2 and sum(k["role"] == "ZSK" for k in keys) >= 2, keys
assert any(k["ds_seen"] for k in keys), keys
EOF
purged=$(sqlite3 "$reference/keys.db" 'SELECT count(*) FROM keys WHERE deleted IS NOT NULL')
((purged >= 2)) || fail "the reference timeline purged $purged keys, expected at least 2"
check_database "$reference"

# Each N: every run killed after its N-th committed transaction, then rerun.
for ((n = 1; ; n++)); do
  ((n <= 30)) || fail "runs still killed at N=30: more transactions than expected"
  dir=$TEST_TMP/crash-$n
  mkdir "$dir"
  kills=0
  for t in "${steps[@]}"; do
    status=0
    # In a subshell whose stderr is dropped: bash reports the kill there.
    (ZONESIGNER_TEST_CRASH_AT=$n sign_at "$dir" "$t") 2>/dev/null || status=$?
    if ((status == 137)); then
      kills=$((kills + 1))
      sign_at "$dir" "$t" || { cat "$dir/sign.log" >&2; fail "N=$n: the rerun at $t after the crash failed"; }
    elif ((status != 0)); then
      cat "$dir/sign.log" >&2
      fail "N=$n: run at $t failed with status $status (not killed)"
    fi
  done
  check_database "$dir"
  check_keys_in_signer "$dir"
  key_states "$dir" >"$dir/states.json"
  diff -u "$TEST_TMP/reference.json" "$dir/states.json" >&2 ||
    fail "N=$n ($kills runs killed): the key states differ from the uninterrupted timeline"
  echo "N=$n: $kills of ${#steps[@]} runs killed and rerun; same key states, database intact"
  ((kills > 0)) || break
  rm -rf "$dir"
done
((n > 3)) || fail "only $((n - 1)) transaction counts exercised: the runs commit fewer transactions than expected"
echo "key crash: all checks passed"
