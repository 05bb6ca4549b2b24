# Every sample zone in zones/, signed with algorithms 8, 13, 14, 15 and 16,
# with NSEC, NSEC3 and NSEC3 opt-out, as KSK+ZSK and as CSK; every output must
# pass ldns-verify-zone, dnssec-verify, kzonecheck -d on and zonesigner verify.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
init_test "$@"

zones=(
  "example.com.zone example.com."
  "tld.zone test."
  "minimal.zone minimal.example."
  "wildcard.example.zone wildcard.example."
)
algorithms=(RSASHA256 ECDSAP256SHA256 ECDSAP384SHA384 ED25519 ED448)
denials=("nsec" "nsec3" "nsec3-optout")

checked=0
for entry in "${zones[@]}"; do
  read -r file origin <<<"$entry"
  for alg in "${algorithms[@]}"; do
    for denial in "${denials[@]}"; do
      args=(--denial nsec)
      [[ $denial == nsec3 ]] && args=(--denial nsec3)
      [[ $denial == nsec3-optout ]] && args=(--denial nsec3 --nsec3-optout)
      csk=()
      # Half of the runs with a CSK, so both key layouts meet every verifier.
      [[ $denial == nsec3 ]] && csk=(--csk)
      state="$TEST_TMP/state-$alg-${csk[*]:-split}"
      out="$TEST_TMP/$file.$alg.$denial.signed"
      "$ZONESIGNER" sign --zone "$origin" --input "$SOURCE_DIR/zones/$file" --output "$out" \
        --state-dir "$state" --algorithm "$alg" "${args[@]}" "${csk[@]}" --verify full --threads 2 \
        2>"$TEST_TMP/sign.log" || { cat "$TEST_TMP/sign.log" >&2; fail "sign $file $alg $denial"; }
      [[ -s "$out.ds" ]] || fail "no DS file for $file $alg $denial"
      verify_with_peers "$out" "$origin" || fail "peer verifiers rejected $file $alg $denial"
      "$ZONESIGNER" verify --zone "$origin" "$out" 2>"$TEST_TMP/verify.log" ||
        { cat "$TEST_TMP/verify.log" >&2; fail "zonesigner verify rejected $file $alg $denial"; }
      # The DS file names the KSK/CSK of the zone, with the right algorithm.
      grep -q "DS	[0-9]* $(
        case $alg in RSASHA256) echo 8 ;; ECDSAP256SHA256) echo 13 ;; ECDSAP384SHA384) echo 14 ;;
          ED25519) echo 15 ;; ED448) echo 16 ;; esac
      ) 2 " "$out.ds" || fail "DS file of $file $alg has the wrong algorithm: $(cat "$out.ds")"
      checked=$((checked + 1))
    done
  done
done
echo "signed and verified $checked zones"
(( checked == ${#zones[@]} * ${#algorithms[@]} * ${#denials[@]} )) || fail "not every combination ran"
