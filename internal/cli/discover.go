package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/razukc/capgate-action/internal/source"
)

// input is one manifest named on the command line or found in a directory.
// Exactly one of data and err is set.
type input struct {
	name string // as the user wrote it, or joined to the directory given
	data []byte
	err  error
}

// discover reads the manifests that paths name: a file (or - for stdin) is
// read as it is, whatever its name; a directory is searched with patterns
// (source.DefaultPatterns when empty), as diff searches a side. A path that
// cannot be read is an input with err set; only bad patterns are an error.
func (c *Command) discover(paths []string, patterns []string) ([]input, error) {
	m, err := source.NewMatcher(patterns)
	if err != nil {
		return nil, err
	}
	var out []input
	seen := map[string]bool{}
	add := func(in input) {
		if !seen[in.name] {
			seen[in.name] = true
			out = append(out, in)
		}
	}
	for _, p := range paths {
		if p != "-" {
			if st, err := os.Stat(c.path(p)); err == nil && st.IsDir() {
				files, err := (&source.Dir{Root: c.path(p)}).Read(context.Background(), m)
				if err != nil {
					add(input{name: p, err: fmt.Errorf("cannot read directory: %w", unwrapPath(err))})
					continue
				}
				for _, f := range files {
					name := path.Join(filepath.ToSlash(p), f.Path)
					if f.Err != nil {
						add(input{name: name, err: f.Err})
					} else {
						add(input{name: name, data: f.Data})
					}
				}
				continue
			}
		}
		data, err := c.readManifest(p)
		name := p
		if p == "-" {
			name = "<stdin>"
		}
		if err != nil {
			// readManifest names the path; the input already does.
			err = errors.New("cannot read: " + strings.TrimPrefix(err.Error(), "cannot read "+p+": "))
		}
		add(input{name: name, data: data, err: err})
	}
	return out, nil
}

// unwrapPath drops the path from an *os.PathError: the caller names it.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
