// Command capgate-action is the entry point of the GitHub Action; see
// action.yml and the README.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/razukc/capgate-action/internal/action"
)

func main() {
	// The action's diff is capgate diff's (source.ReadSides, then
	// diff.Run, in this process): it reads both sides once and keeps
	// most of what it allocates to the end, so it takes cmd/capgate's
	// GOGC of 200 for the same reason (half the collections for a few
	// MiB more at the peak; BenchmarkDiffGit2000 and 10000 measure
	// capgate's). GOGC set in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	os.Exit(action.Main(context.Background(), action.Env{Stdout: os.Stdout}))
}
