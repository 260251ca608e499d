// Package enforce holds no API: its tests compile manifests with this
// project's compiler and run the results in the real enforcers (bubblewrap,
// squid, nftables, and the docker target under podman) to prove that the
// emitted policies hold. See docs/enforcement.md for what is proven and what
// remains the host's job.
package enforce
