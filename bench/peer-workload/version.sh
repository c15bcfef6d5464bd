#!/bin/sh
here=$(cd "$(dirname "$0")" && pwd)
exec "${DM_AGENT:-$here/../../build/bin/dm-agent}" --version
