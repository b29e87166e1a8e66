#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed's scenarios as tests: the same steps make demo narrates
# (scripts/lib/demo-guest), as ok/FAIL lines.
exec bash "$(dirname "$0")/../../scripts/lib/demo-guest" --test
