//go:build tools

// Package tools pins the helm command built by hack/build-helm.sh into this module's graph.
package tools

import (
	_ "helm.sh/helm/v3/cmd/helm"
)
