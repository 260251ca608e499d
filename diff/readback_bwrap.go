package diff

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// bwrapReader reads back a bubblewrap argv: every bind, ro-bind, bind-try,
// dev-bind, tmpfs, dev and proc, the namespaces it unshares, the variables
// it sets, and the variables the host passes in (envInjections).
type bwrapReader struct{}

var _ = addReader(bwrapReader{})

func (bwrapReader) target() string { return compiler.TargetBwrap }

// bwrapArgs is how many arguments each bwrap option takes.
var bwrapArgs = map[string]int{
	"--unshare-all": 0, "--share-net": 0, "--unshare-user": 0, "--unshare-user-try": 0, "--unshare-ipc": 0,
	"--unshare-pid": 0, "--unshare-net": 0, "--unshare-uts": 0, "--unshare-cgroup": 0, "--unshare-cgroup-try": 0,
	"--die-with-parent": 0, "--new-session": 0, "--clearenv": 0, "--as-pid-1": 0,
	"--proc": 1, "--dev": 1, "--tmpfs": 1, "--mqueue": 1, "--dir": 1, "--chdir": 1, "--unsetenv": 1,
	"--hostname": 1, "--remount-ro": 1, "--cap-add": 1, "--cap-drop": 1, "--uid": 1, "--gid": 1,
	"--bind": 2, "--bind-try": 2, "--ro-bind": 2, "--ro-bind-try": 2, "--dev-bind": 2, "--dev-bind-try": 2,
	"--setenv": 2, "--symlink": 2, "--chmod": 2,
}

func (bwrapReader) boundary(a *compiler.Artifact) []item {
	var out []item
	if a == nil {
		return out
	}
	for _, e := range a.EnvInjections {
		out = append(out, item{kind: kEnv, key: e})
	}
	argv := a.Argv
	for i := 0; i < len(argv); i++ {
		flag := argv[i]
		n, known := bwrapArgs[flag]
		if !known || i+n >= len(argv) {
			// An option diff does not know, or one cut short: judge
			// it as a grant of its own so that any change shows.
			out = append(out, item{kind: kRaw, key: strings.Join(argv[i:min(i+3, len(argv))], " ")})
			if known {
				break
			}
			continue
		}
		args := argv[i+1 : i+1+n]
		i += n
		switch flag {
		case "--bind", "--bind-try", "--dev-bind", "--dev-bind-try":
			out = append(out, fsItem(args[0], true))
		case "--ro-bind", "--ro-bind-try":
			out = append(out, fsItem(args[0], false))
		case "--proc":
			out = append(out, item{kind: kProc, key: cleanPath(args[0])})
		case "--dev":
			out = append(out, item{kind: kDev, key: cleanPath(args[0])})
		case "--tmpfs", "--mqueue":
			out = append(out, item{kind: kTmpfs, key: cleanPath(args[0])})
		case "--setenv":
			out = append(out, item{kind: kEnv, key: args[0]})
		case "--cap-add":
			out = append(out, item{kind: kCap, key: args[0]})
		case "--share-net":
			out = append(out, item{kind: kNetwork, key: "host"})
		case "--unshare-all", "--unshare-user", "--unshare-user-try", "--unshare-ipc", "--unshare-pid",
			"--unshare-net", "--unshare-uts", "--unshare-cgroup", "--unshare-cgroup-try",
			"--die-with-parent", "--new-session", "--clearenv":
			out = append(out, item{kind: kIso, key: strings.TrimSuffix(flag, "-try")})
		}
	}
	for _, r := range a.Egress {
		out = append(out, item{kind: kNet, rule: r})
	}
	return out
}

// fsItem is a host path bound into the sandbox.
func fsItem(p string, write bool) item {
	c := cleanPath(p)
	it := item{kind: kFS, key: c, write: write}
	if c != p {
		it.raw = p
	}
	return it
}
