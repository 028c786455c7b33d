#!/usr/bin/env python3
"""kernel-oracle.py - the servers, clients and comparison of
tests/cli/test-kernel-oracle.sh: Linux as the oracle of demuxsim's lookup.

  kernel-oracle.py server CASE LOG NAMES   bind CASE's sockets, write "NAME FD"
                                           lines then "ready" to NAMES, and log
                                           "NAME PROTO PEER PORT" to LOG for each
                                           datagram received and connection
                                           accepted; on SIGTERM, read what is
                                           queued, log it and exit
  kernel-oracle.py preflows CASE GO        the connections CASE makes before
                                           the capture: "ready" on standard
                                           output once made, then, when file GO
                                           exists, a few bytes on each and close
  kernel-oracle.py client CASE             send CASE's flows
  kernel-oracle.py mark PCAP               send a datagram to the server's port
                                           9 until it is in PCAP (the capture
                                           runs); exit 1 after 30 s
  kernel-oracle.py captured CASE PCAP      wait up to 30 s until PCAP holds
                                           every packet of CASE's flows (UDP:
                                           its datagrams; TCP: both FINs)
  kernel-oracle.py cases | families CASE   the cases' names; "4" or "4 6"
  kernel-oracle.py compare CASE DIR        compare DIR/{kernel.log,names,ss.txt,
                                           trace.jsonl,report.json}: exit 0 when
                                           every flow reached, in demuxsim, the
                                           socket the kernel used

The server's address is 10.98.0.2 / fd00:98::2, the client's 10.98.0.1 /
fd00:98::1.  A flow is one client source port: a few datagrams, or one TCP
connection (SYN, a few bytes, FIN).  Sockets of a case bound to one port
have the options Linux needs to bind them together (SO_REUSEADDR for UDP,
SO_REUSEPORT for listeners), as the programs that bind so do.
"""
import json
import os
import re
import selectors
import signal
import socket
import struct
import sys
import time

SRV4, SRV6, CLI4, CLI6 = "10.98.0.2", "fd00:98::2", "10.98.0.1", "fd00:98::1"
A4, A6 = socket.AF_INET, socket.AF_INET6
U, T = socket.SOCK_DGRAM, socket.SOCK_STREAM

# name: (family, type, address, port, options); options: reuseaddr, reuseport,
# v6only (0/1), backlog, connect (peer address, port).
CASES = {
    "udp-specific": {
        "sockets": [("any", A4, U, "0.0.0.0", 6001, {"reuseaddr": 1}),
                    ("spec", A4, U, SRV4, 6001, {"reuseaddr": 1})],
        "flows": [("udp", 4, 51001, 6001), ("udp", 4, 51002, 6001)],
    },
    "udp-connected": {
        "sockets": [("any", A4, U, "0.0.0.0", 6002, {"reuseaddr": 1}),
                    ("conn", A4, U, SRV4, 6002, {"reuseaddr": 1, "connect": (CLI4, 52001)})],
        "flows": [("udp", 4, 52001, 6002), ("udp", 4, 52002, 6002), ("udp", 4, 52003, 6002)],
    },
    "dualstack": {
        "sockets": [("dual", A6, U, "::", 6003, {"v6only": 0}),
                    ("only6", A6, U, "::", 6004, {"v6only": 1})],
        "flows": [("udp", 4, 53001, 6003), ("udp", 6, 53002, 6003),
                  ("udp", 4, 53003, 6004), ("udp", 6, 53004, 6004)],
    },
    "inet-beside-dualstack": {
        "sockets": [("dual", A6, U, "::", 6005, {"v6only": 0, "reuseaddr": 1}),
                    ("inet", A4, U, "0.0.0.0", 6005, {"reuseaddr": 1})],
        "flows": [("udp", 4, 54001, 6005), ("udp", 6, 54002, 6005), ("udp", 4, 54003, 6005)],
    },
    "reuseport": {
        "sockets": [("u%d" % i, A4, U, "0.0.0.0", 6006, {"reuseport": 1}) for i in range(4)] +
                   [("t%d" % i, A4, T, "0.0.0.0", 6106, {"reuseport": 1}) for i in range(2)],
        "flows": [("udp", 4, 55000 + i, 6006) for i in range(8)] +
                 [("tcp", 4, 55100 + i, 6106) for i in range(6)],
    },
    "tcp-specific": {
        "sockets": [("any", A4, T, "0.0.0.0", 6007, {"reuseport": 1}),
                    ("spec", A4, T, SRV4, 6007, {"reuseport": 1})],
        "flows": [("tcp", 4, 56001, 6007), ("tcp", 4, 56002, 6007)],
    },
    "dualstack-listener": {
        "sockets": [("dual", A6, T, "::", 6008, {"v6only": 0})],
        "flows": [("tcp", 4, 57001, 6008), ("tcp", 6, 57002, 6008), ("tcp", 4, 57003, 6008)],
    },
    "syncookie": {
        "sockets": [("l", A4, T, "0.0.0.0", 6009, {"backlog": 1})],
        "flows": [("tcp", 4, 58000 + i, 6009) for i in range(6)],
        "syncookies": True,
    },
    "established": {
        "sockets": [("l", A4, T, "0.0.0.0", 6010, {})],
        "preflows": [("tcp", 4, 59001, 6010)],
        "flows": [("tcp", 4, 59001, 6010), ("tcp", 4, 59002, 6010)],
    },
}


