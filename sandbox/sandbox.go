// Package sandbox reads any sandbox — a bubblewrap argv, `docker run`
// flags, a squid or nftables config, an srt settings file, a ToolHive
// profile, an MCP Gateway catalog — into one model, and compares two
// models path by path.
//
// A reader parses first (argv or file bytes, never a compiled policy) and
// interprets second: the mounts it returns are in the order the engine
// applies them, so that the effective view (Sandbox.View) is what the
// kernel shows the process: bubblewrap applies its options in argv order
// and a later bind at or above a path replaces what is visible at and
// below it; docker and podman sort their mounts by the depth of the
// destination, then keep their order. Anything a reader does not
// recognise is kept raw in Sandbox.Unknown and judged as a widening (fail
// closed).
//
// Compare judges the two views: what host path can be read or written,
// which destination can be connected to, which variable reaches the
// process, which capability, device or host namespace it holds. Each
// Delta carries the reason a reviewer reads and a Ref that the caller maps
// back to the declaration behind it.
package sandbox

import "github.com/razukc/capgate-action/compiler"

// Sandbox is what one sandbox lets a process do, as its engine applies it.
type Sandbox struct {
	// Kind names the reader that read it: "bwrap", "docker", "squid",
	// "nftables", "srt", "toolhive", "mcp-gateway", "hostfile", or
	// whatever a caller's reader says.
	Kind string
	// Confined is false for a process that runs with every right of the
	// user who starts it (no sandbox at all: a bare command). The other
	// fields are then empty and Compare judges it wider than any
	// confined sandbox.
	Confined bool
	// Mounts are in the order the engine applies them (see package
	// comment). Readers of engines that sort (docker) sort them.
	Mounts []Mount
	// Network is the network the process joins and the egress allowed.
	Network Network
	// Env lists the variables that reach the process, in order.
	Env []Env
	// Caps are the capabilities added (upper case, without CAP_).
	Caps []string
	// Privileged is docker's --privileged or ToolHive's privileged:
	// every capability and every host device.
	Privileged bool
	// Devices are host device paths passed in (docker --device).
	Devices []string
	// HostNamespaces are namespaces shared with the host, as
	// "pid=host", "ipc=host", "userns=host"; bwrap's unshared namespaces
	// are Isolation instead.
	HostNamespaces []string
	// User is the user the process runs as, "" when not set.
	User string
	// Isolation lists the isolation the sandbox applies, one flag each
	// ("--unshare-net", "--cap-drop ALL", "denyRead /"): losing one is a
	// widening.
	Isolation []string
	// Security lists security options that weaken the sandbox
	// (docker --security-opt other than no-new-privileges).
	Security []string
	// Command is the command the sandbox runs, when the input names one
	// (bwrap's argv after "--", docker's image and arguments).
	Command []string
	// Unknown holds every part the reader did not recognise, as written.
	Unknown []Unknown
}

// MountType says what a mount puts at its destination.
type MountType int

// Mount types.
const (
	// Bind shows the host path Source at Dest (a file or a directory).
	Bind MountType = iota + 1
	// Tmpfs is an empty private filesystem: nothing of the host, but it
	// hides what was visible at and below Dest.
	Tmpfs
	// Proc is a procfs.
	Proc
	// Dev is a fresh minimal /dev (bwrap --dev).
	Dev
	// Mqueue is a POSIX message queue filesystem.
	Mqueue
	// Image is the container's own root filesystem: nothing of the host.
	Image
)

// String returns the type's name as readers' options spell it.
func (t MountType) String() string {
	switch t {
	case Bind:
		return "bind"
	case Tmpfs:
		return "tmpfs"
	case Proc:
		return "proc"
	case Dev:
		return "dev"
	case Mqueue:
		return "mqueue"
	case Image:
		return "image"
	}
	return "unknown"
}

// Mount is one mount as the engine applies it.
type Mount struct {
	Type MountType
	// Source is the cleaned host path of a Bind, "" otherwise.
	Source string
	// Dest is the cleaned path inside the sandbox.
	Dest string
	// Write is set when the process may write through the mount.
	Write bool
	// Devices is set for a bind that keeps device nodes usable
	// (bwrap --dev-bind).
	Devices bool
	// Try is set when the engine skips the mount if the source is
	// missing (bwrap --bind-try).
	Try bool
	// specFlag and spec are the option as written, its flag and its
	// value, for engines that drop a repeated one (podman); kept apart
	// so that reading one makes no string.
	specFlag dockerSpec
	// Raw is the mount as written when its paths needed cleaning or its
	// source and destination differ ("" otherwise).
	Raw string
	// Arg is the index of the argument (argv) or line (files) the mount
	// was read from, for error positions and tie-breaking.
	Arg  int
	spec string
}

// NetMode is the kind of network a sandbox joins.
type NetMode int

// Network modes.
const (
	// NetUnset means the sandbox says nothing about the network: a
	// config file (squid, nftables) that only filters egress.
	NetUnset NetMode = iota
	// NetNone is no network at all (bwrap --unshare-net, docker
	// --network none).
	NetNone
	// NetPrivate is a network namespace the host attaches (docker's
	// default bridge, a named network): the egress rules say what it
	// should let through.
	NetPrivate
	// NetHost is the host's own network namespace.
	NetHost
)

// Network is the network a sandbox joins and what egress it allows.
type Network struct {
	Mode NetMode
	// Name is the network as written ("default bridge", "none", "host",
	// a network name), for reasons.
	Name string
	// Allow lists the egress allowed, each host on one port (0: any).
	Allow []Rule
	// Hosts and Ports are egress written as a product: every host in
	// Hosts on every port in Ports (ToolHive). "*" and 0 mean any.
	Hosts []string
	Ports []int
}

// Rule is one allowed egress destination. Port 0 is any port; a Host of
// "*" is any host, ".example.com" the domain and everything below it.
type Rule = compiler.EgressRule

// Env is one variable that reaches the process.
type Env struct {
	Name string
	// Value is the value the sandbox sets; Passed is set instead when
	// the host's value passes through.
	Value  string
	Passed bool
}

// Unknown is a part of a sandbox a reader did not recognise.
type Unknown struct {
	// Text is the part as written (an option and its arguments, a line).
	Text string
	// Arg is the index of the argument or line it starts at.
	Arg int
}
