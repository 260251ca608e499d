package launch

import (
	"slices"
	"strings"
	"testing"
)

func dockerSet(t *testing.T, args ...string) (map[string]bool, string) {
	t.Helper()
	var argv []arg
	for _, a := range args {
		argv = append(argv, arg{s: a})
	}
	gs, image, _ := dockerGrants(ClaudeCode, argv)
	return grantSet(Entry{Grants: gs}), image
}

// TestDockerFlagFamilies reads one flag of each family in every spelling
// pflag accepts, and holds it to the grants it gives (want, one per line)
// beyond those of a bare `docker run img`.
func TestDockerFlagFamilies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		want string
	}{
		// Mounts.
		{[]string{"-v", "/srv/a:/a"}, "fs /srv/a rw"},
		{[]string{"-v/srv/a:/a:ro"}, "fs /srv/a"},
		{[]string{"--volume=/srv/a:/a:ro,z"}, "fs /srv/a\nsecurity-opt relabel /srv/a :z"},
		{[]string{"-v", "${HOME}:/h:ro,U"}, "fs ~ loud\nsecurity-opt relabel ~ :U loud"},
		{[]string{"--volume", "data:/a"}, "fs volume data rw"},
		// podman options that take a value: unknown, 10 was the image.
		{[]string{"--timeout", "10", "-v", "/:/h"}, "fs / rw"},
		{[]string{"--rmi", "--passwd", "--health-startup-cmd", "true", "-v", "/:/h"}, "fs / rw"},
		{[]string{"--health-log-destination", "/var/log/h"}, "fs /var/log/h rw"},
		{[]string{"-v", "/a"}, "isolation anonymous volume /a"},
		{[]string{"--mount", "type=bind,source=/srv,target=/srv,readonly"}, "fs /srv"},
		{[]string{"--mount=type=bind,src=/srv,dst=/srv"}, "fs /srv rw"},
		{[]string{"--mount", "type=tmpfs,target=/t"}, "isolation --mount type=tmpfs,target=/t"},
		{[]string{"--mount", "type=npipe,src=x,dst=y"}, "raw --mount type=npipe,src=x,dst=y"},
		// --mount as the docker CLI reads it: one CSV record, keys and
		// type case-insensitive, type volume by default.
		{[]string{"--mount", `type=bind,"src=/var/run/docker.sock",dst=/s`}, "fs /var/run/docker.sock rw"},
		{[]string{"--mount", "TYPE=BIND,SRC=/var/run/docker.sock,DST=/s,READONLY"}, "fs /var/run/docker.sock"},
		{[]string{"--mount", "src=/var/run/docker.sock,dst=/s"}, "fs /var/run/docker.sock rw"},
		{[]string{"--mount", "type=volume,src=v,dst=/s,volume-opt=type=none,volume-opt=o=bind,volume-opt=device=/var/run/docker.sock"}, "fs /var/run/docker.sock rw"},
		// A key or type the reader does not know is raw, and the host path
		// is still judged, writable (fail closed): podman's U=true beside
		// the engine socket, a glob of it.
		{[]string{"--mount", "type=bind,src=/srv,dst=/srv,frob=1"}, "raw --mount type=bind,src=/srv,dst=/srv,frob=1\nfs /srv rw"},
		{[]string{"--mount", "type=bind,src=/srv,dst=/srv,ro,U=true"}, "raw --mount type=bind,src=/srv,dst=/srv,ro,U=true\nfs /srv rw"},
		{[]string{"--mount", "type=glob,src=/var/run/docker.s*,dst=/s"}, "raw --mount type=glob,src=/var/run/docker.s*,dst=/s\nfs /var/run rw"},
		{[]string{"--mount", "type=image,src=alpine,dst=/i"}, "raw --mount type=image,src=alpine,dst=/i"},
		{[]string{"--mount", "type=volume,src=v,dst=/h,volume-driver=local,volume-opt=o=bind,volume-opt=device=/etc"}, "raw --mount type=volume,src=v,dst=/h,volume-driver=local,volume-opt=o=bind,volume-opt=device=/etc\nfs /etc rw"},
		{[]string{"--mount", `type=bind,"src=/srv`}, `raw --mount type=bind,"src=/srv`},
		// Windows hosts: the drive's colon is not a separator.
		{[]string{"-v", `C:\Users\me\.ssh:/root/.ssh:ro`}, `fs C:\Users\me\.ssh loud`},
		{[]string{"-v", "//./pipe/docker_engine://./pipe/docker_engine"}, "fs //./pipe/docker_engine rw loud"},
		{[]string{"--mount", `type=bind,src=C:\Users\me,dst=/h`}, `fs C:\Users\me rw loud`},
		{[]string{"--volumes-from", "other"}, "fs volumes of container other rw loud"},
		{[]string{"--volumes-from=other:ro"}, "fs volumes of container other:ro loud"},
		{[]string{"-v", "${HOME}/.ssh:/root/.ssh:ro"}, "fs ~/.ssh loud"},
		{[]string{"-v", "${SRC_DIR}:/src"}, "fs ${SRC_DIR} rw loud"},
		// The engine socket.
		{[]string{"--use-api-socket"}, "host --use-api-socket loud"},
		// Devices.
		{[]string{"--device", "/dev/kvm"}, "device device /dev/kvm loud"},
		{[]string{"--device=/dev/fuse"}, "device device /dev/fuse loud"},
		{[]string{"--gpus", "all"}, "device gpus all loud"},
		{[]string{"--device-cgroup-rule", "c 1:3 mr"}, "device device-cgroup-rule c 1:3 mr loud"},
		// Privilege.
		{[]string{"--privileged"}, "cap --privileged loud"},
		{[]string{"--privileged=true"}, "cap --privileged loud"},
		{[]string{"--cap-add", "sys_admin"}, "cap SYS_ADMIN loud"},
		{[]string{"--cap-add=CAP_NET_ADMIN"}, "cap NET_ADMIN loud"},
		{[]string{"--cap-drop=ALL"}, "isolation --cap-drop ALL"},
		{[]string{"--security-opt", "no-new-privileges"}, "isolation --security-opt no-new-privileges"},
		{[]string{"--security-opt=no-new-privileges:true"}, "isolation --security-opt no-new-privileges"},
		{[]string{"--security-opt", "seccomp=unconfined"}, "security-opt seccomp=unconfined loud"},
		{[]string{"--security-opt", "apparmor:unconfined"}, "security-opt apparmor:unconfined loud"},
		{[]string{"--security-opt", "label=disable"}, "security-opt label=disable loud"},
		{[]string{"--security-opt", "label=type:spc_t"}, "security-opt label=type:spc_t loud"},
		{[]string{"--security-opt=label:type:unconfined_t"}, "security-opt label:type:unconfined_t loud"},
		{[]string{"--security-opt", "label=type:container_t"}, "security-opt label=type:container_t"},
		{[]string{"--security-opt", "seccomp=/p.json"}, "security-opt seccomp=/p.json loud"},
		{[]string{"--security-opt", "seccomp:./p.json"}, "security-opt seccomp:./p.json loud"},
		{[]string{"--security-opt", "seccomp=builtin"}, "security-opt seccomp=builtin"},
		{[]string{"--runtime", "runc"}, "security-opt --runtime runc"},
		{[]string{"--sysctl", "net.ipv4.ip_forward=1"}, "security-opt --sysctl net.ipv4.ip_forward=1"},
		// Namespaces.
		{[]string{"--pid", "host"}, "namespace pid=host loud"},
		{[]string{"--ipc=host"}, "namespace ipc=host loud"},
		{[]string{"--uts", "host"}, "namespace uts=host loud"},
		{[]string{"--userns=host"}, "namespace userns=host loud"},
		{[]string{"--cgroupns", "host"}, "namespace cgroupns=host loud"},
		{[]string{"--pid", "container:db"}, "namespace pid=container:db loud"},
		{[]string{"--ipc=container:db"}, "namespace ipc=container:db loud"},
		{[]string{"--cgroupns=private"}, "isolation --cgroupns private"},
		// Network.
		{[]string{"--network", "host"}, "network host"},
		{[]string{"--net=none"}, "network none"},
		{[]string{"--network", "container:db"}, "network container:db loud"},
		{[]string{"--net=container:${input:c}"}, "network container:${input:c} loud"},
		{[]string{"--network", "host", "--network", "bridge"}, "network host"},
		{[]string{"--net=bridge", "--net=host"}, "network host"},
		{[]string{"--network=slirp4netns:allow_host_loopback=true"}, "network slirp4netns:allow_host_loopback=true loud"},
		{[]string{"--network", "pasta:--map-host-loopback,10.0.2.2"}, "network pasta:--map-host-loopback,10.0.2.2 loud"},
		{[]string{"--network", "pasta:--no-map-gw"}, "network pasta:--no-map-gw"},
		// pasta's -T/-U forward the container's loopback ports to the host's.
		{[]string{"--network", "pasta:-T,2375"}, "network pasta:-T,2375 loud"},
		{[]string{"--network=pasta:--tcp-ns=auto"}, "network pasta:--tcp-ns=auto loud"},
		{[]string{"--network", "pasta:-U53"}, "network pasta:-U53 loud"},
		{[]string{"--network", "pasta:-T,none,-U,none,-t,8080"}, "network pasta:-T,none,-U,none,-t,8080"},
		{[]string{"-p", "8080:80"}, "network -p 8080:80"},
		{[]string{"-P"}, "network -P"},
		{[]string{"--add-host=api.github.com:10.0.0.1"}, "network --add-host=api.github.com:10.0.0.1"},
		{[]string{"--dns", "1.1.1.1"}, "network --dns 1.1.1.1"},
		// Environment and identity.
		{[]string{"-e", "GITHUB_TOKEN"}, "env GITHUB_TOKEN"},
		{[]string{"-eMODE=ro"}, "env MODE=ro"}, // a literal: the config's own
		{[]string{"--env=A=b"}, "env A=b"},
		{[]string{"-e", "TOKEN=${GITHUB_TOKEN}"}, "env TOKEN"}, // the host's value
		{[]string{"--env-file", ".env"}, "env-file .env"},
		{[]string{"--env-file=${HOME}/.env"}, "env-file ~/.env loud"},
		{[]string{"--env-host"}, "env *"},
		{[]string{"-u", "1000:1000"}, "isolation --user 1000:1000"},
		{[]string{"--user=0"}, "user root"},
		{[]string{"--group-add", "999"}, "cap group 999"},
		// A value the client fills in at launch may be the widest one.
		{[]string{"--user", "${RUN_AS}"}, "user root"},
		{[]string{"--network", "${NET}"}, "network ${NET} loud"},
		{[]string{"--security-opt", "${SEC}"}, "security-opt ${SEC} loud"},
		{[]string{"--pid=${PID_NS}"}, "namespace pid=${PID_NS} loud"},
		// Other.
		{[]string{"--read-only"}, "isolation --read-only"},
		{[]string{"--cidfile", "/tmp/cid"}, "fs /tmp/cid rw"},
		// Unknown and malformed: raw, never skipped.
		{[]string{"--frobnicate"}, "raw --frobnicate"},
		{[]string{"--frobnicate=1"}, "raw --frobnicate=1"},
		{[]string{"-Z"}, "raw -Z"},
		{[]string{"--privileged=maybe"}, "raw --privileged=maybe"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			t.Parallel()
			gs, image := dockerSet(t, append(c.args, "img", "--not-an-option")...)
			want := strings.Split(c.want, "\n")
			for _, w := range want {
				if !gs[w] {
					t.Errorf("grants %v lack %q", gs, w)
				}
			}
			// Nothing else but what `docker run img` grants anyway.
			for g := range gs {
				if !slices.Contains(want, g) && g != "network bridge" && g != "user root" {
					t.Errorf("grant %q beyond %q (all: %v)", g, want, gs)
				}
			}
			if image != "img" {
				t.Errorf("image %q", image)
			}
		})
	}
}

