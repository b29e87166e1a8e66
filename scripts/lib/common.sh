# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts: where the cache lives and how test kernels are named.

: "${NFIPSEC_CACHE:=/var/cache/nfipsec}"
export NFIPSEC_CACHE

info() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# kernel_version TAG: 6.1, 6.12, debug, or a full version string -> version
kernel_version() {
	case $1 in
	6.1|6.12|debug)
		[ -r "$NFIPSEC_CACHE/kernels/$1" ] ||
			die "test kernel $1 missing; run scripts/deps"
		cat "$NFIPSEC_CACHE/kernels/$1" ;;
	*) echo "$1" ;;
	esac
}

kernel_root() { echo "$NFIPSEC_CACHE/kernels/$(kernel_version "$1")"; }
