/* icmp.c — ICMP echo request/reply encoding (see icmp.h). */
#include "icmp.h"

#include <string.h>

uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void icmp_build_echo(uint8_t *buf, uint16_t id, uint16_t seq)
{
	uint16_t c;

	memset(buf, 0, ICMP_ECHO_LEN);
	buf[0] = 8;                                /* echo request, code 0 */
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	for (size_t i = 8; i < ICMP_ECHO_LEN; i++)
		buf[i] = (uint8_t)i;
	c = icmp_checksum(buf, ICMP_ECHO_LEN);
	buf[2] = (uint8_t)(c >> 8);
	buf[3] = (uint8_t)c;
}

int icmp_parse_reply(const uint8_t *buf, size_t len, int raw, int check_id, uint16_t id)
{
	if (raw) {
		size_t ihl;

		if (len < 20 || (buf[0] >> 4) != 4)
			return -1;
		ihl = (size_t)(buf[0] & 15) * 4;
		if (ihl < 20 || len < ihl)
			return -1;
		buf += ihl;
		len -= ihl;
	}
	if (len < 8 || buf[0] != 0 || buf[1] != 0)    /* echo reply, code 0 */
		return -1;
	if (check_id && (uint16_t)(buf[4] << 8 | buf[5]) != id)
		return -1;
	return buf[6] << 8 | buf[7];
}
