#include <stdio.h>

#include "sizing.h"

uint64_t sizing_dom0_avail_kib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "MemAvailable: %llu kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

uint64_t sizing_need_kib(unsigned memory_mib)
{
	uint64_t kib = (uint64_t)memory_mib * 1024u + SIZING_OVERHEAD_KIB;

	return (kib + SIZING_ROUND_KIB - 1) / SIZING_ROUND_KIB * SIZING_ROUND_KIB;
}

unsigned sizing_fits(uint64_t free_kib, unsigned memory_mib, uint64_t reserve_kib)
{
	uint64_t need = sizing_need_kib(memory_mib);

	if (memory_mib == 0 || free_kib <= reserve_kib)
		return 0;
	return (unsigned)((free_kib - reserve_kib) / need);
}

unsigned sizing_fits_dom0(uint64_t dom0_avail_kib)
{
	if (dom0_avail_kib <= SIZING_DOM0_RESERVE_KIB)
		return 0;
	return (unsigned)((dom0_avail_kib - SIZING_DOM0_RESERVE_KIB) / SIZING_DOM0_PER_GUEST_KIB);
}
