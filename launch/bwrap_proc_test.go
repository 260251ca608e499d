package launch

import "testing"

// TestBwrapProcOfTheHostPidNamespace: bwrap's --proc mounts a procfs of
// the pid namespace the sandbox runs in; without --unshare-pid (or
// --unshare-all) that is the host's, so the sandbox lists every host
// process with its command line and (same user) environment: a read-only
// host /proc, loud. With the pid namespace unshared it is the sandbox's
// own and grants nothing of the host.
func TestBwrapProcOfTheHostPidNamespace(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		loud bool
	}{
		{[]string{"--unshare-net", "--proc", "/proc"}, true},
		{[]string{"--unshare-net", "--proc", "/elsewhere"}, true},
		{[]string{"--unshare-net", "--unshare-pid", "--proc", "/proc"}, false},
		{[]string{"--unshare-all", "--proc", "/proc"}, false},
		{[]string{"--proc", "/proc", "--unshare-pid"}, false},
	} {
		var argv []arg
		for _, a := range append(c.args, "--", "srv") {
			argv = append(argv, arg{s: a})
		}
		gs, _ := bwrapGrants(ClaudeCode, argv)
		if got := grantSet(Entry{Grants: gs})["fs /proc loud"]; got != c.loud {
			t.Errorf("%v: host /proc grant %v, want %v: %v", c.args, got, c.loud, grantSet(Entry{Grants: gs}))
		}
	}
}
