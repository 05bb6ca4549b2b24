# shellcheck shell=bash
# Helpers for the integration tests. A test script starts with
#
#   set -euo pipefail
#   source "$(dirname "$0")/lib.sh"
#   init_test "$@"          # ctest passes: ZONESIGNER_BINARY SOURCE_DIR
#
# and then has ZONESIGNER, SOURCE_DIR and a fresh TEST_TMP (removed on exit;
# kept when KEEP_TMP=1). Times given to the helpers are UTC, YYYYMMDDhhmmss,
# the format of RRSIG inception/expiration.
#
# Run directly (bash lib.sh [ZONESIGNER SOURCE_DIR]), this file tests its own
# verifier helpers against zones signed by ldns-signzone: they must accept a
# good zone, and each verifier must reject a tampered or expired one.

# fail MSG: print MSG and end the test with status 1.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# make_temp_dir: sets TEST_TMP to a new directory removed when the shell exits.
make_temp_dir() {
  TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/zs-test.XXXXXX")
  trap '_lib_cleanup' EXIT
}

_lib_cleanup() {
  local status=$?
  if [[ "${KEEP_TMP:-0}" == 1 || $status -ne 0 ]] && [[ -n "${TEST_TMP:-}" ]]; then
    echo "test files kept in $TEST_TMP" >&2
  else
    rm -rf "${TEST_TMP:?}"
  fi
  return $status
}