// TestDockerSpellings: clusters, attached values, booleans turned off and
// a flag missing its value.
func TestDockerSpellings(t *testing.T) {
	t.Parallel()
	gs, image := dockerSet(t, "-itd", "--rm", "-v/a:/a", "img")
	if !gs["fs /a rw"] || image != "img" {
		t.Errorf("cluster: %v %q", gs, image)
	}
	gs, _ = dockerSet(t, "-iv", "/b:/b", "img")
	if !gs["fs /b rw"] {
		t.Errorf("cluster ending in a value flag: %v", gs)
	}
	gs, _ = dockerSet(t, "--privileged=false", "--read-only=false", "img")
	if gs["cap --privileged loud"] || gs["isolation --read-only"] {
		t.Errorf("=false read as on: %v", gs)
	}
	gs, _ = dockerSet(t, "--read-only", "--read-only=false", "img")
	if gs["isolation --read-only"] {
		t.Errorf("--read-only=false after --read-only read as read-only: %v", gs)
	}
	gs, _ = dockerSet(t, "--read-only=false", "--read-only", "img")
	if !gs["isolation --read-only"] {
		t.Errorf("--read-only after --read-only=false not read: %v", gs)
	}
	gs, image = dockerSet(t, "-v")
	if !gs["raw -v (no value)"] || image != "" {
		t.Errorf("missing value: %v %q", gs, image)
	}
	gs, image = dockerSet(t, "${EXTRA}", "img")
	if image != "${EXTRA}" || !gs["raw ${EXTRA} loud"] {
		t.Errorf("a variable where the image is may be any option: %v %q", gs, image)
	}
	gs, _ = dockerSet(t, "--", "${IMAGE}")
	if gs["raw ${IMAGE} loud"] {
		t.Errorf("after --, a variable is the image: %v", gs)
	}
	gs, image = dockerSet(t, "--", "-img")
	if image != "-img" || gs["raw -img"] {
		t.Errorf("after --: %v %q", gs, image)
	}
}

