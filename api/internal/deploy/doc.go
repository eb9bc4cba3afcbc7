// Package deploy holds the tests of the repository's deploy/ folder: the
// Dockerfile builds what `make build` builds, every YAML file parses, the
// Kubernetes objects are complete and probe the right endpoints, and every
// AIGUILLAGE_* variable the folder mentions is a setting of package config,
// each one documented in the operator's handbook (deploy/README.md). They
// need no container engine and no cluster.
package deploy
