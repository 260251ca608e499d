package sandbox

import (
	"slices"
	"strings"
	"testing"
)

// TestViewOrder: the view applies bwrap's mounts in argv order (a later
// bind at or above a path replaces what is visible there) and docker's by
// destination depth, whatever the argv order.
func TestViewOrder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		s    *Sandbox
		path string
		want Access
	}{
		{"bwrap child after parent", ReadBwrap([]string{"--bind", "/srv/app", "/srv/app", "--ro-bind", "/srv/app/secret", "/srv/app/secret"}), "/srv/app/secret/k", Read},
		{"bwrap child before parent is hidden", ReadBwrap([]string{"--ro-bind", "/srv/app/secret", "/srv/app/secret", "--bind", "/srv/app", "/srv/app"}), "/srv/app/secret/k", Write},
		{"bwrap rw then ro of one path", ReadBwrap([]string{"--bind", "/srv/app", "/srv/app", "--ro-bind", "/srv/app", "/srv/app"}), "/srv/app/f", Read},
		{"bwrap ro then rw of one path", ReadBwrap([]string{"--ro-bind", "/srv/app", "/srv/app", "--bind", "/srv/app", "/srv/app"}), "/srv/app/f", Write},
		{"bwrap tmpfs hides the host", ReadBwrap([]string{"--bind", "/srv", "/srv", "--tmpfs", "/srv/cache"}), "/srv/cache/x", NoAccess},
		{"bwrap tmpfs hidden by a later bind", ReadBwrap([]string{"--tmpfs", "/srv/cache", "--bind", "/srv", "/srv"}), "/srv/cache/x", Write},
		{"bwrap --dev-bind", ReadBwrap([]string{"--dev-bind", "/dev", "/dev"}), "/dev/sda", Devices},
		{"bwrap bind to another place", ReadBwrap([]string{"--ro-bind", "/", "/", "--bind", "/home/u", "/data"}), "/home/u/.ssh/id", Write},
		{"bwrap other place hidden", ReadBwrap([]string{"--bind", "/home/u", "/data", "--ro-bind", "/", "/"}), "/home/u/.ssh/id", Read},
		{"bwrap sibling prefix", ReadBwrap([]string{"--ro-bind", "/srv/app", "/srv/app", "--bind", "/srv/app-x", "/srv/app-x"}), "/srv/app/f", Read},
		{"docker child before parent", ReadDocker([]string{"--volume", "/srv/app/secret:/srv/app/secret:ro", "--volume", "/srv/app:/srv/app:rw"}), "/srv/app/secret/k", Read},
		{"docker child after parent", ReadDocker([]string{"--volume", "/srv/app:/srv/app", "--volume", "/srv/app/secret:/srv/app/secret:ro"}), "/srv/app/secret/k", Read},
		{"docker tmpfs below a volume", ReadDocker([]string{"--tmpfs", "/srv/app/cache", "--volume", "/srv/app:/srv/app"}), "/srv/app/cache/x", NoAccess},
		{"docker --mount", ReadDocker([]string{"--mount", "type=bind,source=/srv,target=/srv,readonly", "--mount=type=bind,src=/srv/w,dst=/srv/w"}), "/srv/w/x", Write},
		// readonly is strconv.ParseBool, as docker's CLI reads it: TRUE
		// and t read as writable, a widened row that changed nothing.
		{"docker --mount readonly=TRUE", ReadDocker([]string{"--mount", "type=bind,src=/srv,dst=/srv,readonly=TRUE"}), "/srv/x", Read},
		{"docker --mount ro=t", ReadDocker([]string{"--mount", "type=bind,src=/srv,dst=/srv,ro=t"}), "/srv/x", Read},
		{"docker --mount readonly=false", ReadDocker([]string{"--mount", "type=bind,src=/srv,dst=/srv,readonly=false"}), "/srv/x", Write},
		{"docker --mount readonly=no (docker refuses it)", ReadDocker([]string{"--mount", "type=bind,src=/srv,dst=/srv,readonly=no"}), "/srv/x", Write},
		{"docker x11 inside /tmp", ReadDocker([]string{"--volume", "/tmp:/tmp:rw", "--volume", "/tmp/.X11-unix:/tmp/.X11-unix:ro"}), "/tmp/.X11-unix/X0", Read},
	} {
		if got, _ := tc.s.View().Host(tc.path); got != tc.want {
			t.Errorf("%s: %s is %s, want %s (mounts %+v)", tc.name, tc.path, got, tc.want, tc.s.Mounts)
		}
	}
}

