#!/bin/sh
# Builds each libFuzzer target with clang (ASan and UBSan, every report
# fatal) against the module's library sources, then runs each for
# FUZZ_SECONDS (default 20) from its seed corpus in corpus/<target>/.
# Fails when any target crashes, leaks, trips a sanitizer or breaks one
# of its checks.  Not part of `make check`.
#
#   tests/fuzz/run.sh [TARGET...]        default: every fuzz_*.c here
#
# Environment: FUZZ_SECONDS, FUZZ_CC (default clang), FUZZ_OUT (build and
# work folder, default ./fuzz-out: new corpus entries go to
# FUZZ_OUT/corpus/<target>, crash inputs to FUZZ_OUT/artifacts/, so a
# failure can be replayed with FUZZ_OUT/bin/fuzz_<target> FILE).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
seconds=${FUZZ_SECONDS:-20}
cc=${FUZZ_CC:-clang}
out=${FUZZ_OUT:-$PWD/fuzz-out}
deps="libcurl libcrypto json-c expat"

case $seconds in
'' | *[!0-9]*) echo "FUZZ_SECONDS must be a whole number" >&2; exit 2 ;;
esac
command -v "$cc" >/dev/null || { echo "$cc not found" >&2; exit 2; }

# clang with what every object and binary shares, then the arguments.
compile() {
	"$cc" -std=c11 -g -O1 -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-D_GNU_SOURCE '-DPACKAGE_NAME="pam_awsmfa"' \
		'-DPACKAGE_VERSION="fuzz"' '-DSCONFDIR="/etc/security"' \
		-I"$top/pam_awsmfa" -I"$here" "$@"
}

# The library's C sources as the build lists them: every .c word of a
# libawsmfa_la_SOURCES assignment in Makefile.am and its fragments.
library_sources() {
	fragments=$(sed -n 's/^include //p' "$top/Makefile.am")
	# One word per fragment path: automake paths hold no blanks.
	# shellcheck disable=SC2086
	(cd "$top" && cat Makefile.am $fragments) | awk '
		/^libawsmfa_la_SOURCES/ { on = 1 }
		on {
			for (i = 1; i <= NF; i++)
				if ($i ~ /\.c$/) print $i
			if ($0 !~ /\\$/) on = 0
		}'
}

# The library once, instrumented for coverage but without libFuzzer's
# main, then one binary per target.
build() {
	mkdir -p "$out/obj" "$out/bin"
	objects=
	for src in $(library_sources); do
		obj=$out/obj/$(basename "$src" .c).o
		# pkg-config's answer is a list of flags: split it.
		# shellcheck disable=SC2046,SC2086
		compile $(pkg-config --cflags $deps) -fsanitize=fuzzer-no-link \
			-c "$top/$src" -o "$obj"
		objects="$objects $obj"
	done
	for target in $targets; do
		# shellcheck disable=SC2046,SC2086
		compile -fsanitize=fuzzer "$here/fuzz_$target.c" $objects \
			$(pkg-config --libs $deps) -lpam -o "$out/bin/fuzz_$target"
	done
}

# One target for the time given; its seeds are read, never written.
run() {
	target=$1
	seeds=$here/corpus/$target
	[ -d "$seeds" ] || { echo "no seed corpus $seeds" >&2; return 1; }
	mkdir -p "$out/corpus/$target" "$out/artifacts"
	set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$target-"
	case $target in
	xml | query_error | iam_page | sts_credentials)
		set -- "$@" -dict="$here/aws_xml.dict" ;;
	esac
	echo "== fuzz_$target for ${seconds}s"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
		"$out/bin/fuzz_$target" "$@" "$out/corpus/$target" "$seeds" \
		>"$out/$target.log" 2>&1
}

if [ $# -gt 0 ]; then
	targets=$*
else
	targets=
	for src in "$here"/fuzz_*.c; do
		name=${src##*/fuzz_}
		targets="${targets:+$targets }${name%.c}"
	done
fi
build
failed=
for target in $targets; do
	if run "$target"; then
		grep -E '^stat::number_of_executed_units' "$out/$target.log" || :
	else
		echo "FAIL fuzz_$target: see $out/$target.log" >&2
		grep -E 'ERROR|broken promise|runtime error|SUMMARY' \
			"$out/$target.log" | head -n 5 >&2 || :
		failed="$failed $target"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzzing failed:$failed" >&2
	exit 1
fi
echo "fuzzing passed: $targets"
