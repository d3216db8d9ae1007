/*
 * refclient: a minimal open-loop HTTP/1.1 load client in C, the floor that this machine allows.
 *
 * It is not part of qMeter. It exists to answer one question of issue 6: when qMeter's client misses
 * a target (capacity at lag p99 <= 1 ms, token timestamp error p99 <= 200 us), is it the client, or
 * the machine? refclient does the least a load client can do on Linux -- one thread, epoll,
 * keep-alive connections, no allocation per request, no parsing beyond HTTP framing and finding each
 * SSE event's end (a blank line: the least a client must do to timestamp every token) -- and measures
 * the same figures the same way as qmeter-bench. Whatever it cannot reach, no client on this machine
 * reaches.
 *
 *   refclient lag     --port P [--path /v1/completions] --rate R [--seconds 20] [--warmup 3]
 *                     [--seed 1] [--max-conn 4096] [--spin-us 0] [--max-tokens 16]
 *       Poisson arrivals at R req/s (exponential gaps from a seeded xorshift64*). A request's
 *       dispatch time is the clock read just before its write() (the same point qMeter's
 *       LlmClient stamps); lag = dispatch - due. Figures over the requests due in the measured
 *       window [warmup, warmup + seconds).
 *       --spin-us N: block in epoll until N us before the next due time, then poll without
 *       blocking (0 = always block, with epoll_pwait2's nanosecond timeout). --busy 1: never
 *       block at all (burns a core; for the floor of timestamping).
 *
 *   refclient stamped --port P --streams N [--seconds 20] [--warmup 3] [--seed 1]
 *       Against qmeter-bench's TimestampStubMain (every token carries the server's
 *       CLOCK_MONOTONIC send time as "text":"<nanos>;"). Poisson rate N / 1.7 s (Little's law for
 *       the stub's 200 ms + 15 x 100 ms streams, as FidelityBench). Per token: the clock read
 *       right after the read() that returned it, minus the server's send time.
 *
 * Prints one name=value line per figure. Times are CLOCK_MONOTONIC, which is what Java's
 * System.nanoTime() reads on Linux.
 *
 * Build: gcc -O2 -o refclient refclient.c -lm
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t rng_state;
static double uniform01(void) { /* xorshift64*, (0, 1] */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    uint64_t x = rng_state * 2685821657736338717ULL;
    return ((x >> 11) + 1) * (1.0 / 9007199254740992.0);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return x < y ? -1 : x > y;
}

static double pct_us(int64_t *v, long n, double p) { /* nearest-rank percentile of a sorted array, in us */
    if (n == 0) return NAN;
    long k = (long) ceil(p * n) - 1;
    if (k < 0) k = 0;
    if (k >= n) k = n - 1;
    return v[k] / 1000.0;
}

/* ---- HTTP/1.1 response framing: Content-Length or chunked, nothing else is needed here ---- */
enum { HEAD, BODY_LEN, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, TRAILER };

typedef struct {
    int fd;
    int connected;
    long req;            /* index of the request in flight, -1 when idle */
    int state;
    char head[4096];
    int head_len;
    long remaining;      /* body or chunk bytes still to come */
    char line[64];
    int line_len;
    char tail[48];       /* stamped mode: the end of the previous piece of body, for a split stamp */
    int tail_len;
    int nl;              /* the last body byte was a newline (an SSE event ends at a blank line) */
} conn_t;

typedef struct {
    int64_t due, dispatch, first, end;
    int failed;
} req_t;

static req_t *reqs;
static long nreqs;
static int mode_stamped;
static int64_t *tok_err;
static long ntok, cap_tok;
static long tokens_bad;
static long events;          /* SSE events seen (each stamped with the clock of its read) */
static int64_t last_event_t; /* the clock of the last event: keeps the compiler from dropping it */
static int64_t measure_from; /* stamped mode: tokens of requests due from here on */

/* finds the SSE event boundaries (a blank line) in a piece of body: the least a client must do to
   timestamp every token; no JSON is read */