// TestViewAt: At names the mount visible at a sandbox path.
func TestViewAt(t *testing.T) {
	t.Parallel()
	v := ReadBwrap([]string{"--ro-bind", "/srv/app/secret", "/srv/app/secret", "--bind", "/srv/app", "/srv/app", "--tmpfs", "/srv/app/tmp"}).View()
	for p, want := range map[string]string{"/srv/app/secret/k": "bind /srv/app", "/srv/app/tmp/x": "tmpfs /srv/app/tmp", "/srv/app": "bind /srv/app", "/etc": ""} {
		e, ok := v.At(p)
		got := ""
		if ok {
			got = e.Type.String() + " " + e.Dest
		}
		if got != want {
			t.Errorf("At(%s) = %q, want %q", p, got, want)
		}
	}
	if n := len(v.Entries()); n != 2 {
		t.Errorf("%d visible entries, want 2 (the secret is hidden): %+v", n, v.Entries())
	}
}

// TestCompareReasons: the deltas of the families of issue 19 read as a
// reviewer needs them.
func TestCompareReasons(t *testing.T) {
	t.Parallel()
	app := []string{"--bind", "/srv/app", "/srv/app"}
	secret := []string{"--ro-bind", "/srv/app/secret", "/srv/app/secret"}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		base, head []string
		want       string // "severity: before -> after: why"
	}{
		{"child dropped", cat(app, secret), app,
			"widened: ro /srv/app/secret -> rw /srv/app/secret (via /srv/app): read-only /srv/app/secret no longer shadows the writable /srv/app"},
		{"child hidden by a later parent", cat(app, secret), cat(secret, app),
			"widened: ro /srv/app/secret -> rw /srv/app/secret (via /srv/app): read-only /srv/app/secret no longer shadows the writable /srv/app: it is still bound, but the later bind of /srv/app hides it"},
		{"child added", app, cat(app, secret),
			"narrowed: rw /srv/app/secret (via /srv/app) -> ro /srv/app/secret: read-only /srv/app/secret now shadows the writable /srv/app"},
		{"new mount", nil, app, "widened:  -> rw /srv/app: new rw mount of /srv/app"},
		{"becomes writable", []string{"--ro-bind", "/srv/app", "/srv/app"}, app, "widened: ro /srv/app -> rw /srv/app: /srv/app becomes writable"},
		{"rw inside ro", []string{"--ro-bind", "/srv", "/srv"}, []string{"--ro-bind", "/srv", "/srv", "--bind", "/srv/app", "/srv/app"},
			"widened: ro /srv -> rw /srv/app: /srv/app is mounted read-write inside read-only /srv"},
		{"tmpfs dropped", cat(app, []string{"--tmpfs", "/srv/app/cache"}), app,
			"widened:  -> rw /srv/app/cache (via /srv/app): /srv/app/cache is now read-write through /srv/app; the tmpfs at /srv/app/cache hid it"},
		{"removed", app, nil, "narrowed: rw /srv/app -> : rw mount of /srv/app removed or reduced"},
	} {
		var got []string
		for _, d := range Compare(ReadBwrap(tc.base), ReadBwrap(tc.head)) {
			if d.Aspect == AspectFS {
				got = append(got, d.Severity.String()+": "+d.Before+" -> "+d.After+": "+d.Why)
			}
		}
		if strings.Join(got, "\n") != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

// TestCompareOneDeltaPerMount: the points one mount changes are one delta,
// naming the other paths when it is about a shadow.
func TestCompareOneDeltaPerMount(t *testing.T) {
	t.Parallel()
	base := ReadBwrap([]string{"--bind", "/srv", "/srv", "--ro-bind", "/srv/a", "/srv/a", "--ro-bind", "/srv/b", "/srv/b"})
	ds := Compare(base, ReadBwrap([]string{"--bind", "/srv", "/srv"}))
	if len(ds) != 1 || !strings.HasSuffix(ds[0].Why, "; also at /srv/b") || ds[0].Ref.Path != "/srv/a" || ds[0].Ref.Source != "/srv" {
		t.Errorf("two shadows dropped: %+v", ds)
	}
	ds = Compare(base, ReadBwrap([]string{"--bind", "/", "/"}))
	if len(ds) != 1 || ds[0].Why != "new rw mount of /" {
		t.Errorf("a new root bind: %+v", ds)
	}
}

// TestCompareRowNamesEveryPoint: a delta at a mount's own source names
// the other points it widens too, and past three a digest of them all, so
// that two heads that widen different points never read as one row. A
// label approves rows by their text: "/srv becomes writable" read the
// same whether the head kept the read-only /srv/secret inside it or
// dropped it, so the approval of the first survived a push of the second.
func TestCompareRowNamesEveryPoint(t *testing.T) {
	t.Parallel()
	why := func(base, head []string) []string {
		var out []string
		for _, d := range Compare(ReadBwrap(base), ReadBwrap(head)) {
			out = append(out, d.Severity.String()+" "+d.Why)
		}
		return out
	}
	ro := func(ps ...string) []string {
		var out []string
		for _, p := range ps {
			out = append(out, "--ro-bind", p, p)
		}
		return out
	}
	base := ro("/srv", "/srv/secret")
	kept := why(base, append([]string{"--bind", "/srv", "/srv"}, ro("/srv/secret")...))
	dropped := why(base, []string{"--bind", "/srv", "/srv"})
	if slices.Equal(kept, dropped) {
		t.Errorf("the head that drops the read-only /srv/secret reads as the one that keeps it: %q", kept)
	}
	if want := []string{"widened /srv becomes writable; also at /srv/secret"}; !slices.Equal(dropped, want) {
		t.Errorf("dropped: %q, want %q", dropped, want)
	}
	// Past three points: the same count, one point swapped.
	many := ro("/srv", "/srv/a", "/srv/b", "/srv/c", "/srv/d", "/srv/e")
	keepD := why(many, append([]string{"--bind", "/srv", "/srv"}, ro("/srv/d")...))
	keepE := why(many, append([]string{"--bind", "/srv", "/srv"}, ro("/srv/e")...))
	if slices.Equal(keepD, keepE) {
		t.Errorf("heads that widen different points past the third read as one row: %q", keepD)
	}
}

// TestCompareUnconfined: no sandbox is wider than any sandbox, and is one
// delta.
func TestCompareUnconfined(t *testing.T) {
	t.Parallel()
	s := ReadBwrap([]string{"--ro-bind", "/", "/"})
	if ds := Compare(s, Unconfined("command")); len(ds) != 1 || ds[0].Severity != Widened || ds[0].Aspect != AspectConfined {
		t.Errorf("sandbox -> none: %+v", ds)
	}
	if ds := Compare(Unconfined("command"), s); len(ds) != 1 || ds[0].Severity != Narrowed {
		t.Errorf("none -> sandbox: %+v", ds)
	}
	if ds := Compare(Unconfined("command"), Unconfined("command")); len(ds) != 0 {
		t.Errorf("none -> none: %+v", ds)
	}
}

// TestReadBwrapEnvNetwork: the environment and the network as bwrap
// applies them.
func TestReadBwrapEnvNetwork(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		argv []string
		env  string
		net  NetMode
	}{
		{[]string{"--unshare-all", "--clearenv", "--setenv", "A", "1", "--setenv", "B", "2", "--unsetenv", "A"}, "B=2", NetNone},
		{[]string{"--unshare-all", "--setenv", "A", "1", "--clearenv", "--setenv", "B", ""}, "B=", NetNone},
		{[]string{"--unshare-all", "--share-net", "--clearenv"}, "", NetHost},
		{[]string{"--unshare-pid"}, "*(host)", NetHost},
	} {
		s := ReadBwrap(tc.argv)
		var env []string
		for _, e := range s.Env {
			if e.Passed {
				env = append(env, e.Name+"(host)")
			} else {
				env = append(env, e.Name+"="+e.Value)
			}
		}
		if strings.Join(env, " ") != tc.env || s.Network.Mode != tc.net {
			t.Errorf("%q: env %q network %d, want %q %d", tc.argv, env, s.Network.Mode, tc.env, tc.net)
		}
	}
}

