#!/bin/bash
# shellcheck source-path=SCRIPTDIR source=lib.sh
[ -n "${PV2HVM_LIB:-}" ] || source "$(dirname "$0")/lib.sh"  # the SDK prepends lib.sh and layout.sh;
# shellcheck source=layout.sh
[ -n "${PV2HVM_LAYOUT:-}" ] || source "$(dirname "$0")/layout.sh"  # run alone, the script sources them
set -euo pipefail
# convert-as-planned FINGERPRINT PLACEHOLDER NLOCATE LOCATE_ARG... JOB NARGS ARG... [JOB NARGS ARG...]...
# IN_PLACE's final round in one command, on the guest the trial round converted. Finds the device
# (running the PV2HVM_LOCATE script with the LOCATE_ARGs; without it the one LOCATE_ARG is the
# device), runs the first JOB (inspect) and compares the fingerprint it prints with FINGERPRINT, the
# trial's. Only if they are equal it runs the other JOBs in order: the same job scripts the separate
# commands run, each in a bash of its own with the library (PV2HVM_LIBRARY, PV2HVM_JOB_<name>), every
# argument equal to PLACEHOLDER replaced by the device. Prints DEVICE=..., then PLAN=applied or
# PLAN=stale (nothing written), and before each later job's output a line PV2HVM-JOB<TAB>name.
# Re-running is safe: the converted guest has another fingerprint, so a resend writes nothing.
[[ $# -ge 6 ]] || fail "usage: convert-as-planned FINGERPRINT PLACEHOLDER NLOCATE LOCATE_ARG... JOB NARGS ARG..."
want=$1 placeholder=$2 nlocate=$3; shift 3
need_word FINGERPRINT "$want" '^[0-9a-f]{64}$'
need_word PLACEHOLDER "$placeholder" '^/dev/[A-Za-z0-9_-]+$'
need_word NLOCATE "$nlocate" '^[1-9]$'
(( $# >= nlocate )) || fail "fewer than $nlocate LOCATE_ARGs"
locate=("${@:1:nlocate}"); shift "$nlocate"

# the job list is checked whole before anything runs
first=${1:-} rest=("$@")
while (( ${#rest[@]} > 0 )); do
  (( ${#rest[@]} >= 2 )) || fail "a JOB without NARGS"
  need_word JOB "${rest[0]}" '^[a-z-]+$'
  need_word NARGS "${rest[1]}" '^[0-9]{1,2}$'
  (( ${#rest[@]} >= 2 + rest[1] )) || fail "job ${rest[0]} has fewer than ${rest[1]} arguments"
  src=PV2HVM_JOB_${rest[0]//-/_}
  [[ -n ${!src:-} ]] || fail "job ${rest[0]} is not part of this command"
  rest=("${rest[@]:2 + rest[1]}")
done
[[ $first == inspect ]] || fail "the first JOB must be inspect, not '$first'"

if [[ -n ${PV2HVM_LOCATE:-} ]]; then
  dev=$(bash -c "$PV2HVM_LOCATE" pv2hvm-locate "${locate[@]}")
else
  dev=${locate[0]}
fi
need_block_device DEVICE "$dev"
echo "DEVICE=$dev"

# run_job NAME ARG...: the job's own script with the library, as its separate command runs it
run_job() {
  local name=$1 src=PV2HVM_JOB_${1//-/_} a args=(); shift
  for a in "$@"; do if [[ $a == "$placeholder" ]]; then args+=("$dev"); else args+=("$a"); fi; done
  bash -c "$PV2HVM_LIBRARY"$'\n'"${!src}" "pv2hvm-$name" "${args[@]}"
}

scratch_dir
n=$2; shift 2
run_job inspect "${@:1:n}" >"$PV2HVM_SCRATCH/inspect"
shift "$n"
got=$(sed -n $'s/^fingerprint\t//p' "$PV2HVM_SCRATCH/inspect")
if [[ $got != "$want" ]]; then
  echo "PLAN=stale"
  echo "FINGERPRINT=${got:-none}"
  exit 0
fi
echo "PLAN=applied"
while (( $# > 0 )); do
  name=$1 n=$2; shift 2
  printf 'PV2HVM-JOB\t%s\n' "$name"
  run_job "$name" "${@:1:n}"
  shift "$n"
done
