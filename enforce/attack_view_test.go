package enforce

import "testing"

// attackFamilies are pull requests written to break the verdict, beyond
// the families of issue 19: deeper and three-level nesting, respelled
// paths, a writable file inside a read-only child, ipc binds over fs
// grants, grants split across tools, and write-like actions. Each is run
// like viewFamilies: the probe's outcome under bwrap (and podman) must
// agree with the view and with the diff's verdict.
var attackFamilies = []viewFamily{
	{"three levels ro/rw/ro: the innermost read-only dropped",
		[][]string{{"fs:read:@/srv/app", "fs:read,write:@/srv/app/cache", "fs:read:@/srv/app/cache/keep"}},
		[][]string{{"fs:read:@/srv/app", "fs:read,write:@/srv/app/cache"}}, "/srv/app/cache/keep/f"},
	{"three levels rw/ro/rw: the middle read-only dropped",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/sub"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read,write:@/srv/app/secret/sub"}}, "/srv/app/secret/f"},
	{"three levels rw/ro/rw: the inner writable still writes",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/sub"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/sub"}}, "/srv/app/secret/sub/f"},
	{"a read-only child five levels down dropped",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret/a/b/c/d"}},
		[][]string{{"fs:read,write:@/srv/app"}}, "/srv/app/secret/a/b/c/d/f"},
	{"unchanged: the child respelled with a trailing slash",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret/"}}, "/srv/app/secret/f"},
	{"unchanged: the child respelled with doubled slashes",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:/@/srv/app//secret"}}, "/srv/app/secret/f"},
	{"unchanged: the child declared as a file pattern inside it",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret/*.pem"}}, "/srv/app/secret/f"},
	{"a writable file declared inside the read-only child",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", "fs:read,write:@/srv/app/secret/x.txt"}}, "/srv/app/secret/f"},
	{"an ipc socket path that is the read-only child directory",
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret"}},
		[][]string{{"fs:read,write:@/srv/app", "fs:read:@/srv/app/secret", `ipc:connect:"unix:@/srv/app/secret"`}}, "/srv/app/secret/f"},
	{"an ipc path with a trailing slash over a read-only parent",
		[][]string{{"fs:read:@/srv/app"}},
		[][]string{{"fs:read:@/srv/app", `ipc:connect:"unix:@/srv/app/"`}}, "/srv/app/f"},
	{"read-only in one tool, write-only of the same directory in another",
		[][]string{{"fs:read:@/srv/app"}},
		[][]string{{"fs:read:@/srv/app"}, {"fs:write:@/srv/app/"}}, "/srv/app/f"},
	{"delete alone mounts writable",
		[][]string{{"fs:read:@/srv/app"}},
		[][]string{{"fs:delete:@/srv/app"}}, "/srv/app/f"},
}

func TestBwrapAttackFamilies(t *testing.T) {
	requireTool(t, "bwrap")
	for _, fam := range attackFamilies {
		t.Run(fam.name, func(t *testing.T) {
			t.Parallel()
			bwrapFamily(t, fam)
		})
	}
}

func TestPodmanAttackFamilies(t *testing.T) {
	image := probeImage(t)
	for _, fam := range attackFamilies {
		t.Run(fam.name, func(t *testing.T) { podmanFamily(t, image, fam) })
	}
}