// TestParseCommand: a command after the options is the command, not an
// unknown option; a leading "bwrap" is skipped.
func TestParseCommand(t *testing.T) {
	t.Parallel()
	s := ReadBwrap([]string{"bwrap", "--ro-bind", "/usr", "/usr", "--", "node", "--bind", "server.js"})
	if len(s.Unknown) != 0 || strings.Join(s.Command, " ") != "node --bind server.js" || len(s.Mounts) != 1 {
		t.Errorf("bwrap: %+v", s)
	}
	for _, argv := range [][]string{
		{"--rm", "-v", "/srv:/srv:ro", "img:1", "--privileged"},
		{"docker", "run", "--rm", "-v", "/srv:/srv:ro", "img:1", "--privileged"},
		{"/usr/bin/podman", "container", "run", "--rm", "-v", "/srv:/srv:ro", "img:1", "--privileged"},
	} {
		d := ReadDocker(argv)
		if len(d.Unknown) != 0 || d.Privileged || strings.Join(d.Command, " ") != "img:1 --privileged" || len(d.Mounts) != 1 {
			t.Errorf("docker %q: %+v", argv, d)
		}
	}
}

// TestDockerDuplicateDestination: docker and podman refuse a container
// with two mounts at one destination; the model says so (fail closed).
func TestDockerDuplicateDestination(t *testing.T) {
	t.Parallel()
	s := ReadDocker([]string{"--volume", "/srv:/srv:ro", "--volume", "/srv:/srv", "--volume", "/srv:/srv:rw"})
	if len(s.Unknown) != 1 || !strings.HasPrefix(s.Unknown[0].Text, "duplicate mount destination /srv") {
		t.Errorf("%+v", s.Unknown)
	}
	// The same option twice is one mount (podman drops the second); the
	// same mount written otherwise is refused.
	s = ReadDocker([]string{"--volume", "/srv:/srv:rw", "-v", "/srv:/srv:rw", "--volume=/srv:/srv:rw"})
	if len(s.Unknown) != 0 || len(s.Mounts) != 1 {
		t.Errorf("%+v %+v", s.Unknown, s.Mounts)
	}
	if s = ReadDocker([]string{"--volume", "/srv:/srv:rw", "--volume", "/srv:/srv"}); len(s.Unknown) != 1 {
		t.Errorf("%+v %+v", s.Unknown, s.Mounts)
	}
}

