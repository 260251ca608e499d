package diff

import (
	"fmt"
	"strings"
	"testing"
)

// bigConfig is a .mcp.json of one docker server with n volumes, in
// chains of ten nested ones (coverage look-ups walk up each), plus n
// servers of their own: the input grows linearly with n.
func bigConfig(n int, ro string) []byte {
	var args, servers []string
	p := ""
	for i := 0; i < n; i++ {
		if i%10 == 0 {
			p = fmt.Sprintf("/srv/c%d", i)
		}
		p += fmt.Sprintf("/d%d", i%10)
		args = append(args, `"-v"`, fmt.Sprintf(`"%s:%s%s"`, p, p, ro))
		servers = append(servers, fmt.Sprintf(`"s%d": {"command": "npx", "args": ["-y", "pkg%d"]}`, i, i))
	}
	return []byte(`{"mcpServers": {"big": {"command": "docker", "args": ["run", ` + strings.Join(args, ", ") + `, "img"]}, ` + strings.Join(servers, ", ") + `}}`)
}

// TestLaunchLargeConfig runs a config near the 1 MiB limit (10,000
// mounts, 10,000 servers) through the comparison; speed targets live in
// BenchmarkLaunchCompare.
func TestLaunchLargeConfig(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("large input")
	}
	b := parseLaunch([]File{{Path: ".mcp.json", Data: bigConfig(10000, ":ro")}})
	h := parseLaunch([]File{{Path: ".mcp.json", Data: bigConfig(10000, "")}})
	md := compareLaunch(b, h)[0]
	if md.Error != nil || len(md.Changes) == 0 {
		t.Fatalf("%+v", md.Error)
	}
}

func BenchmarkLaunchCompare(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		base, head := bigConfig(n, ":ro"), bigConfig(n, "")
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				bs := parseLaunch([]File{{Path: ".mcp.json", Data: base}})
				hs := parseLaunch([]File{{Path: ".mcp.json", Data: head}})
				_ = compareLaunch(bs, hs)
			}
		})
	}
}
