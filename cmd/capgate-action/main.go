// Command capgate-action is the entry point of the GitHub Action; see
// action.yml and the README.
package main

import (
	"context"
	"os"

	"github.com/razukc/capgate-action/internal/action"
)

func main() {
	os.Exit(action.Main(context.Background(), action.Env{Stdout: os.Stdout}))
}