def out(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def bind_socket(fam, typ, addr, port, o):
    s = socket.socket(fam, typ)
    if o.get("reuseaddr"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if o.get("reuseport"):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if "v6only" in o:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, o["v6only"])
    s.bind((addr, port))
    if "connect" in o:
        s.connect(o["connect"])
    if typ == T:
        s.listen(o.get("backlog", 4096))
    s.setblocking(False)
    return s


def peer_text(addr):
    return addr[7:] if addr.startswith("::ffff:") else addr


class Stop(Exception):
    pass


def on_term(signum, frame):
    raise Stop()


def serve_one(sel, log, key):
    """Read what @key's socket has; False when it had nothing."""
    kind, name, typ = key.data
    s = key.fileobj
    try:
        if kind == "conn":
            if not s.recv(4096):
                sel.unregister(s)
                s.close()
        elif typ == U:
            data, peer = s.recvfrom(4096)
            out(log, "%s udp %s %d" % (name, peer_text(peer[0]), peer[1]))
        else:
            c, peer = s.accept()
            out(log, "%s tcp %s %d" % (name, peer_text(peer[0]), peer[1]))
            c.setblocking(False)
            sel.register(c, selectors.EVENT_READ, ("conn", name, T))
    except (BlockingIOError, ConnectionError):
        return False
    return True


def server(case, log, names):
    signal.signal(signal.SIGTERM, on_term)
    sel = selectors.DefaultSelector()
    bound = []
    for name, fam, typ, addr, port, o in CASES[case]["sockets"]:
        s = bind_socket(fam, typ, addr, port, o)
        sel.register(s, selectors.EVENT_READ, ("sock", name, typ))
        bound.append(sel.get_key(s))
        out(names, "%s %d" % (name, s.fileno()))
    out(names, "ready")
    try:
        while True:
            for key, _ in sel.select():
                serve_one(sel, log, key)
    except Stop:
        pass
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for key in bound:   # what the kernel queued before the end
        while serve_one(sel, log, key):
            pass


def client_socket(proto, fam, sport):
    s = socket.socket(A4 if fam == 4 else A6, T if proto == "tcp" else U)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((CLI4 if fam == 4 else CLI6, sport))
    return s


def tcp_connect(fam, sport, dport):
    s = client_socket("tcp", fam, sport)
    s.settimeout(20)   # a loaded machine can be slow
    s.connect((SRV4 if fam == 4 else SRV6, dport))
    return s


def preflows(case, go):
    """Connections open before the capture, sent on during it."""
    held = []
    for proto, fam, sport, dport in CASES[case].get("preflows", []):
        held.append(tcp_connect(fam, sport, dport))
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.05)
    for s in held:
        s.sendall(b"from before the capture")
        time.sleep(0.05)
        s.close()


def client(case):
    for proto, fam, sport, dport in CASES[case]["flows"]:
        if proto == "udp":
            s = client_socket(proto, fam, sport)
            for i in range(3):
                s.sendto(b"datagram %d" % i, (SRV4 if fam == 4 else SRV6, dport))
                time.sleep(0.01)
            s.close()
            continue
        pre = (proto, fam, sport, dport) in CASES[case].get("preflows", [])
        if pre:
            continue   # sent on by the preflows process
        s = tcp_connect(fam, sport, dport)
        s.sendall(b"hello")
        time.sleep(0.05)
        s.close()
        time.sleep(0.05)


# ---- the capture -----------------------------------------------------------

