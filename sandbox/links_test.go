package sandbox

import (
	"strings"
	"testing"
)

// TestNewBindInsideAnotherIsWidened: a new bind of a path that an existing
// bind already shows is not "the same mounts": bind mounts follow
// symlinks on the host, so if the path is a link (a repository can hold
// one) the new bind exposes its target, a read-only child or host /tmp or
// /proc, where the old view showed the link itself. The view cannot see
// the host's links, so such a bind (one of the same access as what the
// base showed there) is widened (fail closed); a bind the base had
// already, at the same place, is not, nor is a narrower one.
func TestNewBindInsideAnotherIsWidened(t *testing.T) {
	t.Parallel()
	sys := []string{"--ro-bind", "/usr", "/usr", "--proc", "/proc", "--tmpfs", "/tmp"}
	base := append(append([]string{}, sys...), "--bind", "/srv/app", "/srv/app", "--ro-bind", "/srv/app/secret", "/srv/app/secret")
	for _, tc := range []struct {
		name    string
		head    []string
		widened bool
	}{
		{"a writable bind inside the writable parent", []string{"--bind", "/srv/app/zcache", "/srv/app/zcache"}, true},
		{"a read-only bind inside the writable parent is a narrowing", []string{"--ro-bind", "/srv/app/zcache", "/srv/app/zcache"}, false},
		{"a read-only bind inside the read-only child", []string{"--ro-bind", "/srv/app/secret/x", "/srv/app/secret/x"}, true},
		{"a second bind of the parent itself", []string{"--bind", "/srv/app", "/srv/app", "--ro-bind", "/srv/app/secret", "/srv/app/secret"}, false},
		{"nothing new", nil, false},
		{"the time zone data inside /usr (the compiler's own bind)", []string{"--ro-bind-try", "/usr/share/zoneinfo", "/usr/share/zoneinfo"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			head := append(append([]string{}, base...), tc.head...)
			var ws []Delta
			for _, d := range Compare(ReadBwrap(base), ReadBwrap(head)) {
				if d.Severity == Widened {
					ws = append(ws, d)
				}
			}
			if got := len(ws) > 0; got != tc.widened {
				t.Fatalf("widened %v, want %v: %+v", got, tc.widened, ws)
			}
			if tc.widened && (ws[0].Aspect != AspectFS || ws[0].Ref.Side != Head || !strings.Contains(ws[0].Why, "symlink")) {
				t.Errorf("want an fs widening of the head that names the symlink: %+v", ws[0])
			}
		})
	}
}
