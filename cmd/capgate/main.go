// Command capgate compiles capgate manifests to sandbox policies, lints them,
// and diffs what a change grants. See the README.
package main

import (
	"os"

	"github.com/razukc/capgate-action/internal/cli"
)

func main() {
	os.Exit((&cli.Command{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}).Main(os.Args[1:]))
}
