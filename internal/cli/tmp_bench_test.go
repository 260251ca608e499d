package cli

import (
	"io"
	"testing"
)

func BenchmarkTmpDiff10k(b *testing.B) {
	for b.Loop() {
		c := &Command{Stdout: io.Discard, Stderr: io.Discard, Dir: "/tmp/costbench/r10k-packed"}
		if c.Main([]string{"diff", "--base", "HEAD~1", "--head", "HEAD", "--format", "json", "--fail-on", "never"}) != 0 {
			b.Fatal("exit")
		}
	}
}
