/* pcap.c - the libpcap capture file format, see pcap.h. */
#include "pcap.h"

#include <errno.h>
#include <string.h>

/* Fields are written in host order one by one: the structs of
 * <pcap/pcap.h> would be padded differently on other ABIs. */
static size_t put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return 4;
}

static size_t put_u16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
	return 2;
}

static int write_all(FILE *f, const void *data, size_t len)
{
	if (len && fwrite(data, 1, len, f) != len)
		return ferror(f) && errno ? -errno : -EIO;
	return 0;
}

int fth_pcap_write_header(FILE *f)
{
	uint8_t h[FTH_PCAP_HEADER_SIZE];
	size_t n = 0;

	n += put_u32(h + n, FTH_PCAP_MAGIC);
	n += put_u16(h + n, FTH_PCAP_VERSION_MAJOR);
	n += put_u16(h + n, FTH_PCAP_VERSION_MINOR);
	n += put_u32(h + n, 0); /* thiszone: timestamps are UTC */
	n += put_u32(h + n, 0); /* sigfigs, always 0 */
	n += put_u32(h + n, FTH_PCAP_SNAPLEN);
	n += put_u32(h + n, FTH_PCAP_LINKTYPE_RAW);
	return write_all(f, h, n);
}

int fth_pcap_write_record(FILE *f, uint64_t wall_ns, const void *data, uint32_t caplen, uint32_t len)
{
	uint8_t h[FTH_PCAP_RECORD_HEADER_SIZE];
	size_t n = 0;
	int err;

	n += put_u32(h + n, (uint32_t)(wall_ns / 1000000000u));
	n += put_u32(h + n, (uint32_t)(wall_ns % 1000000000u / 1000u));
	n += put_u32(h + n, caplen);
	n += put_u32(h + n, len < caplen ? caplen : len);
	err = write_all(f, h, n);
	return err ? err : write_all(f, data, caplen);
}

FILE *fth_pcap_create(const char *path)
{
	FILE *f = fopen(path, "wb");
	int err;

	if (!f)
		return NULL;
	err = fth_pcap_write_header(f);
	if (!err && fflush(f))
		err = -errno;
	if (err) {
		fclose(f);
		errno = -err;
		return NULL;
	}
	return f;
}