def pcap_packets(path):
    """(proto, src, sport, dst, dport, tcp flags) of each whole packet of
    the Ethernet pcap @path (a record being written is left out)."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return []
    if len(data) < 24:
        return []
    end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    pkts, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < incl:
            break
        p = parse_frame(frame)
        if p:
            pkts.append(p)
    return pkts


def parse_frame(f):
    if len(f) < 14:
        return None
    etype = struct.unpack("!H", f[12:14])[0]
    ip = f[14:]
    if etype == 0x0800 and len(ip) >= 20:
        proto, hl = ip[9], (ip[0] & 15) * 4
        src, dst = socket.inet_ntop(A4, ip[12:16]), socket.inet_ntop(A4, ip[16:20])
    elif etype == 0x86DD and len(ip) >= 40:
        proto, hl = ip[6], 40
        src, dst = socket.inet_ntop(A6, ip[8:24]), socket.inet_ntop(A6, ip[24:40])
    else:
        return None
    l4 = ip[hl:]
    if proto not in (6, 17) or len(l4) < (14 if proto == 6 else 8):
        return None
    sport, dport = struct.unpack("!HH", l4[:4])
    return ("tcp" if proto == 6 else "udp", src, sport, dst, dport,
            l4[13] if proto == 6 else 0)


def missing(case, path):
    """The flows of @case whose packets are not all in the capture yet."""
    pkts = pcap_packets(path)
    left = []
    for proto, fam, sport, dport in CASES[case]["flows"]:
        cli, srv = (CLI4, SRV4) if fam == 4 else (CLI6, SRV6)
        mine = [p for p in pkts if p[0] == proto and
                ((p[1], p[2], p[3], p[4]) == (cli, sport, srv, dport) or
                 (p[1], p[2], p[3], p[4]) == (srv, dport, cli, sport))]
        if proto == "udp":
            ok = len([p for p in mine if p[1] == cli]) >= 3
        else:   # both FINs
            ok = {p[1] for p in mine if p[5] & 1} == {cli, srv}
        if not ok:
            left.append("%s %s:%d" % (proto, cli, sport))
    return left


def captured(case, path):
    deadline = time.time() + 30
    while True:
        left = missing(case, path)
        if not left:
            return 0
        if time.time() > deadline:
            print("not in the capture after 30 s: " + ", ".join(left))
            return 1
        time.sleep(0.1)


def mark(path):
    s = client_socket("udp", 4, 50999)
    deadline = time.time() + 30
    while time.time() < deadline:
        s.sendto(b"marker", (SRV4, 9))
        for _ in range(5):
            time.sleep(0.1)
            if any(p[:3] == ("udp", CLI4, 50999) for p in pcap_packets(path)):
                return 0
    return 1


# ---- comparison ------------------------------------------------------------

def norm_ep(text):
    """An ss or demuxsim endpoint as "ADDR:PORT", ADDR 0.0.0.0, [::], a.b.c.d
    or [v6] (IPv4-mapped as IPv4, scopes dropped)."""
    addr, port = text.rsplit(":", 1)
    addr = re.sub(r"%[^\]]*", "", addr)
    if addr == "*":
        addr = "[::]"
    if addr.startswith("[::ffff:") and "." in addr:
        addr = addr[8:-1]
    if addr.startswith("[") and addr != "[::]":
        addr = "[%s]" % socket.inet_ntop(A6, socket.inet_pton(A6, addr[1:-1]))
    return "%s:%s" % (addr, port)


def ss_sockets(path):
    """fd -> (proto, local, peer or None) of the server's rows."""
    fds = {}
    for line in open(path):
        w = line.split()
        if len(w) < 6 or w[0] not in ("tcp", "udp"):
            continue
        m = re.search(r"fd=(\d+)", line)
        if not m or w[1] not in ("LISTEN", "UNCONN", "ESTAB"):
            continue
        peer = None if w[5].endswith(":*") else norm_ep(w[5])
        if w[0] == "tcp" and w[1] == "ESTAB":
            continue   # an accepted connection, not a bound socket
        fds.setdefault(int(m.group(1)), (w[0], norm_ep(w[4]), peer))
    return fds


def kernel_flows(d):
    names = {}
    for line in open(os.path.join(d, "names")):
        w = line.split()
        if len(w) == 2:
            names[w[0]] = int(w[1])
    fds = ss_sockets(os.path.join(d, "ss.txt"))
    where = {n: fds.get(fd) for n, fd in names.items()}
    flows = {}
    for line in open(os.path.join(d, "kernel.log")):
        name, proto, peer, port = line.split()
        flows.setdefault((proto, peer, int(port)), set()).add(name)
    return where, flows


def demux_flows(d):
    report = json.load(open(os.path.join(d, "report.json")))
    socks = {}
    for h in report["hosts"]:
        for s in h["sockets"]:
            socks[s["id"]] = s
    flows = {}
    for line in open(os.path.join(d, "trace.jsonl")):
        seg = json.loads(line)
        if seg.get("host") not in (SRV4, SRV6) or seg.get("src") not in (CLI4, CLI6):
            continue
        flows.setdefault((seg["proto"], seg["src"], seg["sport"]), []).append(seg)
    return socks, flows


