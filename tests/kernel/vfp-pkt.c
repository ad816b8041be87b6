/*
 * Copyright (c) 2026 The ovs-vfp authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* vfp-pkt: exact frames in and out of a Linux interface, for the kernel
 * datapath suite (tests/kernel/), what netdev-dummy/receive and tx_pcap are
 * to the autotest suite on the dummy datapath.
 *
 *   vfp-pkt send IFACE HEX...     sends each HEX as one Ethernet frame
 *   vfp-pkt listen IFACE FILE     appends each frame IFACE receives to FILE,
 *                                 one hex line each, until killed; FILE
 *                                 exists once the socket is bound
 *
 * A VLAN tag that the kernel took out of the frame (skb metadata) is put
 * back, as tcpdump does, so that FILE holds the frame as it was on the
 * wire.  Frames the interface sent are not recorded. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef TP_STATUS_VLAN_TPID_VALID
#define TP_STATUS_VLAN_TPID_VALID (1 << 6)
#endif

/* The guest tool links no OVS library, so no ovs_strerror(): perror()
 * says the same from errno. */
static void
die(const char *what)
{
    fputs("vfp-pkt: ", stderr);
    perror(what);
    exit(1);
}

static int
open_socket(const char *iface)
{
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) {
        die("socket");
    }

    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = if_nametoindex(iface),
    };
    if (!sll.sll_ifindex) {
        die(iface);
    }
    if (bind(fd, (struct sockaddr *) &sll, sizeof sll)) {
        die("bind");
    }
    return fd;
}

static int
hexval(int c)
{
    return (c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
            : -1);
}

static int
do_send(int argc, char *argv[])
{
    int fd = open_socket(argv[2]);

    for (int i = 3; i < argc; i++) {
        unsigned char frame[9216];
        const char *s = argv[i];
        size_t n = 0;

        for (; s[0] && s[1] && n < sizeof frame; s += 2) {
            int hi = hexval(s[0]), lo = hexval(s[1]);
            if (hi < 0 || lo < 0) {
                fprintf(stderr, "vfp-pkt: bad hex in frame %d\n", i - 2);
                return 1;
            }
            frame[n++] = hi << 4 | lo;
        }
        if (*s || n < ETH_HLEN) {
            fprintf(stderr, "vfp-pkt: frame %d is not an even number of "
                    "hex digits, or too short\n", i - 2);
            return 1;
        }
        if (send(fd, frame, n, 0) != (ssize_t) n) {
            die("send");
        }
    }
    return 0;
}

static void
do_listen(char *argv[])
{
    int fd = open_socket(argv[2]);
    int one = 1;

    if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one)) {
        die("PACKET_AUXDATA");
    }

    FILE *out = fopen(argv[3], "a");
    if (!out) {
        die(argv[3]);
    }
    setvbuf(out, NULL, _IOLBF, 0);

    for (;;) {
        unsigned char frame[9216 + 4];
        union {
            struct cmsghdr cmsg;
            char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
        } control;
        struct sockaddr_ll from;
        struct iovec iov = { frame, sizeof frame - 4 };
        struct msghdr msg = {
            .msg_name = &from, .msg_namelen = sizeof from,
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = &control, .msg_controllen = sizeof control,
        };

        ssize_t n = recvmsg(fd, &msg, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            } else if (errno == ENETDOWN || errno == ENODEV
                       || errno == ENXIO) {
                /* The interface went away: the test is over. */
                exit(0);
            }
            die("recvmsg");
        }
        if (from.sll_pkttype == PACKET_OUTGOING) {
            continue;
        }

        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
             c = CMSG_NXTHDR(&msg, c)) {
            struct tpacket_auxdata aux;

            if (c->cmsg_level != SOL_PACKET
                || c->cmsg_type != PACKET_AUXDATA) {
                continue;
            }
            memcpy(&aux, CMSG_DATA(c), sizeof aux);
            if (n >= 2 * ETH_ALEN
                && (aux.tp_vlan_tci || aux.tp_status & TP_STATUS_VLAN_VALID)) {
                uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID
                                 ? aux.tp_vlan_tpid : ETH_P_8021Q);

                memmove(frame + 2 * ETH_ALEN + 4, frame + 2 * ETH_ALEN,
                        n - 2 * ETH_ALEN);
                frame[12] = tpid >> 8;
                frame[13] = tpid;
                frame[14] = aux.tp_vlan_tci >> 8;
                frame[15] = aux.tp_vlan_tci;
                n += 4;
            }
        }

        for (ssize_t i = 0; i < n; i++) {
            fprintf(out, "%02x", frame[i]);
        }
        fputc('\n', out);
    }
}

int
main(int argc, char *argv[])
{
    if (argc >= 4 && !strcmp(argv[1], "send")) {
        return do_send(argc, argv);
    } else if (argc == 4 && !strcmp(argv[1], "listen")) {
        do_listen(argv);
    }
    fprintf(stderr, "usage: vfp-pkt send IFACE HEX...\n"
            "       vfp-pkt listen IFACE FILE\n");
    return 2;
}
