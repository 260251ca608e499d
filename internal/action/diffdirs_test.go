package action

import (
	"context"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/source"
)

// diffDirs compares two directories under dir, as the CLI's diff does.
func diffDirs(dir, base, head string, allowEmpty bool, targets []string) (*diff.Result, error) {
	in, err := source.ReadSides(context.Background(), source.Options{Dir: dir, Base: base, Head: head})
	if err != nil {
		return nil, err
	}
	in.AllowEmpty, in.Targets = allowEmpty, targets
	return diff.Run(in)
}
