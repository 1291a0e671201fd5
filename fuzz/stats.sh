#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Prints the figures of the last `meson test --suite fuzz` run in BUILD-DIR:
# one line per target with executions and coverage (libFuzzer's final
# stat::number_of_executed_units and cov: counters).
#
# usage: fuzz/stats.sh [BUILD-DIR]   (default build-fuzz)
build=${1:-build-fuzz}
grep -h '^fuzz [a-z-]*: execs' "$build/meson-logs/testlog.txt"
