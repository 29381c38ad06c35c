#include "sizing.h"

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
