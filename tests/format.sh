#!/usr/bin/env bash
# The C sources are formatted by the checked-in .clang-format: one case per
# file, "ok - format: FILE" or "not ok - format: FILE" (with the first
# lines clang-format would change).  Fix with: clang-format -i FILE
set -u
cd "$(dirname "$0")/.."
cf=$(command -v clang-format || command -v clang-format-14) || {
    echo "not ok - format: clang-format is not installed (apt-get install clang-format)"
    exit 1
}
fail=0
for f in include/*.h engine/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch] bench/*.[ch]; do
    [ -f "$f" ] || continue
    if diff=$("$cf" --style=file "$f" | diff -u "$f" - 2>&1); then
        echo "ok - format: $f"
    else
        echo "not ok - format: $f"
        echo "$diff" | sed -n '3,12p' | sed 's/^/    /'
        fail=1
    fi
done
exit $fail
