package cli

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestReadmeCLI keeps the README's CLI section and `capgate help` in
// agreement: the synopsis block is the help's usage lines, each command with
// flags has a section that names every flag as `--name`, and each section's
// exit-code table is the help's.
func TestReadmeCLI(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	start := strings.Index(readme, "\n## The CLI\n")
	if start < 0 {
		t.Fatal(`README.md has no "## The CLI" section`)
	}
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}

	// The synopsis block.
	block := regexp.MustCompile("(?s)```\n(.*?)\n```").FindStringSubmatch(section)
	if block == nil {
		t.Fatal("the CLI section has no code block")
	}
	var help bytes.Buffer
	if rc := (&Command{Stdout: &help, Stderr: &help}).Main([]string{"help"}); rc != ExitOK {
		t.Fatalf("capgate help exits %d", rc)
	}
	var usage []string
	for _, l := range strings.Split(help.String(), "\n") {
		if strings.HasPrefix(l, "  capgate ") {
			usage = append(usage, strings.TrimPrefix(l, "  "))
		}
	}
	if got := strings.Split(block[1], "\n"); !slices.Equal(got, usage) {
		t.Errorf("README's synopsis:\n%s\ncapgate help:\n%s", block[1], strings.Join(usage, "\n"))
	}

	// One subsection per command with flags or exit codes worth a table.
	subs := map[string]string{}
	parts := regexp.MustCompile("(?m)^### `capgate ([a-z]+)`\n").Split(section, -1)
	heads := regexp.MustCompile("(?m)^### `capgate ([a-z]+)`\n").FindAllStringSubmatch(section, -1)
	for i, h := range heads {
		if lookup(h[1]) == nil {
			t.Errorf("README documents capgate %s, which is not a command", h[1])
		}
		subs[h[1]] = parts[i+1]
	}
	for _, cmd := range commands {
		flags := flagsOf(cmd.name)
		sub, ok := subs[cmd.name]
		if !ok {
			if len(flags) > 0 {
				t.Errorf("capgate %s has flags but no README section", cmd.name)
			}
			continue
		}
		for _, f := range flags {
			if !strings.Contains(sub, "`--"+f.Name) {
				t.Errorf("README's capgate %s section does not mention `--%s`", cmd.name, f.Name)
			}
		}
		var want []string
		for _, e := range cmd.exits {
			want = append(want, fmt.Sprintf("| %d | %s |", e.code, e.meaning))
		}
		got := regexp.MustCompile(`(?m)^\| \d+ \| .* \|$`).FindAllString(sub, -1)
		if !slices.Equal(got, want) {
			t.Errorf("README's capgate %s exit codes:\n%s\ncapgate help %s:\n%s", cmd.name, strings.Join(got, "\n"), cmd.name, strings.Join(want, "\n"))
		}
	}
}
