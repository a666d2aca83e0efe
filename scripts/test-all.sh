#!/bin/sh
# The whole test suite: make check in a -Werror build, make distcheck,
# make check again under AddressSanitizer+UBSan, and once more with every
# test program under valgrind memcheck.  Ends with "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
failed_steps=""

step() {
    name=$1
    shift
    echo "=== $name"
    if "$@"; then
        echo "=== $name: ok"
    else
        echo "=== $name: FAILED"
        failed_steps="$failed_steps $name"
    fi
}

build() {
    dir=$1
    shift
    mkdir -p "$dir" && cd "$dir" &&
        { [ -f Makefile ] || "$top/configure" -q --enable-werror "$@"; } &&
        make -s -j"$jobs"
}

check() {
    dir=$1
    shift
    (cd "$dir" && make -s -j"$jobs" check "$@") ||
        { cat "$dir/test-suite.log" 2>/dev/null | tail -200; return 1; }
}

[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null)

SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
VALGRIND="valgrind --quiet --error-exitcode=99 --leak-check=full"
VALGRIND="$VALGRIND --errors-for-leak-kinds=definite --track-fds=no"

step build build "$top/build"
step check check "$top/build"
step distcheck sh -c "cd '$top/build' && make -s distcheck >distcheck.log 2>&1 || { tail -100 distcheck.log; exit 1; }"
step asan-build build "$top/build-asan" CFLAGS="-g -O1 $SAN" LDFLAGS="$SAN"
step asan-check env ASAN_OPTIONS=detect_leaks=1:verify_asan_link_order=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    sh -c "cd '$top/build-asan' && make -s -j$jobs check || { tail -200 test-suite.log; exit 1; }"
step package env BUILD_DIR="$top/build" "$top/scripts/package-test.sh"
step fuzz env FUZZ_SECONDS="${FUZZ_SECONDS:-10}" FUZZ_OUT="$top/build/fuzz-out" \
    sh "$top/tests/fuzz/run.sh"
step valgrind-check check "$top/build" AWSMFA_TEST_WRAPPER="$VALGRIND"

passed=0
failed=0
for trs in $(find "$top/build" "$top/build-asan" -name '*.trs' \
    -not -path '*/pam_awsmfa-*' 2>/dev/null); do
    if grep -q '^:test-result: FAIL\|^:test-result: ERROR' "$trs"; then
        failed=$((failed + 1))
    elif grep -q '^:test-result: PASS' "$trs"; then
        passed=$((passed + 1))
    fi
done
[ -n "$failed_steps" ] && echo "failed steps:$failed_steps"
[ -n "$failed_steps" ] && [ "$failed" = 0 ] && failed=1
echo "$passed passed, $failed failed"
[ -z "$failed_steps" ]
