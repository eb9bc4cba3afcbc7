#!/usr/bin/env bash
# Runs every fuzz target of the Go code for FUZZTIME (3 s) each: `make
# fuzz-short`, part of `make test`. `go test -fuzz` takes one target per
# invocation; FUZZ_JOBS (4) targets run at a time, each with one fuzzing
# worker. A failing input is written by Go under the package's
# testdata/fuzz/<FuzzName>/: commit it with the fix, it then runs in every
# `go test`. FUZZ_SKIP lists targets left out (their seeds still run in
# `go test`).
set -euo pipefail
cd "$(dirname "$0")/.."
export GO=${GO:-go} FUZZTIME=${FUZZTIME:-3s}
FUZZ_SKIP=${FUZZ_SKIP:-}
FUZZ_JOBS=${FUZZ_JOBS:-4}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
export logs
targets=()
for file in $(grep -rl --include='*_test.go' '^func Fuzz' api | sort); do
	for name in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		if [[ " $FUZZ_SKIP " == *" $name "* ]]; then
			echo "fuzz: ./$(dirname "$file") $name skipped"
			continue
		fi
		targets+=("./$(dirname "$file") $name")
	done
done
one() {
	local dir=$1 name=$2 t=$SECONDS log
	log="$logs/$(echo "$dir.$name" | tr / _)"
	if $GO test -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -parallel 1 "$dir" >"$log" 2>&1; then
		echo "fuzz: $dir $name ok ($((SECONDS - t)) s)"
	elif grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; then
		# The Go fuzzer reports its own deadline as a failure when -fuzztime
		# ends while it minimizes a new interesting input; no input failed
		# (Go writes every failing one and says so).
		echo "fuzz: $dir $name ok ($((SECONDS - t)) s; the time ran out while Go minimized a new input)"
	else
		cat "$log"
		echo "fuzz: $dir $name FAILED (a failing input is saved under $dir/testdata/fuzz/$name/)"
		return 1
	fi
}
export -f one
start=$SECONDS
if ! printf '%s\n' "${targets[@]}" | xargs -P "$FUZZ_JOBS" -L 1 bash -c 'one "$0" "$1"'; then
	echo "fuzz: FAILED"
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, $((SECONDS - start)) s"
