#!/bin/sh
# One full converge of the peer workload, as the shared comparison runs every tool:
#   bench/peer-workload/converge.sh      (DM_AGENT overrides the binary, default build/bin/dm-agent)
here=$(cd "$(dirname "$0")" && pwd)
exec "${DM_AGENT:-$here/../../build/bin/dm-agent}" apply "$here" --state-dir /tmp/peer-bench/.state/dm >/dev/null
