#!/usr/bin/env bash
# Generate -> lint -> plan -> prove -> guard -> apply, for every root that changed.
# Usage: examples/pipelines/pipeline.sh [--apply] [REGISTRY]
set -euo pipefail
apply=false
if [[ "${1:-}" == "--apply" ]]; then apply=true; shift; fi
registry=${1:-tenants.yaml}
out=generated
reports=${REPORTS:-reports}
mkdir -p "$reports"

xacct generate --registry "$registry" --out "$out" --check
xacct lint --registry "$registry" --generated "$out" --format sarif --output "$reports/xacct.sarif"

for root in "$out"/*/*/; do
  root=${root%/}
  scenario=$(basename "$root")
  tenant=$(basename "$(dirname "$root")")
  [[ "$scenario" == "onboarding" ]] && continue
  [[ "$scenario" == "partner_to_customer" && "${INCLUDE_CUSTOMER_ROOTS:-false}" != true ]] && continue
  echo "== $tenant/$scenario"
  terraform -chdir="$root" init -input=false
  terraform -chdir="$root" plan -input=false -out=tfplan
  terraform -chdir="$root" show -json tfplan > "$reports/$tenant-$scenario.plan.json"
  pytest --xacct-registry "$registry" --xacct-plan-json "$reports/$tenant-$scenario.plan.json" \
    --xacct-tenant "$tenant" --xacct-scenario "$scenario" -m "not live" -p no:cacheprovider \
    --junitxml="$reports/xacct-$tenant-$scenario.xml"
  xacct plan-guard --registry "$registry" "$reports/$tenant-$scenario.plan.json"
  if $apply; then
    terraform -chdir="$root" apply -input=false tfplan
  fi
done
