package diff

import (
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// dockerReader reads back `docker run` flags: every --volume, --mount,
// --tmpfs, --network, --env, --cap-add, --cap-drop, --privileged, --device
// and --security-opt, and the egress rules the host must honour.
type dockerReader struct{}

var _ = addReader(dockerReader{})

func (dockerReader) target() string { return compiler.TargetDocker }

// dockerArgs is how many arguments each docker run option takes.
var dockerArgs = map[string]int{
	"--rm": 0, "--read-only": 0, "--privileged": 0, "--init": 0, "-d": 0, "--detach": 0, "-i": 0, "-t": 0,
	"--volume": 1, "-v": 1, "--mount": 1, "--tmpfs": 1, "--network": 1, "--net": 1, "--env": 1, "-e": 1,
	"--cap-add": 1, "--cap-drop": 1, "--device": 1, "--security-opt": 1, "--pid": 1, "--ipc": 1,
	"--uts": 1, "--userns": 1, "--cgroupns": 1, "--user": 1, "-u": 1, "--workdir": 1, "-w": 1,
}

func (dockerReader) boundary(a *compiler.Artifact) []item {
	var out []item
	if a == nil {
		return out
	}
	for _, e := range a.EnvInjections {
		out = append(out, item{kind: kEnv, key: e})
	}
	network := "default bridge"
	argv := a.Argv
	for i := 0; i < len(argv); i++ {
		flag, val, inline := strings.Cut(argv[i], "=")
		if !strings.HasPrefix(flag, "-") {
			break // the image: options end here
		}
		n, known := dockerArgs[flag]
		if !known || (n == 0 && inline) || (n == 1 && !inline && i+1 >= len(argv)) {
			out = append(out, item{kind: kRaw, key: strings.Join(argv[i:min(i+2, len(argv))], " ")})
			continue
		}
		if n == 1 && !inline {
			i++
			val = argv[i]
		}
		switch flag {
		case "--volume", "-v":
			out = append(out, dockerVolume(val))
		case "--mount":
			out = append(out, dockerMount(val))
		case "--tmpfs":
			dst, _, _ := strings.Cut(val, ":")
			out = append(out, item{kind: kTmpfs, key: cleanPath(dst)})
		case "--network", "--net":
			network = val
		case "--env", "-e":
			name, _, _ := strings.Cut(val, "=")
			out = append(out, item{kind: kEnv, key: name})
		case "--cap-add":
			out = append(out, item{kind: kCap, key: strings.ToUpper(strings.TrimPrefix(strings.ToUpper(val), "CAP_"))})
		case "--privileged":
			out = append(out, item{kind: kCap, key: "--privileged (every capability, every device)"})
		case "--device":
			src, _, _ := strings.Cut(val, ":")
			out = append(out, item{kind: kDevice, key: cleanPath(src)})
		case "--cap-drop":
			out = append(out, item{kind: kIso, key: "--cap-drop " + strings.ToUpper(val)})
		case "--read-only":
			out = append(out, item{kind: kIso, key: "--read-only"})
		case "--security-opt":
			if v := strings.ReplaceAll(val, "=", ":"); v == "no-new-privileges" || v == "no-new-privileges:true" {
				out = append(out, item{kind: kIso, key: "--security-opt no-new-privileges"})
			} else {
				out = append(out, item{kind: kSec, key: val})
			}
		case "--pid", "--ipc", "--uts", "--userns", "--cgroupns":
			out = append(out, item{kind: kNS, key: strings.TrimPrefix(flag, "--") + "=" + val})
		case "--user", "-u", "--workdir", "-w":
			out = append(out, item{kind: kRaw, key: flag + " " + val})
		}
	}
	out = append(out, item{kind: kNetwork, key: network})
	for _, r := range a.Egress {
		out = append(out, item{kind: kNet, rule: r})
	}
	return out
}

// dockerVolume reads "src:dst[:mode]". capgate mounts every path at the
// same place, so a spec whose halves match is split there even when the
// path holds a colon; otherwise it is split as docker does, at the first
// colon. Without ro, a bind is read-write.
func dockerVolume(spec string) item {
	body, write := spec, true
	for _, m := range []string{":ro", ":rw", ":z", ":Z"} {
		if strings.HasSuffix(body, m) {
			body = body[:len(body)-len(m)]
			if m == ":ro" {
				write = false
			}
			break
		}
	}
	src := body
	if n := len(body); n%2 == 1 && body[n/2] == ':' && body[:n/2] == body[n/2+1:] {
		src = body[:n/2]
	} else if i := strings.IndexByte(body, ':'); i > 0 {
		src = body[:i]
	}
	if !strings.HasPrefix(src, "/") {
		// A named volume, not a host path.
		return item{kind: kRaw, key: "--volume " + spec}
	}
	it := fsItem(src, write)
	if it.raw == "" && src != body {
		it.raw = ""
	}
	return it
}

// dockerMount reads "type=bind,source=/x,target=/x[,readonly]".
func dockerMount(spec string) item {
	var typ, src string
	ro := false
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "type":
			typ = v
		case "source", "src":
			src = v
		case "readonly", "ro":
			ro = v == "" || v == "true" || v == "1"
		}
	}
	switch {
	case typ == "bind" && strings.HasPrefix(src, "/"):
		return fsItem(src, !ro)
	case typ == "tmpfs":
		return item{kind: kTmpfs, key: spec}
	}
	return item{kind: kRaw, key: "--mount " + spec}
}
