//go:build tools

// Package tools pins helm, used to install and test charts/domainguard.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
