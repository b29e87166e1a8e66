// SPDX-License-Identifier: GPL-2.0
/*
 * A module that WARNs on load: tests/harness.sh uses it to prove that
 * scripts/vm fails a run whose kernel log holds a report.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init nfipsec_warn_init(void)
{
	WARN(1, "nfipsec harness self-test: deliberate warning\n");
	return 0;
}

static void __exit nfipsec_warn_exit(void)
{
}

module_init(nfipsec_warn_init);
module_exit(nfipsec_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Deliberately warns on load (harness self-test)");
