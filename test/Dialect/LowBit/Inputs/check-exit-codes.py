"""Runs a tool on each input file and fails unless every run exits with 1.

Usage: check-exit-codes.py <tool> <input>...

`not` accepts any nonzero exit; this checks for exactly 1, the exit code of
a clean error, so that a crash (a signal or an abort) or any other exit code
is reported with the file that caused it.
"""

import subprocess
import sys


def main():
    tool, inputs = sys.argv[1], sys.argv[2:]
    if not inputs:
        print("no input files given")
        return 2
    failed = 0
    for path in inputs:
        proc = subprocess.run([tool, path], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
        if proc.returncode != 1:
            failed += 1
            print("%s: exit code %d, expected 1" % (path, proc.returncode))
            sys.stdout.write(proc.stderr.decode("utf-8", "replace"))
    print("checked %d files, %d failed" % (len(inputs), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