// TestDockerTableComplete: every option of docker run's flag set
// (docker/cli opts.go, run.go, create.go) is in the table.
func TestDockerTableComplete(t *testing.T) {
	t.Parallel()
	docker := strings.Fields(`--add-host --annotation --attach -a --blkio-weight --blkio-weight-device --cap-add --cap-drop
	--cgroup-parent --cgroupns --cidfile --cpu-count --cpu-percent --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime
	--cpu-shares -c --cpus --cpuset-cpus --cpuset-mems --detach -d --detach-keys --device --device-cgroup-rule
	--device-read-bps --device-read-iops --device-write-bps --device-write-iops --disable-content-trust --dns --dns-option
	--dns-opt --dns-search --domainname --entrypoint --env -e --env-file --expose --gpus --group-add --health-cmd
	--health-interval --health-retries --health-start-interval --health-start-period --health-timeout --hostname -h --init
	--interactive -i --io-maxbandwidth --io-maxiops --ip --ip6 --ipc --isolation --kernel-memory --label -l --label-file
	--link --link-local-ip --log-driver --log-opt --mac-address --memory -m --memory-reservation --memory-swap
	--memory-swappiness --mount --name --network --net --network-alias --net-alias --no-healthcheck --oom-kill-disable
	--oom-score-adj --pid --pids-limit --platform --privileged --publish -p --publish-all -P --pull --quiet -q --read-only
	--restart --rm --runtime --security-opt --shm-size --sig-proxy --stop-signal --stop-timeout --storage-opt --sysctl
	--tmpfs --tty -t --ulimit --use-api-socket --user -u --userns --uts --volume -v --volume-driver --volumes-from --workdir -w`)
	for _, f := range docker {
		if !slices.Contains(DockerFlags(), f) {
			t.Errorf("docker run option %s is not in the table", f)
		}
	}
}
