# `zonesigner run`, `status` and `zone` (batch signing from cron): three
# zones signed once and then only when something is due, each output checked
# by the independent verifiers; zones isolated from each other's failures;
# the run lock (taken, --wait, stale); status --json and the Nagios check;
# the metrics file; the notify command; a full and a read-only output file
# system; kill -9 at many points of a run and crashes inside the key
# manager's transactions; a database locked by another process; inputs
# that vanish.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

cd "$TEST_TMP"
mkdir -p zones out
cp -r "$SOURCE_DIR"/zones/* zones/
STATE=$TEST_TMP/state
CONFIG=$TEST_TMP/zonesigner.yaml
# 2024-01-01: the tests move the clock forward only (the key manager
# refuses a clock that goes backwards).
T0=20240101000000

cat >"$CONFIG" <<EOF
# batch test configuration
state_dir: state
zones:
  - name: example.com
    input: zones/example.com.zone
    output: out/example.com.signed
    notify: echo notified %zone %file >>$TEST_TMP/notify.log
  - name: minimal.example
    input: zones/minimal.zone
    output: out/minimal.signed
    verify: full
  - name: test
    input: zones/tld.zone
    output: out/tld.signed
    threads: 2
EOF
OUT_COM=$TEST_TMP/out/example.com.signed
OUT_MIN=$TEST_TMP/out/minimal.signed
OUT_TLD=$TEST_TMP/out/tld.signed

# run_zs LOG ARGS...: zonesigner run with the test configuration; stderr to
# LOG; returns its status.
run_zs() {
  local log=$1
  shift
  local status=0
  "$ZONESIGNER" run --config "$CONFIG" "$@" 2>"$log" || status=$?
  return $status
}

verify_all() {
  verify_with_peers "$OUT_COM" example.com. "$1" || fail "example.com output rejected at $1"
  verify_with_peers "$OUT_MIN" minimal.example. "$1" || fail "minimal.example output rejected at $1"
  verify_with_peers "$OUT_TLD" test. "$1" || fail "test. output rejected at $1"
}

snapshot() { for f in "$OUT_COM" "$OUT_MIN" "$OUT_TLD"; do cp "$f" "$f.$1"; done; }
same_as() { cmp -s "$1" "$1.$2"; }
serial_of() { awk '$4 == "SOA" { print $7; exit }' "$1"; }

# --- first run signs every zone ---------------------------------------------
run_zs first.log --now $T0 || { cat first.log; fail "first run failed"; }
[[ $(grep -c ': signed serial ' first.log) == 3 ]] || { cat first.log; fail "first run did not report 3 signed zones"; }
grep -q '^zonesigner: example.com.: signed serial 2024010102, .* reasons: never signed$' first.log ||
  { cat first.log; fail "first run line format"; }
verify_all $T0
[[ -f $OUT_COM.ds ]] || fail "no DS file beside the output"
grep -qx "notified example.com $OUT_COM" notify.log || { cat notify.log; fail "notify not run with zone and file"; }
echo "ok: first run signed and verified 3 zones, notify ran"

# --- nothing due: nothing written, nothing said -----------------------------
snapshot first
run_zs second.log --now $T0 || { cat second.log; fail "second run failed"; }
[[ ! -s second.log ]] || { cat second.log; fail "an up-to-date run printed something"; }
for f in "$OUT_COM" "$OUT_MIN" "$OUT_TLD"; do same_as "$f" first || fail "$f rewritten with nothing due"; done
[[ $(wc -l <notify.log) == 1 ]] || fail "notify ran without a new output"
run_zs verbose.log --now $T0 -v || fail "verbose run failed"
[[ $(grep -c ': up to date$' verbose.log) == 3 ]] || { cat verbose.log; fail "-v does not list up-to-date zones"; }
echo "ok: a second run at the same time changed nothing and printed nothing"

# --- one input changes: only that zone --------------------------------------
T1=20240101010000
echo 'new-host IN A 192.0.2.99' >>zones/minimal.zone
run_zs changed.log --now $T1 || { cat changed.log; fail "run after an input change failed"; }
[[ $(wc -l <changed.log) == 1 ]] || { cat changed.log; fail "expected one line"; }
grep -q '^zonesigner: minimal.example.: signed serial 3, .* reasons: input changed$' changed.log ||
  { cat changed.log; fail "minimal.example not re-signed for its input"; }
same_as "$OUT_COM" first && same_as "$OUT_TLD" first || fail "unchanged zones were rewritten"
grep -q '^new-host.minimal.example.' "$OUT_MIN" || fail "the new record is not in the output"
# A change in an $INCLUDEd file counts as an input change.
echo 'included-new IN A 192.0.2.98' >>zones/include/example.com.hosts
run_zs include.log --now $T1 || { cat include.log; fail "run after an include change failed"; }
grep -q '^zonesigner: example.com.: signed serial 2024010103, .* reasons: input changed$' include.log ||
  { cat include.log; fail "example.com not re-signed for its \$INCLUDE"; }
[[ $(wc -l <include.log) == 1 ]] || { cat include.log; fail "others re-signed for an include of example.com"; }
verify_with_peers "$OUT_MIN" minimal.example. $T1 || fail "re-signed minimal.example rejected"
verify_with_peers "$OUT_COM" example.com. $T1 || fail "re-signed example.com rejected"
echo "ok: an input change (or one in an \$INCLUDE) re-signs only that zone"

# --- --force signs all, serials increase -------------------------------------
snapshot before_force
run_zs force.log --now $T1 --force || { cat force.log; fail "--force run failed"; }
[[ $(grep -c ': signed serial .* reasons: forced$' force.log) == 3 ]] || { cat force.log; fail "--force did not sign 3"; }
for f in "$OUT_COM" "$OUT_MIN" "$OUT_TLD"; do
  (($(serial_of "$f") > $(serial_of "$f.before_force"))) || fail "serial of $f did not increase"
done
echo "ok: --force re-signs every zone with a higher serial"

# --- a broken input fails that zone only -------------------------------------
cp zones/tld.zone tld.good
echo 'broken IN A not-an-address' >>zones/tld.zone
snapshot before_broken
T2=20240101020000
status=0
run_zs broken.log --now $T2 --force || status=$?
((status == 1)) || { cat broken.log; fail "a failed zone must make the run exit 1 (got $status)"; }
grep -q "^zonesigner: error: test.: .*tld.zone:[0-9]*" broken.log || { cat broken.log; fail "error does not name zone and FILE:LINE"; }
[[ $(grep -c ': signed serial ' broken.log) == 2 ]] || { cat broken.log; fail "the other zones were not signed"; }
same_as "$OUT_TLD" before_broken || fail "the failed zone's previous output changed"
"$ZONESIGNER" status --config "$CONFIG" --now $T2 --json >status-broken.json
python3 - status-broken.json <<'EOF' || fail "status --json does not show the failure"
import json, sys
zones = {z["zone"]: z for z in json.load(open(sys.argv[1]))["zones"]}
assert "tld.zone" in zones["test."]["last_error"], zones["test."]
assert zones["example.com."]["last_error"] is None
EOF
cp tld.good zones/tld.zone
run_zs repaired.log --now $T2 || { cat repaired.log; fail "run after the repair failed"; }
# The repaired input is the one last signed: nothing to do, and the error is gone.
[[ ! -s repaired.log ]] || { cat repaired.log; fail "repaired zone re-signed though its input is as published"; }
"$ZONESIGNER" status --config "$CONFIG" --now $T2 | grep -q '^test\. .* -$' || fail "last error not cleared"
echo "ok: a broken input fails its zone (exit 1), the others are signed, the previous output stays"

# --- status --json ------------------------------------------------------------
"$ZONESIGNER" status --config "$CONFIG" --now $T2 --json >status.json
python3 - status.json "$OUT_COM" <<'EOF' || fail "status --json fields"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["now"] == "2024-01-01T02:00:00Z", doc["now"]
zones = {z["zone"]: z for z in doc["zones"]}
assert sorted(zones) == ["example.com.", "minimal.example.", "test."], sorted(zones)
com = zones["example.com."]
assert com["output"] == sys.argv[2], com
assert com["policy"] == "default"
assert com["last_success"] == "2024-01-01T02:00:00Z", com
assert com["serial"] == 2024010105, com
# Validity 14 days with 12 hours of jitter, from signatures made since T0
# (two hours ago; the forced runs reuse them): the earliest expiration lies
# in between.
assert 13 * 86400 + 10 * 3600 <= com["runway_seconds"] <= 14 * 86400, com
# The last (forced) signing made the SOA's signature and reused the rest.
assert com["signatures"] == 1 and com["signatures_reused"] > 80, com
assert com["runway_end"].startswith("2024-01-1"), com
assert com["next_key_event"] is not None and com["last_error"] is None, com
assert com["signatures"] > 0
EOF
# The configuration is found through $ZONESIGNER_CONFIG too.
ZONESIGNER_CONFIG=$CONFIG "$ZONESIGNER" status --now $T2 | grep -q '^example\.com\. ' || fail "\$ZONESIGNER_CONFIG not used"
expect_fail --status 1 env ZONESIGNER_CONFIG=$TEST_TMP/none.yaml "$ZONESIGNER" status
grep -q "$TEST_TMP/none.yaml" "$TEST_TMP/expect_fail.log" || fail "missing configuration not named"
echo "ok: status --json reports serial, last success, runway, next key event, last error"

# --- status --check: OK, WARNING, CRITICAL as the runway shrinks ---------------
check() {
  local want=$1 now=$2 status=0
  shift 2
  "$ZONESIGNER" status --config "$CONFIG" --check --warn 3d --crit 1d --now "$now" "$@" >check.out || status=$?
  [[ $status == "$want" ]] || { cat check.out; fail "status --check at $now: exit $status, want $want"; }
}
check 0 $T2
grep -q '^ZONESIGNER OK - 3 zones, shortest runway 13d [0-9]*h (' check.out || { cat check.out; fail "OK line"; }
check 1 20240112000000   # about 2.5 days left
grep -q '^ZONESIGNER WARNING - ' check.out || { cat check.out; fail "WARNING line"; }
check 2 20240114000000   # hours left, not yet expired
grep -q '^ZONESIGNER CRITICAL - .*runway [0-9]*h' check.out || { cat check.out; fail "CRITICAL line"; }
check 3 $T2 --warn soon  # usage errors are UNKNOWN (3), not CRITICAL (2)
grep -q '^ZONESIGNER UNKNOWN - ' check.out || { cat check.out; fail "UNKNOWN line"; }
echo "ok: status --check goes OK -> WARNING -> CRITICAL before the signatures expire; usage error -> 3"

# --- metrics -------------------------------------------------------------------
T3=20240101030000
run_zs metrics.log --now $T3 --metrics "$TEST_TMP/zonesigner.prom" || { cat metrics.log; fail "run with --metrics"; }
for line in '# TYPE zonesigner_runway_seconds gauge' \
  'zonesigner_zone_failures{zone="test."} 0' \
  '# TYPE zonesigner_signatures_made_total counter' \
  'zonesigner_last_success_timestamp_seconds{zone="example.com."} 1704074400' \
  'zonesigner_last_run_timestamp_seconds 1704078000'; do
  grep -qxF "$line" zonesigner.prom || { cat zonesigner.prom; fail "metrics lack: $line"; }
done
grep -q '^zonesigner_runway_seconds{zone="minimal.example."} [0-9]*$' zonesigner.prom || fail "runway metric"
grep -q '^zonesigner_signatures_reused_total{zone="example.com."} [1-9][0-9]*$' zonesigner.prom || fail "reused metric"
grep -q '^zonesigner_run_duration_seconds [0-9.]*$' zonesigner.prom || fail "duration metric"
made=$(awk '/^zonesigner_signatures_made_total\{zone="test."\}/ { print $2 }' zonesigner.prom)
# At least the first, full signing's; the later runs reused most.
((made >= $(count_rrsigs "$OUT_TLD.first"))) || fail "signatures made over the runs: $made"
echo "ok: --metrics writes the Prometheus text file"

# --- the run lock ---------------------------------------------------------------
# A run held inside its notify command keeps the lock until told to go on.
cat >lock.yaml <<EOF
state_dir: state
zones:
  - name: lock.example
    input: lock.zone
    output: out/lock.signed
    notify: touch $TEST_TMP/holding; while [ -e $TEST_TMP/hold ]; do sleep 0.05; done
EOF
sed 's/minimal\.example\./lock.example./' zones/minimal.zone >lock.zone
touch hold
"$ZONESIGNER" run --config lock.yaml --now $T3 2>holder.log &
holder=$!
for _ in $(seq 1 400); do [[ -e holding ]] && break; sleep 0.05; done
[[ -e holding ]] || { rm -f hold; wait $holder || true; cat holder.log; fail "the holding run never reached its notify"; }
status=0
run_zs locked.log --now $T3 --force || status=$?
((status == 1)) || { rm -f hold; cat locked.log; fail "second run while locked: exit $status, want 1"; }
grep -qx "zonesigner: error: another run holds the lock $STATE/run.lock (pid $holder)" locked.log ||
  { rm -f hold; cat locked.log; fail "lock message"; }
"$ZONESIGNER" run --config "$CONFIG" --now $T3 --force --wait 2>waited.log &
waiter=$!
kill -0 $waiter 2>/dev/null || { rm -f hold; fail "--wait run did not wait for the lock"; }
rm hold
wait $holder || { cat holder.log; fail "the holding run failed"; }
wait $waiter || { cat waited.log; fail "the --wait run failed"; }
[[ $(grep -c ': signed serial ' waited.log) == 3 ]] || { cat waited.log; fail "--wait run did not sign after the lock"; }
# A lock file left by a dead run (its pid inside) does not block.
echo 999999 >"$STATE/run.lock"
run_zs stale.log --now $T3 || { cat stale.log; fail "a stale lock file blocked the run"; }
echo "ok: a second run exits 1 naming the lock and its holder; --wait waits; a stale lock file does not block"

# --- a vanished input -------------------------------------------------------------
mv zones/minimal.zone minimal.saved
status=0
run_zs vanished.log --now $T3 --force || status=$?
((status == 1)) || { cat vanished.log; fail "missing input: exit $status"; }
grep -q "^zonesigner: error: minimal.example.: .*$TEST_TMP/zones/minimal.zone" vanished.log ||
  { cat vanished.log; fail "missing input error does not name the path"; }
[[ $(grep -c ': signed serial ' vanished.log) == 2 ]] || { cat vanished.log; fail "others not signed"; }
mv minimal.saved zones/minimal.zone
echo "ok: a vanished input fails its zone naming the path; the others are signed"

# --- a database locked by another process -------------------------------------------
# Held briefly: the run waits for it. Held too long: the run fails naming
# the database and succeeds once it is free.
T4=20240101040000
(printf 'BEGIN EXCLUSIVE;\nUPDATE zones SET policy = policy;\n'; sleep 1; printf 'COMMIT;\n') | sqlite3 "$STATE/keys.db" &
sleep 0.3
run_zs dbwait.log --now $T4 --force --zone minimal.example || { cat dbwait.log; fail "run did not wait for a briefly locked database"; }
wait
(printf 'BEGIN EXCLUSIVE;\nUPDATE zones SET policy = policy;\n'; sleep 7; printf 'COMMIT;\n') | sqlite3 "$STATE/keys.db" &
locker=$!
sleep 0.3
status=0
run_zs dblocked.log --now $T4 --force --zone minimal.example || status=$?
wait $locker
((status == 1)) || { cat dblocked.log; fail "locked database: exit $status"; }
grep -q "^zonesigner: error: minimal.example.: .*$STATE/keys.db.*locked" dblocked.log ||
  { cat dblocked.log; fail "locked database error does not name the database"; }
run_zs dbfree.log --now $T4 --zone minimal.example || { cat dbfree.log; fail "run after the database was freed"; }
[[ $(sqlite3 "$STATE/keys.db" 'PRAGMA integrity_check') == ok ]] || fail "database integrity"
echo "ok: a locked database is waited for, or fails the run naming it; the next run succeeds"

# --- a full and a read-only output file system ---------------------------------------
SMALL=$TEST_TMP/small
mkdir -p "$SMALL"
mount -t tmpfs -o size=256k tmpfs "$SMALL" ||
  fail "cannot mount a small tmpfs on $SMALL: this test needs root (CI runs as root)"
trap 'st=$?; umount -l "$SMALL" 2>/dev/null; (exit $st); _lib_cleanup' EXIT
sed "s|out/example.com.signed|$SMALL/example.com.signed|" "$CONFIG" >disk.yaml
DISK_OUT=$SMALL/example.com.signed
T5=20240101050000
"$ZONESIGNER" run --config disk.yaml --now $T5 2>disk1.log || { cat disk1.log; fail "first run into the tmpfs"; }
cp "$DISK_OUT" disk.before
dd if=/dev/zero of="$SMALL/filler" bs=4k 2>/dev/null || true
snapshot before_full
status=0
"$ZONESIGNER" run --config disk.yaml --now $T5 --force 2>full.log || status=$?
((status == 1)) || { cat full.log; fail "full disk: exit $status"; }
grep -q "^zonesigner: error: example.com.: .*$SMALL/example.com.signed.*No space left on device" full.log ||
  { cat full.log; fail "full disk error does not name the path and the cause"; }
cmp -s "$DISK_OUT" disk.before || fail "the previous output changed on a full disk"
[[ $(grep -c ': signed serial ' full.log) == 2 ]] || { cat full.log; fail "other zones not signed with one disk full"; }
ls "$SMALL" | grep -q '\.tmp\.' && fail "temporary file left on the full disk"
rm "$SMALL/filler"
mount -o remount,ro "$SMALL"
status=0
"$ZONESIGNER" run --config disk.yaml --now $T5 --force 2>readonly.log || status=$?
mount -o remount,rw "$SMALL"
((status == 1)) || { cat readonly.log; fail "read-only output: exit $status"; }
grep -q "^zonesigner: error: example.com.: .*$SMALL/example.com.signed.*Read-only file system" readonly.log ||
  { cat readonly.log; fail "read-only error does not name the path and the cause"; }
cmp -s "$DISK_OUT" disk.before || fail "the previous output changed on a read-only file system"
[[ $(grep -c ': signed serial ' readonly.log) == 2 ]] || { cat readonly.log; fail "others not signed (read-only)"; }
"$ZONESIGNER" run --config disk.yaml --now $T5 --force --zone example.com 2>diskok.log ||
  { cat diskok.log; fail "run after the disk recovered"; }
grep -q '^zonesigner: example.com.: signed serial' diskok.log || { cat diskok.log; fail "example.com not signed after recovery"; }
verify_with_peers "$DISK_OUT" example.com. $T5 || fail "output signed after the disk recovered rejected"
umount "$SMALL"
trap '_lib_cleanup' EXIT
echo "ok: a full or read-only output file system fails that zone naming the path; the others are signed"

# --- not signed for longer than the refresh time --------------------------------------
# Three weeks without a run: every signature has expired. The next run
# re-signs, and the new output validates then.
T6=20240122000000
run_zs late.log --now $T6 || { cat late.log; fail "late run failed"; }
[[ $(grep -c 'reasons: .*signatures due for refresh' late.log) == 3 ]] || { cat late.log; fail "late run did not refresh all"; }
verify_all $T6
check 0 $T6
echo "ok: after three weeks without a run, every zone is refreshed and validates"

# --- kill -9 at many points of a run -------------------------------------------------
# A zone big enough that a run takes a noticeable time; each kill is followed
# by checks: the previous output byte-identical, or a new one that is complete
# and verified; the database intact; the next run succeeds.
python3 "$SOURCE_DIR/bench/gen-zone" enterprise 6000 big.example. >big.zone
cat >big.yaml <<EOF
state_dir: bigstate
zones:
  - name: big.example
    input: big.zone
    output: out/big.signed
    threads: 2
EOF
BIG=$TEST_TMP/out/big.signed
T7=20240201000000
"$ZONESIGNER" run --config big.yaml --now $T7 2>big.log || { cat big.log; fail "first big run"; }
verify_with_peers "$BIG" big.example. $T7 || fail "first big output rejected"
cp "$BIG" big.checked  # the last output the verifiers accepted: each is checked once
check_after_kill() {
  local what=$1 now=$2 want=${3:-either}
  if cmp -s "$BIG" big.previous; then
    [[ $want != published ]] || fail "$what: the new output is not in place"
    kept=$((kept + 1))
  else
    # A new output is there: it must be complete and valid.
    [[ $want != kept ]] || fail "$what: the output changed before the new one was complete"
    published=$((published + 1))
    verify_with_peers "$BIG" big.example. "$now" || fail "$what: the new output does not validate"
    cp "$BIG" big.checked
  fi
  [[ $(sqlite3 bigstate/keys.db 'PRAGMA integrity_check') == ok ]] || fail "$what: database integrity"
  "$ZONESIGNER" run --config big.yaml --now "$now" 2>after.log || { cat after.log; fail "$what: the next run failed"; }
  ls out | grep -q '^big\.signed.*\.tmp\.' && fail "$what: temporary files left after the next run"
  ls bigstate/zones | grep -q '\.tmp\.' && fail "$what: temporary files left in the state directory"
  if ! cmp -s "$BIG" big.checked; then
    verify_with_peers "$BIG" big.example. "$now" || fail "$what: the output after the next run does not validate"
    cp "$BIG" big.checked
  fi
  return 0
}
minute=0 kept=0 published=0
next_minute() {
  minute=$((minute + 1))
  now=$(printf '20240201%02d%02d00' $((minute / 60)) $((minute % 60)))
}
# Named points (ZONESIGNER_TEST_STOP_AT): the run stops itself exactly
# there and is killed. Before the rename of the output the old one must be
# byte-identical; from the rename on, the new one must be in place.
for point in input-hashed:big.zone mid-read mid-signing output-written before-rename:big.signed \
  after-rename:big.signed before-rename:.sigs in-transaction recorded; do
  next_minute
  cp "$BIG" big.previous
  start_stopped "$point" "$ZONESIGNER" run --config big.yaml --now "$now" --force 2>/dev/null
  kill -9 "$STOPPED_PID"
  wait "$STOPPED_PID" 2>/dev/null || true
  case $point in
    after-rename:* | before-rename:.sigs | in-transaction | recorded) want=published ;;
    *) want=kept ;;
  esac
  check_after_kill "kill -9 at $point" "$now" "$want"
done
echo "ok: kill -9 at each named point of a run (input hashed, mid-read, mid-signing, output written," \
  "around the output's rename, before the cache's, inside the key transaction, before the run record)" \
  "left the old output byte-identical or the new one complete and valid, an intact database, a working next run"
# And at times, wherever the run happens to be.
for delay in 0.02 0.1 0.25 0.4 0.6 0.8 1.0; do
  next_minute
  cp "$BIG" big.previous
  "$ZONESIGNER" run --config big.yaml --now "$now" --force 2>/dev/null &
  pid=$!
  sleep "$delay"
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  check_after_kill "kill -9 after ${delay}s" "$now"
done
echo "ok: kill -9 at 7 times of a run left the old or a new valid output, an intact database, a working next run" \
  "(old output kept $kept times, new one published $published times in all)"

# The input vanishes mid-run. After it was hashed, before it is read: the
# zone fails naming the input, the old output stays. While it is being
# read (a zone of several 1 MiB read blocks, stopped with the input open and
# not yet read to its end): the open file is read to its end, and the whole
# zone is signed.
next_minute
cp "$BIG" big.previous
cp big.zone big.zone.saved
start_stopped input-hashed:big.zone "$ZONESIGNER" run --config big.yaml --now "$now" --force 2>vanish1.log
rm big.zone
kill -CONT "$STOPPED_PID"
status=0
wait "$STOPPED_PID" || status=$?
((status == 1)) || { cat vanish1.log; fail "input removed after hashing: exit $status"; }
grep -q "^zonesigner: error: big.example.: .*$TEST_TMP/big.zone" vanish1.log ||
  { cat vanish1.log; fail "input removed after hashing: the error does not name the input"; }
cmp -s "$BIG" big.previous || fail "input removed after hashing: the previous output changed"
cp big.zone.saved big.zone
python3 "$SOURCE_DIR/bench/gen-zone" enterprise 30000 large.example. >large.zone
sed 's/bigstate/largestate/; s/big\.example/large.example/; s/big\.zone/large.zone/; s|out/big\.signed|out/large.signed|' \
  big.yaml >large.yaml
LARGE=$TEST_TMP/out/large.signed
start_stopped mid-read "$ZONESIGNER" run --config large.yaml --now "$now" 2>vanish2.log
# Where the reader is in the input: its descriptor's offset, short of the end.
input_fd=$(find "/proc/$STOPPED_PID/fd" -lname "$TEST_TMP/large.zone" -printf '%f\n' | head -n 1)
[[ -n $input_fd ]] || { kill -9 "$STOPPED_PID"; fail "input removed while being read: the input is not open at mid-read"; }
read_so_far=$(awk '/^pos:/ { print $2 }' "/proc/$STOPPED_PID/fdinfo/$input_fd")
((read_so_far < $(stat -c %s large.zone))) ||
  { kill -9 "$STOPPED_PID"; fail "input removed while being read: already read to its end at mid-read"; }
rm large.zone
kill -CONT "$STOPPED_PID"
wait "$STOPPED_PID" || { cat vanish2.log; fail "input removed while being read: the run failed"; }
verify_with_peers "$LARGE" large.example. "$now" || fail "input removed while being read: output rejected"
[[ $(awk '$4 == "A" && $1 ~ /^host/' "$LARGE" | wc -l) == 30000 ]] ||
  fail "input removed while being read: names missing from the output"
echo "ok: an input removed after hashing fails its zone naming it (old output kept); one removed while read is signed whole"

# Crashes right after each of the key manager's committed transactions of
# a new zone (generate KSK, generate ZSK, states), through the test hook.
for n in 1 2 3; do
  rm -rf crashstate
  sed 's/bigstate/crashstate/' big.yaml | sed "s|out/big.signed|out/crash$n.signed|" >crash.yaml
  status=0
  (ZONESIGNER_TEST_CRASH_AT=$n exec "$ZONESIGNER" run --config crash.yaml --now $T7 2>crash.log) 2>/dev/null || status=$?
  ((status == 137)) || { cat crash.log; fail "ZONESIGNER_TEST_CRASH_AT=$n: expected SIGKILL (137), got $status"; }
  # The zone is published before the key states that describe it are
  # recorded (a record counts as published only once it is): a crash after
  # the key generations leaves no output, one after the state transaction a
  # complete, valid one.
  if ((n < 3)); then
    [[ ! -e out/crash$n.signed ]] || fail "crash $n: an output was published before its keys existed"
  else
    [[ -e out/crash$n.signed ]] || fail "crash $n: the state transaction was recorded before the zone was published"
    verify_with_peers "out/crash$n.signed" big.example. $T7 || fail "crash $n: output before the crash rejected"
  fi
  [[ $(sqlite3 crashstate/keys.db 'PRAGMA integrity_check') == ok ]] || fail "crash $n: database integrity"
  "$ZONESIGNER" run --config crash.yaml --now $T7 2>crash-next.log || { cat crash-next.log; fail "crash $n: next run"; }
  keys=$(sqlite3 crashstate/keys.db "SELECT COUNT(*) FROM keys WHERE zone = 'big.example.'")
  [[ $keys == 2 ]] || fail "crash $n: $keys keys after recovery, want 2 (KSK and ZSK)"
  verify_with_peers "out/crash$n.signed" big.example. $T7 || fail "crash $n: output after recovery rejected"
done
echo "ok: a crash after each key manager transaction is recovered by the next run"

# --- zone list|add|remove -------------------------------------------------------------
cp "$CONFIG" edit.yaml
"$ZONESIGNER" zone add wildcard.example --input zones/wildcard.example.zone --output out/wildcard.signed \
  --notify 'echo cannot reach %zone >&2; exit 3' --config edit.yaml 2>zone-add.log || { cat zone-add.log; fail "zone add"; }
grep -q '^# batch test configuration$' edit.yaml || fail "zone add lost the comment"
"$ZONESIGNER" zone list --config edit.yaml >zone-list.out
grep -qx 'wildcard.example.' zone-list.out || { cat zone-list.out; fail "zone list lacks the added zone"; }
grep -qx "  input:  $TEST_TMP/zones/wildcard.example.zone" zone-list.out || { cat zone-list.out; fail "relative input not made absolute"; }
expect_fail --status 1 "$ZONESIGNER" zone add wildcard.example --input x --output y --config edit.yaml
grep -q 'already configured' "$TEST_TMP/expect_fail.log" || fail "duplicate zone add message"
expect_fail --status 2 "$ZONESIGNER" zone add other.example --input x --output y --policy nonesuch --config edit.yaml
grep -q "unknown policy 'nonesuch'" "$TEST_TMP/expect_fail.log" || fail "unknown policy not refused"
"$ZONESIGNER" run --config edit.yaml --now $T6 --zone wildcard.example 2>wild.log || { cat wild.log; fail "run of the added zone"; }
# A failing notify command is a warning with its output; the zone counts as signed.
grep -q "^zonesigner: warning: wildcard.example.: notify command failed (exit status 3): .*: cannot reach wildcard.example$" wild.log ||
  { cat wild.log; fail "failed notify not reported as a warning with its output"; }
grep -q '^zonesigner: wildcard.example.: signed serial' wild.log || { cat wild.log; fail "added zone not signed"; }
verify_with_peers out/wildcard.signed wildcard.example. $T6 || fail "added zone's output rejected"
"$ZONESIGNER" zone remove minimal.example --config edit.yaml 2>zone-rm.log || { cat zone-rm.log; fail "zone remove"; }
"$ZONESIGNER" zone list --config edit.yaml >zone-list2.out
grep -q '^minimal.example.$' zone-list2.out && fail "zone remove left the zone"
[[ $(grep -c '^[a-z]' zone-list2.out) == 3 ]] || { cat zone-list2.out; fail "zone remove removed more than one zone"; }
grep -q '^# batch test configuration$' edit.yaml || fail "zone remove lost the comment"
expect_fail --status 2 "$ZONESIGNER" run --config edit.yaml --zone nonesuch.example
echo "ok: zone add/list/remove edit the configuration and keep its comments"

echo "batch_run: 16 passed, 0 failed"
