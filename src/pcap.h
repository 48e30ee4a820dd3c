/* pcap.h - the classic libpcap capture file, as skboutput() writes it.
 *
 * A file is a 24-byte header (magic 0xa1b2c3d4: microsecond timestamps,
 * version 2.4, snaplen 65535, link type 101 LINKTYPE_RAW: each packet
 * starts at its IP header) and then one record per packet: seconds,
 * microseconds, the bytes saved and the packet's length (u32 each, in
 * the writer's byte order, which the magic tells readers), and the bytes.
 * bpftrace writes the same through libpcap's pcap_dump; this writes it
 * itself, so fathom needs no libpcap. */
#ifndef FATHOM_PCAP_H
#define FATHOM_PCAP_H

#include <stdint.h>
#include <stdio.h>

#define FTH_PCAP_MAGIC 0xa1b2c3d4u
#define FTH_PCAP_VERSION_MAJOR 2
#define FTH_PCAP_VERSION_MINOR 4
#define FTH_PCAP_SNAPLEN 65535u
#define FTH_PCAP_LINKTYPE_RAW 101u
#define FTH_PCAP_HEADER_SIZE 24
#define FTH_PCAP_RECORD_HEADER_SIZE 16

/* Write the file header to f. 0 or a negative errno. */
int fth_pcap_write_header(FILE *f);

/* One packet seen at wall-clock time wall_ns: its first caplen bytes
 * (data), of len in all. 0 or a negative errno. */
int fth_pcap_write_record(FILE *f, uint64_t wall_ns, const void *data, uint32_t caplen, uint32_t len);

/* Create (or truncate) path and write the header; NULL with errno set
 * when it cannot be opened or written. */
FILE *fth_pcap_create(const char *path);

#endif
