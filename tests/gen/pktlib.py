"""pktlib.py - what the capture generators of tests/gen share: the
Internet checksum (RFC 1071), an IPv4 TCP segment with both checksums,
and the classic pcap file format."""
import struct

LINKTYPE_ETHERNET, LINKTYPE_RAW = 1, 101


def csum(b):
    """The Internet checksum of bytes b (an odd length padded with a zero)."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp4_segment(src, dst, sport, dport, flags, seq, ack, data=b""):
    """An IPv4 packet (DF, TTL 64) holding a TCP segment without options,
    window 65535, both checksums right."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flags, 65535, 0, 0) + data
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + tcp


def write_pcap(path, linktype, records):
    """Write records, (seconds, microseconds, frame) or (seconds,
    microseconds, frame, caplen) with the frame cut to caplen, to the
    pcap file path (microsecond times, snapshot length 65535)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for r in records:
            sec, usec, frame = r[:3]
            caplen = r[3] if len(r) > 3 else len(frame)
            f.write(struct.pack("<IIII", sec, usec, caplen, len(frame)))
            f.write(frame[:caplen])
