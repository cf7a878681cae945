#!/usr/bin/env bash
# `make test`'s two pytest runs, inside the one LocalStack that `python -m generator.localstack run` started:
#   1. the built-in suite on the registry, in one process: its plans are the evidence report's (--xacct-report);
#   2. everything under tests/ on two xdist workers (a role's live tests stay on one worker: --dist loadgroup).
# Usage: tests/make_test.sh PYTHON REGISTRY REPORTS [PYTEST_ARGS...]
# Exit: the worse of the two; 5 ("no tests selected", e.g. a -k that matches only one run) counts as passed
# unless both runs selected nothing.
set -u
py=$1 registry=$2 reports=$3
shift 3
"$py" -m pytest -q -rs --xacct-registry "$registry" --xacct-report "$reports" \
  generator/harness/suite.py generator/harness/suite_live.py "$@"
suite=$?
"$py" -m pytest -q -rs --durations=15 -n "${XACCT_TEST_WORKERS:-2}" --dist loadgroup \
  --xacct-registry "$registry" --xacct-no-suite tests "$@"
rest=$?
if [[ $suite == 5 && $rest == 5 ]]; then exit 5; fi
[[ $suite == 5 ]] && suite=0
[[ $rest == 5 ]] && rest=0
echo "make test: suite exit $suite, tests/ exit $rest"
exit $(( suite > rest ? suite : rest ))