// FuzzRead: no reader panics or hangs on any input, and comparing what
// it read with itself finds nothing.
func FuzzRead(f *testing.F) {
	f.Add("--bind\x00/srv\x00/srv\x00--ro-bind\x00/srv/a\x00/srv/a")
	f.Add("-v\x00/a:/b:ro,z\x00--mount\x00type=bind,src=/x,dst=/y")
	f.Add("acl d dstdomain .a.com\nhttp_access allow d\nhttp_access deny all")
	f.Add(`{"read":["/a"],"write":["/a/b"]}`)
	f.Fuzz(func(t *testing.T, in string) {
		argv := strings.Split(in, "\x00")
		for _, s := range []*Sandbox{ReadBwrap(argv), ReadDocker(argv), ReadSquid([]byte(in)), ReadNftables([]byte(in)),
			ReadSrt([]byte(in)), ReadToolhive([]byte(in)), ReadMCPGateway([]byte(in))} {
			if ds := Compare(s, s); len(ds) != 0 {
				t.Fatalf("%s: a sandbox compared with itself: %+v", s.Kind, ds)
			}
		}
	})
}

// TestToolhiveDepth: a ToolHive profile is container mounts, applied by
// depth: a read-only path inside a written one stays read-only, and one
// path both read and written is writable.
func TestToolhiveDepth(t *testing.T) {
	t.Parallel()
	s := ReadToolhive([]byte(`{"read":["/srv/app/secret","/srv/data"],"write":["/srv/app","/srv/data"]}`))
	for p, want := range map[string]Access{"/srv/app/secret/k": Read, "/srv/app/f": Write, "/srv/data/f": Write} {
		if got, _ := s.View().Host(p); got != want {
			t.Errorf("%s: %s, want %s", p, got, want)
		}
	}
}
