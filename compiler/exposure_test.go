package compiler

import "testing"

func TestPatternBase(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in    string
		dir   string
		exact bool
	}{
		{"/", "/", false},
		{"/**", "/", true},
		{"/*", "/", false},
		{"/a", "/a", false},
		{"/a/b", "/a/b", false},
		{"/a/**", "/a", true},
		{"/a/b/**", "/a/b", true},
		{"/a/*", "/a", false},
		{"/a/**/x", "/a", false},
		{"/data/src/**/*.go", "/data/src", false},
		{"/a/b*/c", "/a", false},
		{"/a/[x]", "/a", false},
		{"/*/b/**", "/", false},
		{"a/**", "/a", true}, // not rooted: the base is rooted all the same
	} {
		dir, exact := patternBase(c.in)
		if dir != c.dir || exact != c.exact {
			t.Errorf("patternBase(%q) = %q, %v; want %q, %v", c.in, dir, exact, c.dir, c.exact)
		}
	}
}

func TestExposuresOf(t *testing.T) {
	t.Parallel()
	p := &Policy{
		FS:    []FSGrant{{Path: "/srv/a.txt", Read: true}, {Path: "/data/**", Read: true, Write: true}, {Path: "/x/*/y", Read: true}},
		IPC:   []NamedGrant{{Name: "x11"}, {Name: "dbus:session"}, {Name: "unix:/run/s.sock"}, {Name: "bogus"}},
		Clock: "tzdata",
	}
	ex := ExposuresOf(p)
	type fsWant struct {
		path, host string
		exact, rw  bool
	}
	fsWants := []fsWant{{"/srv", "/srv/a.txt", true, false}, {"/data", "/data", true, true}, {"/x/*/y", "/x", false, false}}
	if len(ex.FS) != len(fsWants) {
		t.Fatalf("FS: %d exposures, want %d", len(ex.FS), len(fsWants))
	}
	for i, w := range fsWants {
		m := ex.FS[i]
		if got := (fsWant{m.Path, m.Host, m.HostExact, m.Writable}); got != w {
			t.Errorf("FS[%d] = %+v, want %+v", i, got, w)
		}
	}
	type ipcWant struct {
		path              string
		writable, session bool
	}
	ipcWants := []ipcWant{{"/tmp/.X11-unix", false, false}, {"", false, true}, {"/run/s.sock", true, false}, {"", false, false}}
	if len(ex.IPC) != len(ipcWants) {
		t.Fatalf("IPC: %d exposures, want %d", len(ex.IPC), len(ipcWants))
	}
	for i, w := range ipcWants {
		s := ex.IPC[i]
		if got := (ipcWant{s.Path, s.Writable, s.Session}); got != w || s.Grant != &p.IPC[i] {
			t.Errorf("IPC[%d] = %+v (grant %p), want %+v (grant %p)", i, got, s.Grant, w, &p.IPC[i])
		}
	}
	if len(ex.Clock) != 2 || ex.Clock[0] != "/usr/share/zoneinfo" || ex.Clock[1] != "/etc/localtime" {
		t.Errorf("Clock = %q", ex.Clock)
	}
	if got := ExposuresOf(&Policy{}); len(got.FS)+len(got.IPC)+len(got.Clock) != 0 {
		t.Errorf("empty policy exposes %+v", got)
	}
}
