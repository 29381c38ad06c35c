/* icmp.h — ICMP echo packets, pure (the sockets are in work.c). */
#ifndef ICMP_H
#define ICMP_H

#include <stddef.h>
#include <stdint.h>

#define ICMP_ECHO_LEN 64           /* 8-byte header + 56 bytes of data */

/* RFC 1071 Internet checksum of len bytes. */
uint16_t icmp_checksum(const void *data, size_t len);

/* Fill buf (ICMP_ECHO_LEN bytes) with an echo request. */
void icmp_build_echo(uint8_t *buf, uint16_t id, uint16_t seq);

/* Parse a received packet: raw=1 when it starts with an IPv4 header
 * (SOCK_RAW), 0 for an ICMP datagram socket. Returns the echo-reply
 * sequence number, or -1 if it is not an echo reply (or, when check_id,
 * not one with this id). */
int icmp_parse_reply(const uint8_t *buf, size_t len, int raw, int check_id, uint16_t id);

#endif
