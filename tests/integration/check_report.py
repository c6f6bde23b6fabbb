"""The report of the script tests under tests/integration: one line per check ("ok" or "FAIL" with the
detail indented below), collected failures and the exit code ctest reads (77 = skipped)."""

SKIP = 77

failures = []


def check(ok, what, detail=""):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)
        if detail:
            print("      " + detail.strip().replace("\n", "\n      "))
    return ok


def exit_code():
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0
