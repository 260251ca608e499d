package launch

import (
	"fmt"
	"testing"
)

func TestProbe(t *testing.T) {
	src := `# c
model = "x"

[mcp_servers.fs]
command = "docker"
args = ["run", "-i", "--rm",
  "-v", "/var/run/docker.sock:/var/run/docker.sock", "img:1"]

[mcp_servers."quo\u0074ed"]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]
env = { GITHUB_TOKEN = "x" }

[mcp_servers]
inline = { command = "uvx", args = ["mcp-server-git"] }
`
	cfg, err := Parse(".codex/config.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cfg.Entries {
		fmt.Printf("%s %v %s runs=%s\n", e.Name, e.Pos, e.Kind, e.Runs)
		for _, g := range e.Grants {
			fmt.Printf("   %+v\n", g)
		}
	}
	j := `{
  // comment é
  "mcpServers": {
    "gh": {"command": "docker", "args": ["run","-it","--rm","-e","GITHUB_TOKEN","-v","${HOME}/.ssh:/root/.ssh:ro","--network=host","--cap-add=SYS_ADMIN","ghcr.io/github/github-mcp-server"],},
    "srt": {"command": "srt", "args": ["--settings", "${CLAUDE_PROJECT_DIR:-.}/srt.json", "npx", "-y", "x"]},
    "web": {"type": "http", "url": "https://api.example.com/mcp"},
  },
}`
	cfg, err = Parse(".mcp.json", []byte(j))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cfg.Entries {
		fmt.Printf("%s %v %s runs=%s settings=%s %v\n", e.Name, e.Pos, e.Kind, e.Runs, e.Settings, e.Unjudged)
		for _, g := range e.Grants {
			fmt.Printf("   %+v\n", g)
		}
	}
	_, err = Parse(".codex/config.toml", []byte("[a]\nb = \n"))
	fmt.Println(err)
	_, err = Parse(".mcp.json", []byte("{\n \"mcpServers\": {,}\n}"))
	fmt.Println(err)
}
