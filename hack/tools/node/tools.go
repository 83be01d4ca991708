//go:build tools

// Package tools pins the binaries of the bed's real node (hack/node.sh): kubelet, kube-controller-manager,
// kube-scheduler and kube-proxy, from the same k8s.io/kubernetes release as hack/tools/kube's kube-apiserver.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