def demux_endpoint(socks, seg):
    """What a segment reached: (socket id, "proto local[>remote]", child id)
    or None.  A child counts as its listener (the socket id is the
    listener's), as does a SYN its listener answered with a SYN cookie
    (no child yet: the ACK that returns the cookie makes it)."""
    sid = seg.get("socket")
    if sid is None or seg.get("action") in ("refused", "dropped"):
        return None
    s = socks[sid]
    if s["proto"] == "tcp" and s["kind"] == "listen" and seg.get("syncookie") == "sent":
        return (sid, "tcp " + norm_ep(s["local"]), None)
    if s["proto"] == "tcp" and s["kind"] == "connection":
        if s.get("parent") is None:
            return (sid, "tcp connection %s>%s without a listener" % (s["local"], s["remote"]),
                    sid)
        return (s["parent"], "tcp " + norm_ep(socks[s["parent"]]["local"]), sid)
    ep = "%s %s" % (s["proto"], norm_ep(s["local"]))
    if s.get("remote"):
        ep += ">" + norm_ep(s["remote"])
    return (sid, ep, None)


def compare(case, d):
    where, kflows = kernel_flows(d)
    socks, dflows = demux_flows(d)
    bad = []
    for proto, fam, sport, dport in CASES[case]["flows"]:
        peer = CLI4 if fam == 4 else CLI6
        names = kflows.get((proto, peer, sport), set())
        if len(names) > 1:
            bad.append("%s flow from %s:%d: the kernel used %s" % (proto, peer, sport, names))
            continue
        want = None
        if names:
            (name,) = names
            p, local, rpeer = where[name]
            want = "%s %s" % (p, local) + (">" + rpeer if rpeer else "")
        segs = dflows.get((proto, peer, sport), [])
        if not segs:
            bad.append("%s flow from %s:%d: not in the capture" % (proto, peer, sport))
            continue
        got = {demux_endpoint(socks, s) for s in segs}
        ids = {g[0] for g in got if g}
        children = {g[2] for g in got if g and g[2] is not None}
        eps = {g[1] if g else None for g in got}
        if len(ids) > 1 or len(eps) > 1 or len(children) > 1:
            bad.append("%s flow from %s:%d: demuxsim used several sockets: %s"
                       % (proto, peer, sport, sorted(map(str, got))))
        elif eps != {want}:
            bad.append("%s flow from %s:%d to port %d: kernel %s (%s), demuxsim %s"
                       % (proto, peer, sport, dport, want, "/".join(names) or "no socket",
                          eps.pop()))
        if case == "established" and sport in [f[2] for f in CASES[case]["preflows"]]:
            for s in segs:
                sid = s.get("socket")
                if sid is None or not socks[sid]["declared"] or s["action"] == "spawned":
                    bad.append("frame %d of the connection from before the capture did not "
                               "reach its declared socket (%s)" % (s["frame"], s["action"]))
                    break
    if CASES[case].get("syncookies"):
        bad += compare_cookies(d, socks)
    for b in bad:
        print(b)
    return 1 if bad else 0


def compare_cookies(d, socks):
    kern = {}
    for line in open(os.path.join(d, "nstat.txt")):
        w = line.split()
        if len(w) >= 2:
            kern[w[0]] = int(w[1])
    bad = []
    for what, mib in (("sent", "TcpExtSyncookiesSent"), ("used", "TcpExtSyncookiesRecv")):
        want = kern.get(mib, 0)
        found = [s["backlog"]["syncookies_" + what] for s in socks.values()
                 if s["kind"] == "listen" and "syncookies_" + what in s.get("backlog", {})]
        if not found:
            bad.append("the report shows no SYN cookies %s by the listener (kernel: %d)"
                       % (what, want))
        elif sum(found) != want:
            bad.append("SYN cookies %s: kernel %d, demuxsim %d" % (what, want, sum(found)))
    return bad


def main():
    cmd, case = sys.argv[1], (sys.argv[2:] or [None])[0]
    if cmd == "server":
        server(case, sys.argv[3], sys.argv[4])
    elif cmd == "preflows":
        preflows(case, sys.argv[3])
    elif cmd == "client":
        client(case)
    elif cmd == "captured":
        sys.exit(captured(case, sys.argv[3]))
    elif cmd == "mark":
        sys.exit(mark(case))
    elif cmd == "compare":
        sys.exit(compare(case, sys.argv[3]))
    elif cmd == "cases":
        print(" ".join(CASES))
    elif cmd == "families":
        print("4 6" if any(f[1] == 6 for f in CASES[case]["flows"]) else "4")
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
