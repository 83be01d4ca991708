//go:build tools

// Package tools pins the etcd server and etcdctl of the release kube-apiserver v1.36 pairs with.
package tools

import (
	_ "go.etcd.io/etcd/etcdctl/v3"
	_ "go.etcd.io/etcd/server/v3"
)
