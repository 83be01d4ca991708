//go:build tools

// Package tools pins the Kubernetes binaries the test bed builds: kube-apiserver and kubectl.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
