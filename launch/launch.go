// Package launch reads the hand-written MCP client configs that
// repositories check in (Claude Code's .mcp.json and its plugins'
// .claude-plugin/plugin.json, VS Code's .vscode/mcp.json and *.code-workspace,
// Cursor's .cursor/mcp.json, Gemini CLI's .gemini/settings.json and Codex's
// .codex/config.toml) and reads each server entry into the sandbox it runs
// in: no sandbox at all (a bare command), docker or podman run flags, an srt
// settings file, VS Code's own sandbox, a bubblewrap argv, or a remote
// endpoint. Every entry and every grant keeps its place in the file, so
// that reports can point at it.
//
// Parsing is linear in the input; malformed input is a positioned *Error,
// never a panic.
package launch

import (
	"path"
	"strings"

	"github.com/razukc/capgate-action/internal/diag"
)

// Client is the MCP client whose config format a file is in.
type Client string

// The clients whose project config files are read.
const (
	ClaudeCode Client = "claude-code"
	// ClaudePlugin is a Claude Code plugin's manifest,
	// .claude-plugin/plugin.json, whose mcpServers Claude Code starts
	// when the plugin is enabled, or a marketplace's catalog,
	// .claude-plugin/marketplace.json.
	ClaudePlugin Client = "claude-code-plugin"
	VSCode       Client = "vscode"
	Cursor       Client = "cursor"
	Gemini       Client = "gemini"
	Codex        Client = "codex"
)

// Clients lists every client whose config files are read, in the order
// documented.
func Clients() []Client { return []Client{ClaudeCode, ClaudePlugin, VSCode, Cursor, Gemini, Codex} }

// Title is the client's name as its users know it.
func (c Client) Title() string {
	switch c {
	case ClaudeCode:
		return "Claude Code"
	case ClaudePlugin:
		return "Claude Code plugin"
	case VSCode:
		return "VS Code"
	case Cursor:
		return "Cursor"
	case Gemini:
		return "Gemini CLI"
	case Codex:
		return "Codex"
	}
	return string(c)
}

// DefaultPatterns find the launch configs of every client when none are
// given (doublestar, as manifest patterns are).
func DefaultPatterns() []string {
	return []string{"**/.mcp.json", "**/.claude-plugin/plugin.json", "**/.claude-plugin/marketplace.json", "**/.vscode/mcp.json", "**/*.code-workspace", "**/.cursor/mcp.json",
		"**/.gemini/settings.json", "**/.gemini/extensions/*/gemini-extension.json", "**/.codex/config.toml"}
}

// ClientOf says which client reads the file at the slash-separated path p:
// by its name and directory in any case, else by its extension (.toml is
// Codex's, .code-workspace VS Code's, any other file is read as a Claude
// Code style mcpServers map).
func ClientOf(p string) Client {
	// ASCII case folded: on a case-insensitive file system (macOS,
	// Windows) the client reads .VSCode/MCP.json as its own file.
	dir, base := strings.ToLower(path.Base(path.Dir(p))), strings.ToLower(path.Base(p))
	switch {
	case dir == ".vscode" && base == "mcp.json", strings.HasSuffix(base, codeWorkspace):
		return VSCode
	case dir == ".claude-plugin" && (base == "plugin.json" || base == marketplace):
		return ClaudePlugin
	case dir == ".cursor" && base == "mcp.json":
		return Cursor
	case dir == ".gemini" && base == "settings.json", base == geminiExtension:
		return Gemini
	case strings.HasSuffix(base, ".toml"):
		return Codex
	}
	return ClaudeCode
}

// geminiExtension is the file of a Gemini CLI extension; one in the
// workspace's .gemini/extensions/NAME/ adds its mcpServers to those of
// the settings (gemini-cli docs/extension.md: "loaded on startup just like
// MCP servers configured in a settings.json file").
const geminiExtension = "gemini-extension.json"

// marketplace is a Claude Code plugin marketplace's catalog, in its
// .claude-plugin directory: its plugin entries may carry a plugin's
// mcpServers (marketplaceEntries).
const marketplace = "marketplace.json"

// codeWorkspace ends the name of a VS Code workspace file, whose
// settings.mcp holds servers as .vscode/mcp.json does
// (mcpResourceScannerService.ts IScannedWorkspaceMcpServers).
const codeWorkspace = ".code-workspace"

// Kind is what an entry's server runs in.
type Kind string

// The launch kinds.
const (
	// Bare is a command run directly (npx, uvx, node, a binary): no
	// sandbox, every right of the user who starts the client.
	Bare Kind = "bare"
	// Docker and Podman are `docker run` / `podman run` argv.
	Docker Kind = "docker"
	Podman Kind = "podman"
	// Srt is Anthropic's sandbox-runtime CLI with a settings file.
	Srt Kind = "srt"
	// VSCodeSandbox is VS Code's own sandbox (sandboxEnabled), srt
	// underneath.
	VSCodeSandbox Kind = "vscode-sandbox"
	// Bwrap is a bubblewrap argv.
	Bwrap Kind = "bwrap"
	// Shell is a shell string (sh -c, bash -c) or other indirection that
	// cannot be judged.
	Shell Kind = "shell"
	// Remote is an http, sse or websocket endpoint: no local process.
	Remote Kind = "remote"
	// Disabled is an entry its client does not start (Codex's
	// enabled = false, Gemini's mcp.excluded).
	Disabled Kind = "disabled"
)

