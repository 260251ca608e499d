package diff

import (
	"strings"
	"testing"
)

func TestUnified(t *testing.T) {
	a := strings.Join([]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}, "\n") + "\n"
	b := strings.Replace(strings.Replace(a, "three\n", "THREE\n", 1), "twelve\n", "twelve\nthirteen\n", 1)
	want := " one\n two\n-three\n+THREE\n four\n five\n six\n@@ … @@\n ten\n eleven\n twelve\n+thirteen\n"
	if got := Unified(a, b, 3); got != want {
		t.Errorf("Unified:\n%s\nwant:\n%s", got, want)
	}
	if got := Unified(a, a, 3); got != "" {
		t.Errorf("no change gave %q", got)
	}
	// Many distinct lines: indexes beyond the surrogate range still decode.
	var long []string
	for i := 0; i < 60000; i++ {
		long = append(long, strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26))
	}
	la := strings.Join(long, "\n")
	lb := strings.Replace(la, long[59000], "changed", 1)
	if got := Unified(la, lb, 0); got != "-"+long[59000]+"\n+changed\n" {
		t.Errorf("long diff: %.200q", got)
	}
}