static void count_events(conn_t *c, const char *p, long n, int64_t t) {
    const char *end = p + n, *q = p;
    int ends_event = 0; /* the piece's last byte closed an event */
    if (n > 0 && c->nl && p[0] == '\n') {
        events++;
        last_event_t = t;
        q = p + 1;
        ends_event = q == end;
    }
    while (q < end) {
        const char *k = memchr(q, '\n', end - q);
        if (!k) break;
        if (k + 1 < end && k[1] == '\n') {
            events++;
            last_event_t = t;
            q = k + 2;
            ends_event = q == end;
        } else {
            q = k + 1;
        }
    }
    c->nl = n > 0 && end[-1] == '\n' && !ends_event;
}

static void on_body(conn_t *c, const char *p, long n, int64_t t) {
    count_events(c, p, n, t);
    if (!mode_stamped || n <= 0) return;
    /* find "text":"<digits>; in tail+piece; keep the last bytes for the next piece */
    char buf[48 + 65536];
    long len = 0;
    memcpy(buf, c->tail, c->tail_len);
    len = c->tail_len;
    long take = n > 65536 ? 65536 : n;
    memcpy(buf + len, p, take);
    len += take;
    static const char key[] = "\"text\":\"";
    long i = 0, consumed = 0;
    for (;;) {
        char *k = memmem(buf + i, len - i, key, sizeof key - 1);
        if (!k) break;
        char *d = k + sizeof key - 1, *e = d;
        while (e < buf + len && *e >= '0' && *e <= '9') e++;
        if (e >= buf + len) break; /* stamp split by the read: finish it with the next piece */
        if (*e == ';' && e > d) {
            int64_t stamp = strtoll(d, NULL, 10);
            req_t *r = &reqs[c->req];
            if (r->first == 0) r->first = t;
            if (r->due < measure_from) goto next;
            if (ntok == cap_tok) {
                cap_tok = cap_tok ? cap_tok * 2 : 1 << 20;
                tok_err = realloc(tok_err, cap_tok * sizeof *tok_err);
            }
            if (t - stamp < 0) tokens_bad++;
            tok_err[ntok++] = t - stamp;
        }
    next:
        i = (e - buf);
        consumed = i;
    }
    long keep = len - consumed;
    if (keep > (long) sizeof c->tail) keep = sizeof c->tail;
    memcpy(c->tail, buf + len - keep, keep);
    c->tail_len = keep;
}

/* passes on the body bytes of a Content-Length body or of one chunk (at most c->remaining of the n
   given); returns how many it took */
static long take_body(conn_t *c, const char *p, long n, int64_t t) {
    long take = n < c->remaining ? n : c->remaining;
    if (reqs[c->req].first == 0 && !mode_stamped) reqs[c->req].first = t;
    on_body(c, p, take, t);
    c->remaining -= take;
    return take;
}