// Kinds lists every launch kind, in the order documented.
func Kinds() []Kind {
	return []Kind{Bare, Docker, Podman, Srt, VSCodeSandbox, Bwrap, Shell, Remote, Disabled}
}

// Pos is a place in a config file; Line and Col are 1-based, Col counts
// characters.
type Pos struct {
	Line, Col int
}

// Error is a config file that cannot be read: it fails closed. It is the
// module's diagnostic (package diag), whose Code is one of the Code
// constants.
type Error struct {
	diag.Diagnostic
}

// errAt is the error code of path p at at.
func errAt(p string, at Pos, code, message string) *Error {
	return &Error{diag.Diagnostic{Path: p, Code: code, Message: message, Line: at.Line, Col: at.Col}}
}

// Error codes.
const (
	// CodeParse is a file that is not valid JSON, JSONC or TOML.
	CodeParse = "LAUNCH_PARSE"
	// CodeShape is a file whose servers are not where or what its client
	// expects (servers not an object, args not strings, …).
	CodeShape = "LAUNCH_SHAPE"
)

// Error formats e as "path:line:col: message [code]".
func (e *Error) Error() string { return e.String() }

// Config is one parsed launch config file.
type Config struct {
	Path    string
	Client  Client
	Entries []Entry
}

// Entry is one server of a config, read into the sandbox it runs in.
type Entry struct {
	// Name is the server key.
	Name string
	Pos  Pos
	Kind Kind
	// Runs is what the server runs: the container image, the npm or
	// PyPI package, or the command; "" when unknown.
	Runs string
	// Command and Args are the argv as written (variables unexpanded).
	Command string
	Args    []string
	// URL is a remote entry's endpoint.
	URL string
	// Grants are what the sandbox lets the server reach, in argv order.
	Grants []Grant
	// Settings is an srt settings file the entry names, slash-separated
	// and relative to the tree root, to be read from the same tree; ""
	// when there is none or it lies outside the tree (then Unjudged says
	// why).
	Settings    string
	SettingsPos Pos
	// Unjudged lists why some of the entry's sandbox cannot be judged;
	// each is reported as widened (fail closed).
	Unjudged []Note
	// settingsRaw is the srt settings path as written.
	settingsRaw string
	// cwd is the entry's working directory as written ("" for none).
	cwd string
	// cfgPath is the path of the config the entry is read from.
	cfgPath string
	// pluginFile is the tree path of the file a Claude Code plugin's
	// mcpServers names, whose servers this entry stands for.
	pluginFile string
}

// Note is a reason with a place.
type Note struct {
	Text string
	Pos  Pos
}

// GrantKind is the kind of one grant.
type GrantKind string

// The grant kinds.
const (
	// GFS is a host path the sandbox sees: Key the path (variables kept
	// symbolic), Write whether it is writable.
	GFS GrantKind = "fs"
	// GNet is network reach: a domain, or "*" for any host.
	GNet GrantKind = "net"
	// GNetwork is the network a container joins ("bridge", "host",
	// "none", "container:x", a named network).
	GNetwork GrantKind = "network"
	// GEnv is a variable passed in: Key its name, Value "" when the host's
	// value is copied.
	GEnv GrantKind = "env"
	// GEnvFile is a host file whose variables are passed in.
	GEnvFile GrantKind = "env-file"
	// GDevice is a host device.
	GDevice GrantKind = "device"
	// GCap is an added capability, or --privileged.
	GCap GrantKind = "cap"
	// GNamespace is a host namespace shared (pid=host).
	GNamespace GrantKind = "namespace"
	// GSecurity is a --security-opt that loosens confinement.
	GSecurity GrantKind = "security-opt"
	// GIsolation is a protection the sandbox applies (--read-only,
	// --cap-drop ALL, a denied path or domain): losing one widens.
	GIsolation GrantKind = "isolation"
	// GHost is control of the host outright: no sandbox, the engine's
	// socket.
	GHost GrantKind = "host"
	// GRaw is an option the reader does not know: any change to it is
	// judged widened.
	GRaw GrantKind = "raw"
	// GUser is the user the process runs as.
	GUser GrantKind = "user"
)

// Grant is one thing a sandbox lets its server reach.
type Grant struct {
	Kind  GrantKind
	Key   string
	Write bool
	// Why explains the grant when it is not plain (a variable read as
	// any path, a flag's meaning).
	Why string
	// Loud marks a grant that is host control by itself (a home
	// directory, an unknown variable in a mount source).
	Loud bool
	Pos  Pos
	// Dest is where a mount shows the path inside the sandbox (docker
	// and bwrap mounts); "" when the same or not a mount.
	Dest string
	// File is the tree path (slash-separated) of a file in the repository
	// the launch reads this grant's rules from (a docker seccomp profile),
	// "" for none: its content is part of the grant.
	File string
	// InTree is the tree path (slash-separated) of a host path inside the
	// repository (a mount source such as ./data), "" for none: a symbolic
	// link on it, which the engine follows on the host, may lead anywhere.
	InTree string
	// HostRuns says why a writable mount holds files the host runs (the
	// project's root: the working copy's .git/hooks and .git/config,
	// .claude/settings.json hooks, the MCP configs), "" for none: a
	// widening of it is host control, though the path itself is not
	// (a manifest's own path grants are compared as before).
	HostRuns string
	// launcher marks an env file the client reads into its own process
	// (VS Code's envFile), not into the sandbox.
	launcher bool
}
