// Command capgate compiles capgate manifests to sandbox policies, lints them,
// and diffs what a change grants. See the README.
package main

import (
	"os"
	"runtime/debug"

	"github.com/razukc/capgate-action/internal/cli"
)

func main() {
	// A run reads its input once and keeps most of what it allocates to
	// the end (blobs, results): at the default GOGC of 100 the collector
	// ran 6 times in a diff of 10,000 manifests, and took 5-14% of its
	// time (BenchmarkDiffGit2000 and 10000, packed); at 200, 3 times,
	// for 3-4 MiB more at the peak (27 MiB; the benchmarks report it).
	// GOGC set in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	os.Exit((&cli.Command{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}).Main(os.Args[1:]))
}