/* feeds bytes; returns 1 when the response ended, 0 when more is needed, -1 on a framing error */
static int feed(conn_t *c, const char *p, long n, int64_t t) {
    long i = 0;
    while (i < n) {
        switch (c->state) {
        case HEAD: {
            while (i < n && c->head_len < (int) sizeof c->head - 1) {
                c->head[c->head_len++] = p[i++];
                if (c->head_len >= 4 && memcmp(c->head + c->head_len - 4, "\r\n\r\n", 4) == 0) break;
            }
            if (c->head_len >= (int) sizeof c->head - 1) return -1;
            if (c->head_len < 4 || memcmp(c->head + c->head_len - 4, "\r\n\r\n", 4) != 0) return 0;
            c->head[c->head_len] = 0;
            if (strncmp(c->head, "HTTP/1.1 200", 12) != 0) return -1;
            char *cl = strcasestr(c->head, "\r\ncontent-length:");
            if (cl) {
                c->remaining = strtol(cl + 17, NULL, 10);
                c->state = BODY_LEN;
                if (c->remaining == 0) return 1;
            } else if (strcasestr(c->head, "\r\ntransfer-encoding: chunked")) {
                c->state = CHUNK_SIZE;
                c->line_len = 0;
            } else {
                return -1;
            }
            break;
        }
        case BODY_LEN:
            i += take_body(c, p + i, n - i, t);
            if (c->remaining == 0) return 1;
            break;
        case CHUNK_SIZE:
        case TRAILER:
            while (i < n) {
                char ch = p[i++];
                if (c->line_len >= (int) sizeof c->line - 1) return -1;
                c->line[c->line_len++] = ch;
                if (ch == '\n') break;
            }
            if (c->line_len == 0 || c->line[c->line_len - 1] != '\n') return 0;
            c->line[c->line_len] = 0;
            if (c->state == TRAILER) {
                c->line_len = 0;
                if (c->line[0] == '\r' || c->line[0] == '\n') return 1;
                break;
            }
            c->remaining = strtol(c->line, NULL, 16);
            c->line_len = 0;
            c->state = c->remaining == 0 ? TRAILER : CHUNK_DATA;
            break;
        case CHUNK_DATA:
            i += take_body(c, p + i, n - i, t);
            if (c->remaining == 0) {
                c->state = CHUNK_CRLF;
                c->line_len = 0;
            }
            break;
        case CHUNK_CRLF:
            while (i < n && c->line_len < 2) c->line[c->line_len++] = p[i++];
            if (c->line_len < 2) return 0;
            c->line_len = 0;
            c->state = CHUNK_SIZE;
            break;
        }
    }
    return 0;
}

static int ep;
static conn_t *conns;
static int nconns, max_conns;
static int *idle;
static int nidle;
static int *freed; /* slots whose connection failed, to open again */
static int nfreed;
static long opened, failures, completed;
static struct sockaddr_in addr;
static char request[1024];
static int request_len;
static long *waiting; /* requests due while every allowed connection was busy */
static long nwaiting, wait_head;

static void fail(conn_t *c) {
    if (c->req >= 0) {
        reqs[c->req].failed = 1;
        failures++;
    }
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->req = -1;
    freed[nfreed++] = (int) (c - conns);
}

static void write_request(conn_t *c) {
    req_t *r = &reqs[c->req];
    r->dispatch = now_ns();
    c->state = HEAD;
    c->head_len = 0;
    c->tail_len = 0;
    c->nl = 0;
    ssize_t w = write(c->fd, request, request_len);
    if (w != request_len) fail(c); /* a 1 KiB request into an empty socket buffer: all or nothing */
}

static void start(long ri) {
    int ci = -1;
    if (nidle > 0) {
        ci = idle[--nidle];
    } else {
        if (nfreed > 0) ci = freed[--nfreed];
        else if (nconns < max_conns) ci = nconns++;
        if (ci < 0) {
            waiting[nwaiting++] = ri;
            return;
        }
        conn_t *c = &conns[ci];
        memset(c, 0, sizeof *c);
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        opened++;
        c->req = ri;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = ci};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        if (connect(c->fd, (struct sockaddr *) &addr, sizeof addr) < 0 && errno != EINPROGRESS) {
            fail(c);
        }
        return; /* written when the connect completes (EPOLLOUT) */
    }
    conn_t *c = &conns[ci];
    c->req = ri;
    write_request(c);
}

static void finished(conn_t *c, int64_t t) {
    reqs[c->req].end = t;
    completed++;
    c->req = -1;
    if (wait_head < nwaiting) {
        c->req = waiting[wait_head++];
        write_request(c);
    } else {
        idle[nidle++] = (int) (c - conns);
    }
}

static char rbuf[65536];

