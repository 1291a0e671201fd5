#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one libFuzzer target for a bounded time on a copy of its seed corpus
# (the committed corpus never changes), keeps any crashing input in
# ARTIFACTS, and ends with one line of figures:
#   fuzz TARGET: execs N, cov C, ft F, corpus K inputs, seconds S
# Fails on any crash, leak, timeout or out-of-memory.
#
# usage: run-fuzzer.sh TARGET-EXE CORPUS-DIR ARTIFACTS-DIR
# env:   TANDEM_FUZZ_SECONDS (default 60), TANDEM_FUZZ_ARGS (extra flags)
set -u
exe=$1 corpus=$2 artifacts=$3
seconds=${TANDEM_FUZZ_SECONDS:-60}
name=$(basename "$exe")
work=$(mktemp -d "${TMPDIR:-/tmp}/tandem-$name-XXXXXX")
log="$work.log"
trap 'rm -rf "$work" "$log"' EXIT

mkdir -p "$artifacts"
cp -R "$corpus"/. "$work"/
"$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -error_exitcode=1 -artifact_prefix="$artifacts/" ${TANDEM_FUZZ_ARGS:-} \
  "$work" >"$log" 2>&1
rc=$?
tail -n 40 "$log"
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
inputs=$(ls "$work" | wc -l)
echo "fuzz ${name#fuzz-}: execs ${execs:-?}, cov ${cov:-?}, ft ${ft:-?}, corpus $inputs inputs, seconds $seconds"
exit $rc
