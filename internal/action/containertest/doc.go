// Package containertest holds no API: its test runs the action's image the
// way the GitHub runner runs a container action (the runner's mounts,
// environment and working directory), with podman, for workspaces owned by
// the runner's uid 1001, a self-hosted runner's 1234, and root, and checks
// outputs, summary, reports and exit status each time. See
// docs/enforcement.md.
package containertest
