/* pcap_check FILE SKIP: describe a classic pcap file, one line each, for
 * tests to match (the e2e tests do not rely on tcpdump):
 *
 *   header magic=a1b2c3d4 version=2.4 thiszone=0 snaplen=65535 linktype=101
 *   record N ts=SEC.USEC caplen=C len=L [first14=HEX] ipv4 proto=P src=A dst=B [dport=D] [payload=TEXT]
 *   records=N
 *
 * SKIP is the number of bytes in front of each record's IPv4 header (0
 * for raw IP; the bytes skipped are shown as first14=). A record that is
 * not IPv4 there says "not-ipv4". Exit 1 on a short or malformed file. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint16_t u16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void print_ipv4(const uint8_t *ip, uint32_t n)
{
	uint32_t ihl;

	if (n < 20 || ip[0] >> 4 != 4) {
		printf(" not-ipv4");
		return;
	}
	ihl = (ip[0] & 15u) * 4;
	printf(" ipv4 proto=%u src=%u.%u.%u.%u dst=%u.%u.%u.%u", ip[9], ip[12], ip[13], ip[14], ip[15], ip[16], ip[17],
	       ip[18], ip[19]);
	if (ip[9] != 17 || n < ihl + 8)
		return;
	printf(" dport=%u payload=", be16(ip + ihl + 2));
	for (uint32_t i = ihl + 8; i < n; i++)
		putchar(isprint(ip[i]) ? ip[i] : '.');
}

int main(int argc, char **argv)
{
	static uint8_t buf[1 << 20];
	uint32_t skip, count = 0;
	size_t len, at;
	FILE *f;

	if (argc != 3 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: pcap_check FILE SKIP (a readable file)\n");
		return 2;
	}
	skip = (uint32_t)strtoul(argv[2], NULL, 0);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (len < 24) {
		printf("short header: %zu bytes\n", len);
		return 1;
	}
	printf("header magic=%08x version=%u.%u thiszone=%u snaplen=%u linktype=%u\n", u32(buf), u16(buf + 4),
	       u16(buf + 6), u32(buf + 8), u32(buf + 16), u32(buf + 20));
	for (at = 24; at < len; count++) {
		uint32_t caplen, plen;
		if (len - at < 16) {
			printf("short record header at %zu\n", at);
			return 1;
		}
		caplen = u32(buf + at + 8);
		plen = u32(buf + at + 12);
		printf("record %u ts=%u.%06u caplen=%u len=%u", count, u32(buf + at), u32(buf + at + 4), caplen, plen);
		at += 16;
		if (len - at < caplen) {
			printf(" short data\n");
			return 1;
		}
		if (skip) {
			printf(" first%u=", skip);
			for (uint32_t i = 0; i < skip && i < caplen; i++)
				printf("%02x", buf[at + i]);
		}
		if (caplen > skip)
			print_ipv4(buf + at + skip, caplen - skip);
		putchar('\n');
		at += caplen;
	}
	printf("records=%u\n", count);
	return 0;
}
