package launch

import (
	"strings"
	"testing"
)

func TestBwrapGrants(t *testing.T) {
	t.Parallel()
	cases := []struct {
		argv string
		want []string
		not  []string
	}{
		{"--ro-bind /usr /usr --bind /srv/ws /srv/ws --unshare-all --clearenv --new-session node s.js",
			[]string{"fs /usr", "fs /srv/ws rw", "isolation --unshare-net", "isolation --unshare-pid", "isolation --clearenv", "isolation --new-session"},
			[]string{"network host", "env *"}},
		{"--ro-bind / / --unshare-all --share-net node",
			[]string{"fs /", "network host", "env *"}, []string{"isolation --unshare-net"}},
		{"--dev-bind /dev /dev node", []string{"device /dev loud", "network host", "namespace pid=host"}, nil},
		{"--bind ${HOME} ${HOME} node", []string{"fs ~ rw loud"}, nil},
		{"--cap-add CAP_SYS_ADMIN --setenv TOKEN x node", []string{"cap SYS_ADMIN loud", "env TOKEN=x"}, nil},
		{"--clearenv --setenv TOKEN ${GITHUB_TOKEN} node", []string{"env TOKEN"}, nil},
		{"--args 3 node", []string{"raw --args 3"}, nil},
		{"--frob node", []string{"raw --frob"}, nil},
		{"--bind /a", []string{"raw --bind"}, nil},
		// One parser with the sandbox model (sandbox.SplitBwrap): a
		// single-dash argument is an option bwrap refuses, not the
		// command.
		{"-x node", []string{"raw -x"}, nil},
		{"--overlay-src /a --tmp-overlay /b node", []string{"raw --overlay-src /a", "raw --tmp-overlay /b"}, nil},
		// bwrap 0.8's --bind-fd and --ro-bind-fd take two values (bwrap
		// --help): unknown, the reader took the fd for the command and
		// never read the --bind of / after it.
		{"--bind-fd 3 /x --ro-bind-fd 4 /y --bind / /h node", []string{"raw --bind-fd 3 /x", "raw --ro-bind-fd 4 /y", "fs / rw"}, nil},
		{"--unshare-net --unshare-pid-typo node", []string{"isolation --unshare-net", "raw --unshare-pid-typo"}, nil},
	}
	for _, c := range cases {
		var argv []arg
		for _, f := range strings.Fields(c.argv) {
			argv = append(argv, arg{s: f})
		}
		gs, _ := bwrapGrants(Gemini, argv)
		set := grantSet(Entry{Grants: gs})
		for _, w := range c.want {
			if !set[w] {
				t.Errorf("%s: lacks %q: %v", c.argv, w, set)
			}
		}
		for _, w := range c.not {
			if set[w] {
				t.Errorf("%s: has %q", c.argv, w)
			}
		}
	}
}