static void on_event(struct epoll_event *e) {
    conn_t *c = &conns[e->data.u32];
    if (c->fd < 0) return;
    if (!c->connected && (e->events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t l = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &l);
        if (err) { fail(c); return; }
        c->connected = 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = e->data.u32};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        if (c->req >= 0) write_request(c);
        return;
    }
    if (e->events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        for (;;) {
            ssize_t n = read(c->fd, rbuf, sizeof rbuf);
            int64_t t = now_ns();
            if (n > 0) {
                if (c->req < 0) { fail(c); return; }
                int r = feed(c, rbuf, n, t);
                if (r < 0) { fail(c); return; }
                if (r > 0) finished(c, t);
                if (n < (ssize_t) sizeof rbuf) return;
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                fail(c);
                return;
            } else {
                return;
            }
        }
    }
}

static const char *opt(int argc, char **argv, const char *name, const char *def) {
    for (int i = 2; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return def;
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "lag") && strcmp(argv[1], "stamped"))) {
        fprintf(stderr, "usage: refclient lag|stamped --port P [...] (see the comment at the top of refclient.c)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    mode_stamped = strcmp(argv[1], "stamped") == 0;
    int port = atoi(opt(argc, argv, "--port", "0"));
    const char *path = opt(argc, argv, "--path", "/v1/completions");
    double seconds = atof(opt(argc, argv, "--seconds", "20"));
    double warmup = atof(opt(argc, argv, "--warmup", "3"));
    double rate = mode_stamped ? atof(opt(argc, argv, "--streams", "1000")) / 1.7
                               : atof(opt(argc, argv, "--rate", "1000"));
    rng_state = strtoull(opt(argc, argv, "--seed", "1"), NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    max_conns = atoi(opt(argc, argv, "--max-conn", "4096"));
    int64_t spin = (int64_t) (atof(opt(argc, argv, "--spin-us", "0")) * 1000);
    int max_tokens = atoi(opt(argc, argv, "--max-tokens", "16"));
    int busy = atoi(opt(argc, argv, "--busy", "0"));
    if (port <= 0 || rate <= 0 || seconds <= 0 || max_conns <= 0) {
        fprintf(stderr, "refclient: --port, a positive --rate/--streams, --seconds and --max-conn are required\n");
        return 2;
    }
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    char body[512];
    int blen = snprintf(body, sizeof body,
                        "{\"model\":\"m\",\"prompt\":\"t t t t t t t t t t t t t t t t\",\"max_tokens\":%d,"
                        "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"ignore_eos\":true}",
                        max_tokens);
    request_len = snprintf(request, sizeof request,
                           "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                           "Accept: text/event-stream\r\nContent-Length: %d\r\n\r\n%s",
                           path, port, blen, body);

    /* the schedule */
    double total = warmup + seconds;
    long cap = (long) (rate * total * 1.2 + 1000);
    reqs = calloc(cap, sizeof *reqs);
    int64_t t0 = now_ns() + 50000000LL;
    double at = 0;
    for (;;) {
        at += -log(uniform01()) / rate;
        if (at >= total || nreqs == cap) break;
        reqs[nreqs++].due = t0 + (int64_t) (at * 1e9);
    }
    measure_from = t0 + (int64_t) (warmup * 1e9);
    conns = calloc(max_conns, sizeof *conns);
    for (int i = 0; i < max_conns; i++) conns[i].fd = -1;
    idle = calloc(max_conns, sizeof *idle);
    freed = calloc(max_conns, sizeof *freed);
    waiting = calloc(nreqs + 1, sizeof *waiting);
    ep = epoll_create1(0);
    struct epoll_event evs[256];
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);

    long next = 0;
    int64_t drain_until = reqs[nreqs - 1].due + 10000000000LL;
    while (completed + failures < nreqs) {
        int64_t now = now_ns();
        while (next < nreqs && reqs[next].due <= now) start(next++);
        if (next >= nreqs && now > drain_until) break;
        int n;
        if (next < nreqs) {
            int64_t wait = reqs[next].due - now_ns() - spin;
            if (wait > 0 && !busy) {
                struct timespec ts = {wait / 1000000000LL, wait % 1000000000LL};
                n = epoll_pwait2(ep, evs, 256, &ts, NULL);
            } else {
                n = epoll_wait(ep, evs, 256, 0);
            }
        } else {
            n = epoll_wait(ep, evs, 256, busy ? 0 : 100);
        }
        for (int i = 0; i < n; i++) on_event(&evs[i]);
    }
    getrusage(RUSAGE_SELF, &ru1);

    /* figures over the measured window */
    int64_t ws = t0 + (int64_t) (warmup * 1e9), we = t0 + (int64_t) (total * 1e9);
    int64_t *lag = malloc(nreqs * sizeof *lag), *ttft = malloc(nreqs * sizeof *ttft);
    long nl = 0, nt = 0, drawn = 0, sent_in_window = 0, failed_in_window = 0, late_1ms = 0;
    for (long i = 0; i < nreqs; i++) {
        req_t *r = &reqs[i];
        if (r->dispatch >= ws && r->dispatch < we) sent_in_window++;
        if (r->due < ws || r->due >= we) continue;
        drawn++;
        if (r->failed || r->end == 0) { failed_in_window++; continue; }
        lag[nl++] = r->dispatch - r->due;
        if (r->dispatch - r->due > 1000000) late_1ms++;
        if (r->first) ttft[nt++] = r->first - r->dispatch;
    }
    qsort(lag, nl, sizeof *lag, cmp_i64);
    qsort(ttft, nt, sizeof *ttft, cmp_i64);
    double cpu = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec) / 1e6;
    double sys = (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
    printf("ref_mode=%s\nref_target_rate=%.0f\nref_drawn_rate=%.1f\nref_achieved_rate=%.1f\n", argv[1], rate,
           drawn / seconds, sent_in_window / seconds);
    printf("ref_achieved_ratio=%.4f\n", drawn ? (double) sent_in_window / drawn : NAN);
    printf("ref_requests=%ld\nref_completed=%ld\nref_failed=%ld\nref_failed_in_window=%ld\nref_connections_opened=%ld\n",
           nreqs, completed, failures, failed_in_window, opened);
    printf("ref_lag_p50_us=%.1f\nref_lag_p99_us=%.1f\nref_lag_p999_us=%.1f\nref_lag_max_us=%.1f\nref_late_1ms=%ld\n",
           pct_us(lag, nl, 0.5), pct_us(lag, nl, 0.99), pct_us(lag, nl, 0.999), nl ? lag[nl - 1] / 1000.0 : NAN,
           late_1ms);
    if (!mode_stamped)
        printf("ref_ttft_p50_us=%.1f\nref_ttft_p99_us=%.1f\n", pct_us(ttft, nt, 0.5), pct_us(ttft, nt, 0.99));
    printf("ref_cpu_user_us_per_req=%.2f\nref_cpu_sys_us_per_req=%.2f\n", cpu * 1e6 / (completed ? completed : 1),
           sys * 1e6 / (completed ? completed : 1));
    printf("ref_spin_us=%.1f\nref_busy_poll=%d\n", spin / 1000.0, busy);
    printf("ref_sse_events=%ld\nref_sse_events_per_req=%.2f\n", events, completed ? (double) events / completed : NAN);
    if (last_event_t < 0) printf("ref_clock_went_back=1\n");
    if (mode_stamped) {
        qsort(tok_err, ntok, sizeof *tok_err, cmp_i64);
        printf("ref_tokens=%ld\nref_negative_tokens=%ld\n", ntok, tokens_bad);
        printf("ref_token_ts_err_p50_us=%.1f\nref_token_ts_err_p99_us=%.1f\nref_token_ts_err_p999_us=%.1f\n"
               "ref_token_ts_err_max_us=%.1f\n",
               pct_us(tok_err, ntok, 0.5), pct_us(tok_err, ntok, 0.99), pct_us(tok_err, ntok, 0.999),
               ntok ? tok_err[ntok - 1] / 1000.0 : NAN);
    }
    return 0;
}
