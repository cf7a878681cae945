#!/usr/bin/env bash
# The xacct pipeline, for the repository that holds tenants.yaml and generated/ (see README.md here):
#   generate --check -> lint -> the partner's changed roots -> per root: plan -> prove -> guard -> [apply]
#
# Usage: pipeline.sh [--apply] [--since REV] [REGISTRY]   every partner root changed since REV (all without)
#        pipeline.sh [--apply] --root DIR [REGISTRY]      one root (a CI matrix job; checks not repeated)
#        pipeline.sh --audit [REGISTRY]                   the scheduled audit only (IAM-008)
#
# Environment:
#   XACCT_PLAN_MODE   auto (default): remote for a root with a cloud block (cloud.tf), else local;
#                     local: terraform plans here, `terraform show -json` gives the JSON plan;
#                     remote: the root's cloud block plans in HCP Terraform (CLI-driven), the JSON plan
#                     comes from the run through the API (xacct fetch-plan-json; TF_TOKEN_<host>);
#                     vcs: HCP Terraform planned the run itself (VCS-driven); XACCT_RUN_ID names it, this
#                     script judges it and never applies (HCP Terraform does, once the checks pass)
#   XACCT_GENERATED   the generated tree (default: generated)
#   REPORTS           where plans, JUnit XML and SARIF go (default: reports)
#   TF_CLI_CONFIG_FILE, AWS_*, TF_TOKEN_*   terraform's and the AWS provider's own (e.g. a provider
#                     mirror, AWS_ENDPOINT_URL for LocalStack), passed through untouched
set -euo pipefail

apply=false since=${XACCT_SINCE:-} audit=false roots=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --apply) apply=true; shift ;;
    --since) since=${2:?--since needs a git revision}; shift 2 ;;
    --root) roots+=("${2:?--root needs a folder}"); shift 2 ;;
    --audit) audit=true; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "pipeline.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
done
registry=${1:-tenants.yaml}
out=${XACCT_GENERATED:-generated}
reports=${REPORTS:-reports}
plan_mode=${XACCT_PLAN_MODE:-auto}
case $plan_mode in
  auto | local | remote | vcs) ;;
  *) echo "pipeline.sh: XACCT_PLAN_MODE=$plan_mode: use auto, local, remote or vcs" >&2; exit 2 ;;
esac
mkdir -p "$reports"
reports=$(cd "$reports" && pwd)  # terraform -chdir would read a relative path from the root

if $audit; then
  xacct audit --registry "$registry" --account partner --format json > "$reports/audit.json"
  exit 0
fi

if [[ ${#roots[@]} -eq 0 ]]; then
  echo "== generate --check, lint"
  xacct generate --registry "$registry" --out "$out" --check
  xacct lint --registry "$registry" --generated "$out" --format sarif --output "$reports/xacct.sarif"
  listed=$(xacct changed-roots --generated "$out" ${since:+--since "$since"})  # set -e: a failure stops here
  [[ -z $listed ]] || mapfile -t roots <<< "$listed"
  echo "== partner roots to plan${since:+ (changed since $since)}: ${#roots[@]}"
fi

for root in "${roots[@]}"; do
  root=${root%/}
  scenario=$(basename "$root")
  if [[ $scenario != customer_to_partner ]]; then  # Scenario A roots are the customer's to apply
    echo "pipeline.sh: --root $root: not a partner root (customer_to_partner): the customer applies $scenario roots" >&2
    exit 2
  fi
  tenant=$(basename "$(dirname "$root")")
  name="$tenant-$scenario"
  plan_json="$reports/$name.plan.json"
  allow=()
  if grep -qx '# xacct: offboarding' "$root/main.tf"; then
    allow=(--allow-destroy "$tenant")  # its plan destroys the role: that is the point
  fi
  mode=$plan_mode
  if [[ $mode == auto ]]; then
    mode=local
    [[ -f $root/cloud.tf ]] && mode=remote
  fi
  echo "== $tenant/$scenario ($mode plan${allow:+, offboarding})"
  case $mode in
    local | remote)
      terraform -chdir="$root" init -input=false
      terraform -chdir="$root" plan -input=false -out="$reports/$name.tfplan"
      if [[ $mode == local ]]; then
        terraform -chdir="$root" show -json "$reports/$name.tfplan" > "$plan_json"
      else  # a saved remote plan names its run: the JSON plan comes from the API
        xacct fetch-plan-json --saved-plan "$reports/$name.tfplan" --out "$plan_json"
      fi ;;
    vcs)
      xacct fetch-plan-json --run "${XACCT_RUN_ID:?vcs mode: set XACCT_RUN_ID to the run of $root}" --out "$plan_json" ;;
  esac
  if [[ ${#allow[@]} -eq 0 ]]; then  # an offboarding root has no role left to prove: the guard judges it
    pytest --xacct-registry "$registry" --xacct-plan-json "$plan_json" --xacct-tenant "$tenant" \
      --xacct-scenario "$scenario" -m "not live" -p no:cacheprovider -q --junitxml="$reports/xacct-$name.xml"
  fi
  xacct plan-guard --registry "$registry" --tenant "$tenant" --scenario "$scenario" "${allow[@]}" "$plan_json"
  if $apply && [[ $mode != vcs ]]; then
    terraform -chdir="$root" apply -input=false "$reports/$name.tfplan"
  fi
done
