# `zonesigner policy check`: every file of tests/data/bad-policy fails with
# exit 1 and names the FILE:LINE:COLUMN and message its first line expects
# ("# expect: LINE:COLUMN: text"); every example policy passes with exit 0
# and no message; warnings alone still exit 0; usage errors exit 2; a
# configuration's policies are checked with --config.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

corpus=$SOURCE_DIR/tests/data/bad-policy
checked=0
for file in "$corpus"/*.yaml; do
  expect=$(head -n 1 "$file")
  [[ $expect == "# expect: "* ]] || fail "$file: first line is not '# expect: LINE:COLUMN: text'"
  expect=${expect#"# expect: "}
  place=${expect%%: *}  # LINE:COLUMN
  text=${expect#*: }
  status=0
  "$ZONESIGNER" policy check "$file" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || status=$?
  ((status == 1)) || { cat "$TEST_TMP/err" >&2; fail "$file: exit status $status, expected 1"; }
  grep -qF "zonesigner: error: $file:$place: " "$TEST_TMP/err" ||
    { cat "$TEST_TMP/err" >&2; fail "$file: no error at $file:$place:"; }
  grep -F "zonesigner: error: $file:$place: " "$TEST_TMP/err" | grep -qF -- "$text" ||
    { cat "$TEST_TMP/err" >&2; fail "$file: the error at $place does not say: $text"; }
  grep -qE "^$file: (not a valid policy: 1 error|policy [^:]+: [0-9]+ errors?)" "$TEST_TMP/out" ||
    { cat "$TEST_TMP/out" >&2; fail "$file: no summary line on stdout"; }
  checked=$((checked + 1))
done
((checked >= 15)) || fail "only $checked files in $corpus"
echo "ok: $checked bad policies refused at their line and column"

# Every example is clean: exit 0, nothing on stderr, "OK" on stdout.
examples=("$SOURCE_DIR"/policy/examples/*.yaml)
((${#examples[@]} >= 6)) || fail "expected at least 6 example policies"
"$ZONESIGNER" policy check "${examples[@]}" >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
  { cat "$TEST_TMP/err" >&2; fail "an example policy failed the check"; }
[[ ! -s "$TEST_TMP/err" ]] || { cat "$TEST_TMP/err" >&2; fail "example policies gave messages"; }
for example in "${examples[@]}"; do
  name=$(basename "$example" .yaml)
  grep -qxF "$example: policy $name: OK" "$TEST_TMP/out" || { cat "$TEST_TMP/out" >&2; fail "no OK for $example"; }
done
echo "ok: ${#examples[@]} example policies pass"

# Warnings alone: exit 0, the warning on stderr with its place.
cat >"$TEST_TMP/iterations.yaml" <<'EOF'
name: iterations
denial:
  type: nsec3
  iterations: 10
EOF
"$ZONESIGNER" policy check "$TEST_TMP/iterations.yaml" >"$TEST_TMP/out" 2>"$TEST_TMP/err" ||
  { cat "$TEST_TMP/err" >&2; fail "a policy with only a warning failed"; }
grep -qF "zonesigner: warning: $TEST_TMP/iterations.yaml:4:15: NSEC3 iterations 10" "$TEST_TMP/err" ||
  { cat "$TEST_TMP/err" >&2; fail "no warning for 10 NSEC3 iterations"; }
grep -qxF "$TEST_TMP/iterations.yaml: policy iterations: OK, 1 warning" "$TEST_TMP/out" ||
  { cat "$TEST_TMP/out" >&2; fail "wrong summary for a warning"; }
echo "ok: warnings alone exit 0"

# Several files: one bad file makes the run fail, every file is reported.
status=0
"$ZONESIGNER" policy check "$SOURCE_DIR/policy/examples/standard.yaml" "$corpus/empty-keys.yaml" \
  >"$TEST_TMP/out" 2>/dev/null || status=$?
((status == 1)) || fail "a good and a bad file: exit status $status, expected 1"
[[ $(wc -l <"$TEST_TMP/out") -eq 2 ]] || { cat "$TEST_TMP/out" >&2; fail "expected one summary line per file"; }
echo "ok: one bad file among several fails the run"

# A missing file is a failure (1), not a usage error.
expect_fail --status 1 "$ZONESIGNER" policy check "$TEST_TMP/missing.yaml"

# Usage errors: exit 2.
expect_fail --status 2 "$ZONESIGNER" policy
expect_fail --status 2 "$ZONESIGNER" policy check
expect_fail --status 2 "$ZONESIGNER" policy frobnicate "$SOURCE_DIR/policy/examples/standard.yaml"
expect_fail --status 2 "$ZONESIGNER" policy check --no-such-option "$SOURCE_DIR/policy/examples/standard.yaml"
"$ZONESIGNER" policy check --help | grep -q "policy check FILE" || fail "no help for policy check"
echo "ok: usage errors exit 2"

# The policies of a configuration, inline and from files.
mkdir -p "$TEST_TMP/etc/policies"
cp "$SOURCE_DIR/policy/examples/csk.yaml" "$TEST_TMP/etc/policies/"
cat >"$TEST_TMP/etc/zonesigner.yaml" <<'EOF'
signers:
  - {name: files, type: openssl}
policies:
  - name: short-refresh
    signatures: {validity: 7d, refresh: 7d}
policy_files:
  - policies/csk.yaml
EOF
status=0
"$ZONESIGNER" policy check --config "$TEST_TMP/etc/zonesigner.yaml" >"$TEST_TMP/out" 2>"$TEST_TMP/err" || status=$?
((status == 1)) || { cat "$TEST_TMP/err" >&2; fail "config with a bad policy: exit status $status, expected 1"; }
grep -qF "zonesigner: error: $TEST_TMP/etc/zonesigner.yaml:5:41: refresh (7d) must be less than the validity" \
  "$TEST_TMP/err" || { cat "$TEST_TMP/err" >&2; fail "no error at the inline policy's refresh"; }
grep -qxF "$TEST_TMP/etc/zonesigner.yaml: policy csk: OK" "$TEST_TMP/out" ||
  { cat "$TEST_TMP/out" >&2; fail "the policy file of the configuration was not checked"; }
echo "ok: --config checks inline policies and policy files"

echo "policy_check: all passed"
