package diff

import (
	"testing"
)

// TestShadowDropped is issue 19's report: the read-only child of a
// writable mount is dropped, which the kernel turns into a writable child.
// The diff says so, attributed to the base's read-only grant that the
// head dropped.
func TestShadowDropped(t *testing.T) {
	t.Parallel()
	base := manifest19("fs:read,write:/srv/app", "fs:read:/srv/app/secret")
	head := manifest19("fs:read,write:/srv/app")
	cs := CompareManifests(base, head)
	var got []Change
	for _, c := range cs {
		if c.Severity == Widened {
			got = append(got, c)
		}
	}
	want := Change{Severity: Widened, Kind: "fs", Target: "bwrap,docker", Before: "ro /srv/app/secret", After: "rw /srv/app/secret (via /srv/app)",
		Why: "read-only /srv/app/secret no longer shadows the writable /srv/app", Line: 1, Col: 89, Side: "base"} // col 89: the opening quote of "fs:read:/srv/app/secret"
	if len(got) != 1 || got[0] != want {
		t.Errorf("widened rows %+v\nwant %+v", got, want)
	}
}
