// Package compiler compiles capgate manifests to sandbox policies, byte for
// byte as capgate 0.0.4 does for its own four targets (bwrap, docker,
// squid, nftables), and to the policy files of MCP hosts (toolhive,
// mcp-gateway, srt).
//
// Prepare parses, shape-checks and normalises a manifest into a Policy;
// Lower lowers it to one target; Compile does both for capgate's four
// targets (what capgate's --target all prints) and CompileTargets for any
// of AllTargets. Every artifact lists in Notes what its format cannot say,
// and a config-shaped artifact lists in Unenforceable the egress rules it
// cannot hold. Errors are *Error, with capgate's code and the position of
// the offending value.
//
// Each target is one file that registers itself (see target.go and
// docs/adding-a-target.md).
package compiler
