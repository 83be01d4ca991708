# shellcheck shell=bash
# RBAC checks shared by chart_test.sh (the bed's apiserver) and tests/e2e/helm_e2e.sh (the real node). Sourced.
#
# granted KUBECTL NS SA: what ServiceAccount SA may do in namespace NS beyond what every authenticated user may,
# one normalised `kubectl auth can-i --list` line per rule ("resource [names] [verbs]"), sorted. The baseline is
# the same list for a ServiceAccount nothing is bound to, so only the chart's grants remain.
granted() {
  local kubectl=$1 ns=$2 sa=$3 list base
  list=$("$kubectl" auth can-i --list -n "$ns" --as="system:serviceaccount:$sa" 2>/dev/null) || return 1
  base=$("$kubectl" auth can-i --list -n "$ns" --as="system:serviceaccount:$ns:dg-rbac-baseline-nobody" 2>/dev/null) || return 1
  # Columns: Resources, Non-Resource URLs, Resource Names, Verbs. Keep resource rules, drop the baseline.
  comm -23 <(rbac_rows <<<"$list") <(rbac_rows <<<"$base")
}
rbac_rows() { awk 'NR > 1 && $1 !~ /^\[/ { n = $3; v = ""; for (i = 4; i <= NF; i++) v = v (v ? " " : "") $i; print $1, n, v }' | LC_ALL=C sort -u; }

# expected_grants NS RELEASE_NS WATCH_NS LEASE: the rows `granted` must print for a release in RELEASE_NS watching
# WATCH_NS ("" = all), seen from namespace NS: exactly the verbs domainguard run uses (templates/rbac.yaml).
expected_grants() {
  local ns=$1 release_ns=$2 watch=$3 lease=$4
  {
    if [ -z "$watch" ] || [ "$watch" = "$ns" ]; then
      printf '%s\n' "configmaps [] [get list watch]" "secrets [] [get]" "events.events.k8s.io [] [create patch]" \
        "dnsproviders.domainguard.io [] [list watch]" "domains.domainguard.io [] [list watch]" \
        "dnsproviders.domainguard.io/status [] [patch]" "domains.domainguard.io/status [] [patch]" \
        "ingresses.networking.k8s.io [] [list watch create update delete]" \
        "httproutes.gateway.networking.k8s.io [] [list watch create update delete]" \
        "gateways.gateway.networking.k8s.io [] [list watch]" \
        "alertchannels.domainguard.io [] [list watch]" "alertchannels.domainguard.io/status [] [patch]"
    fi
    if [ "$ns" = "$release_ns" ]; then
      printf '%s\n' "leases.coordination.k8s.io [] [create]" "leases.coordination.k8s.io [$lease] [get update]"
    fi
  } | LC_ALL=C sort -u
}