# init_test ZONESIGNER_BINARY SOURCE_DIR: checks the arguments ctest passes,
# sets ZONESIGNER and SOURCE_DIR, and makes TEST_TMP.
init_test() {
  (($# >= 2)) || fail "usage: bash $0 ZONESIGNER_BINARY SOURCE_DIR"
  ZONESIGNER=$1
  SOURCE_DIR=$2
  [[ -x "$ZONESIGNER" ]] || fail "zonesigner binary not executable: $ZONESIGNER"
  [[ -d "$SOURCE_DIR/zones" ]] || fail "not the source directory: $SOURCE_DIR"
  make_temp_dir
}

# start_stopped POINT CMD [ARGS...]: starts CMD in the background with
# ZONESIGNER_TEST_STOP_AT=POINT (common/test_stop_point.hpp) and waits until
# it has stopped itself there; sets STOPPED_PID. Fails the test when CMD ends
# without reaching the point (or takes more than 120 s to).
start_stopped() {
  local point=$1
  shift
  ZONESIGNER_TEST_STOP_AT=$point "$@" &
  STOPPED_PID=$!
  local waited=0 state
  while :; do
    state=$(awk '{ print $3 }' "/proc/$STOPPED_PID/stat" 2>/dev/null || true)
    [[ $state == T ]] && return 0
    if [[ -z $state || $state == Z ]]; then
      wait "$STOPPED_PID" 2>/dev/null || true
      fail "the run ended without reaching the stop point $point"
    fi
    ((waited++ < 1200)) || { kill -9 "$STOPPED_PID"; fail "stop point $point not reached in 120 s"; }
    sleep 0.1
  done
}

# expect_fail [--status N] CMD [ARGS...]: CMD must exit non-zero (exactly N if
# given). A crash or a missing command (status >= 126) is never an expected
# failure. CMD's output goes to $TEST_TMP/expect_fail.log (or stderr if no
# TEST_TMP) and is shown when the expectation is not met.
expect_fail() {
  local want=""
  if [[ "${1:-}" == --status ]]; then
    want=$2
    shift 2
  fi
  local log=${TEST_TMP:+$TEST_TMP/expect_fail.log}
  log=${log:-/dev/stderr}
  local status=0
  "$@" >"$log" 2>&1 || status=$?
  if ((status == 0)); then
    [[ -f "$log" ]] && cat "$log" >&2
    fail "expected failure, but succeeded: $*"
  fi
  if ((status >= 126)); then
    [[ -f "$log" ]] && cat "$log" >&2
    fail "crashed or not runnable (status $status): $*"
  fi
  if [[ -n "$want" && "$status" != "$want" ]]; then
    [[ -f "$log" ]] && cat "$log" >&2
    fail "expected status $want, got $status: $*"
  fi
  return 0
}

# Runs "$@" capturing its output; on failure prints the output under a header
# naming the verifier and returns the command's status.
_lib_run_verifier() {
  local name=$1
  shift
  local output status=0
  output=$("$@" 2>&1) || status=$?
  if ((status != 0)); then
    {
      echo "---- $name failed (status $status): $*"
      echo "$output" | tail -n 40
      echo "----"
    } >&2
  fi
  return $status
}

# verify_with_ldns FILE ORIGIN [TIME]: ldns-verify-zone (origin from the SOA).
verify_with_ldns() {
  local file=$1 time=${3:-}
  local args=()
  [[ -n "$time" ]] && args+=(-t "$time")
  TZ=UTC _lib_run_verifier ldns-verify-zone ldns-verify-zone "${args[@]}" "$file"
}

# verify_with_bind FILE ORIGIN [TIME]: BIND's dnssec-verify. It has no clock
# option, so a given TIME is faked with libfaketime (clock starting at TIME and
# running, as a frozen clock hangs BIND's event loop). BIND is linked with
# jemalloc, whose start-up calls clock_gettime() inside libfaketime's own
# start-up; glibc's malloc (libc_malloc_debug, a plain pass-through unless
# asked to debug) is put in front of jemalloc to break that loop.
# -z: a CSK (one key with the SEP flag signing everything) is as valid as a
# KSK/ZSK pair.
verify_with_bind() {
  local file=$1 origin=$2 time=${3:-}
  local clock=()
  if [[ -n "$time" ]]; then
    local faketime_lib malloc_lib
    faketime_lib=$(_lib_find_library 'faketime/libfaketime.so.1') ||
      fail "libfaketime not installed (scripts/install-deps)"
    malloc_lib=$(_lib_find_library 'libc_malloc_debug.so.0') ||
      fail "glibc's libc_malloc_debug.so.0 not found"
    clock=(env "LD_PRELOAD=$malloc_lib $faketime_lib"
      "FAKETIME=@${time:0:4}-${time:4:2}-${time:6:2} ${time:8:2}:${time:10:2}:${time:12:2}")
  fi
  TZ=UTC _lib_run_verifier dnssec-verify "${clock[@]}" dnssec-verify -z -o "$origin" "$file"
}

# _lib_find_library SUFFIX: path of a shared library under /usr/lib/<triplet>.
_lib_find_library() {
  local candidate
  for candidate in /usr/lib/*/"$1" /lib/*/"$1"; do
    if [[ -e "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# verify_with_knot FILE ORIGIN [TIME]: Knot's kzonecheck with DNSSEC checks.
verify_with_knot() {
  local file=$1 origin=$2 time=${3:-}
  local args=()
  [[ -n "$time" ]] && args+=(-t "$time")
  TZ=UTC _lib_run_verifier kzonecheck kzonecheck -o "$origin" -d on "${args[@]}" "$file"
}

# verify_with_peers FILE ORIGIN [TIME]: all three independent verifiers; runs
# each even after one fails so that the output shows every complaint.
verify_with_peers() {
  (($# >= 2)) || fail "usage: verify_with_peers SIGNED_FILE ORIGIN [TIME]"
  [[ -f "$1" ]] || fail "no such signed zone: $1"
  local failed=0
  verify_with_ldns "$@" || failed=1
  verify_with_bind "$@" || failed=1
  verify_with_knot "$@" || failed=1
  return $failed
}

# make_softhsm_token LABEL: a SoftHSMv2 token of the test's own in
# $TEST_TMP/tokens (own softhsm2.conf, exported as SOFTHSM2_CONF), user PIN
# 5678 in $TEST_TMP/user.pin (mode 0600). Sets SOFTHSM_MODULE.
make_softhsm_token() {
  SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
  [[ -f $SOFTHSM_MODULE ]] || fail "SoftHSMv2 module not found: $SOFTHSM_MODULE (scripts/install-deps)"
  mkdir -p "$TEST_TMP/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$TEST_TMP/tokens" \
    >"$TEST_TMP/softhsm2.conf"
  export SOFTHSM2_CONF=$TEST_TMP/softhsm2.conf
  softhsm2-util --init-token --free --label "$1" --so-pin 1234 --pin 5678 >/dev/null
  (umask 077 && printf '5678\n' >"$TEST_TMP/user.pin")
}

# count_rrsigs FILE: number of RRSIG records in a zone file. Finds each
# record's type field (after the owner, unless the line starts with blanks,
# then past TTL and class), so that "RRSIG" in an NSEC bitmap or inside the
# parentheses of a multi-line record is not counted.
count_rrsigs() {
  awk '
    /^[ \t]*(;|$)/ || /^\$/ { next }
    {
      if (depth > 0) {                      # inside ( ... ) of a previous line
        depth += gsub(/\(/, "(") - gsub(/\)/, ")")
        next
      }
      i = ($0 ~ /^[ \t]/) ? 1 : 2
      while (i <= NF && ($i ~ /^[0-9]+[0-9smhdwSMHDW]*$/ || $i ~ /^(IN|CH|HS|CLASS[0-9]+)$/)) i++
      if ($i == "RRSIG") n++
      depth += gsub(/\(/, "(") - gsub(/\)/, ")")
    }
    END { print n + 0 }' "$1"
}

# ---------------------------------------------------------------------------
# Self-test: run as a script, prove that the helpers above tell good zones
# from bad ones.

# _lib_tamper_signature IN OUT OWNER_PREFIX: copies IN to OUT with one base64
# character changed in the middle of the first RRSIG whose owner starts with
# OWNER_PREFIX and that does not cover DNSKEY.
_lib_tamper_signature() {
  awk -v prefix="$3" '
    !done && $4 == "RRSIG" && $5 != "DNSKEY" && index(tolower($1), prefix) == 1 {
      sig = $NF
      pos = int(length(sig) / 2)
      c = substr(sig, pos, 1)
      $NF = substr(sig, 1, pos - 1) (c == "A" ? "B" : "A") substr(sig, pos + 1)
      done = 1
    }
    { print }
    END { if (!done) exit 3 }' "$1" >"$2"
}

_lib_selftest() {
  set -euo pipefail
  make_temp_dir
  local origin=selftest.example.
  cd "$TEST_TMP"
  cat >zone <<EOF
\$ORIGIN $origin
\$TTL 3600
@    IN SOA ns1 hostmaster 1 7200 3600 1209600 300
@    IN NS  ns1
ns1  IN A   192.0.2.1
www  IN A   192.0.2.2
www  IN TXT "hello; world"
sub  IN NS  ns.sub
ns.sub IN A 192.0.2.3
a.b.c IN AAAA 2001:db8::1
EOF
  local ksk zsk csk
  ksk=$(ldns-keygen -a ECDSAP256SHA256 -k "$origin")
  zsk=$(ldns-keygen -a ECDSAP256SHA256 "$origin")
  csk=$(ldns-keygen -a ECDSAP256SHA256 -k "$origin")

  # ldns-signzone: -f output; NSEC with KSK+ZSK, NSEC3 with opt-out and a CSK.
  ldns-signzone -f nsec.signed zone "$zsk" "$ksk"
  ldns-signzone -n -p -t 0 -f nsec3.signed zone "$csk"

  local signed
  for signed in nsec.signed nsec3.signed; do
    verify_with_peers "$signed" "$origin" || fail "good zone $signed rejected"
    # Default validity of ldns-signzone is four weeks: fine in a week ...
    verify_with_peers "$signed" "$origin" "$(date -u -d '+7 days' +%Y%m%d%H%M%S)" ||
      fail "good zone $signed rejected a week from now"
    # ... expired in 60 days, and not yet valid a day ago (inception = now).
    local when
    for when in "+60 days" "-1 day"; do
      local time
      time=$(date -u -d "$when" +%Y%m%d%H%M%S)
      expect_fail verify_with_ldns "$signed" "$origin" "$time"
      expect_fail verify_with_bind "$signed" "$origin" "$time"
      expect_fail verify_with_knot "$signed" "$origin" "$time"
    done
    echo "ok: $signed accepted now and in a week, rejected expired and not yet valid"

    # One flipped byte in one signature must make each verifier fail.
    local prefix
    for prefix in www. "$origin"; do
      _lib_tamper_signature "$signed" tampered "$prefix" || fail "no RRSIG at $prefix in $signed"
      cmp -s "$signed" tampered && fail "tampering changed nothing"
      expect_fail verify_with_ldns tampered "$origin"
      expect_fail verify_with_bind tampered "$origin"
      expect_fail verify_with_knot tampered "$origin"
      expect_fail verify_with_peers tampered "$origin"
      echo "ok: $signed with one bad signature at $prefix rejected by all three"
    done
  done

  [[ $(count_rrsigs nsec.signed) -gt 0 ]] || fail "count_rrsigs found none"
  expect_fail --status 1 false
  if (expect_fail true) 2>/dev/null; then fail "expect_fail accepted success"; fi
  echo "lib.sh self-test: 1 passed, 0 failed"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  _lib_selftest
fi
