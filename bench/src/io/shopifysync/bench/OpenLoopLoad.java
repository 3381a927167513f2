package io.shopifysync.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Open-loop HTTP/1.1 load from one thread ({@value #THREAD_NAME}): a java.nio {@link Selector} over a fixed number
 * of keep-alive connections, one request in flight per connection (no pipelining).
 *
 * <p>Request {@code i} is due at {@code start + i / rate}. When due it goes to an idle connection, otherwise it waits
 * in an unbounded FIFO queue and the next connection that becomes free takes the oldest queued request. Latency runs
 * from the due time to the last byte of the answer, so client-side queueing counts (no coordinated omission).
 *
 * <p>Failures count as status {@code -1}: a failed connect (the oldest queued request fails, as a pool waiter would),
 * a reset or end of stream while a request is in flight, more than {@value #IN_FLIGHT_TIMEOUT_SECONDS} s in flight,
 * a malformed response. The connection is then closed and reopened. Requests without an answer
 * {@value #GIVE_UP_SECONDS} s after the last one was due are failed too and counted as unanswered.
 *
 * <p>The thread lives as long as this object, so per-thread CPU accounting can take deltas around a run.
 */
final class OpenLoopLoad implements AutoCloseable {

    static final String THREAD_NAME = "load-generator";
    private static final int IN_FLIGHT_TIMEOUT_SECONDS = 15;
    private static final int GIVE_UP_SECONDS = 60;
    private static final long IN_FLIGHT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(IN_FLIGHT_TIMEOUT_SECONDS);
    private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
    private static final long CONNECT_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long TIMEOUT_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    // select(ms) only when the next deadline is at least this far: epoll's timeout is whole milliseconds
    private static final long SELECT_MIN_NANOS = 1_200_000L;
    // below this the thread spins (selectNow) instead of parking: a park oversleeps by tens of µs
    private static final long SPIN_NANOS = 20_000L;
    // while answers (or connects) are awaited a park is cut to a slice, so an answer is timestamped at most ~a slice
    // late: at least this, or 1/32 of the recent latency (fewer wake-ups, less CPU taken from the server when it lags)
    private static final long MIN_PARK_SLICE_NANOS = 50_000L;
    private static final int READ_BUFFER_BYTES = 16 * 1024;
    // larger requests are written from the heap array (rare, e.g. multi-megabyte bodies in the self-check)
    private static final int MAX_DIRECT_REQUEST_BYTES = 64 * 1024;

    /**
     * One run; arrays are indexed by request. {@code allDueNanos} is when the thread released the last request to be
     * sent (later than its due time if the generator fell behind). Times are {@link System#nanoTime()}.
     */
    record Result(long startNanos, long allDueNanos, int[] status, long[] latencyNanos, long[] completedAtNanos,
                  long[] sentAtNanos, int unanswered, int malformed, int connects, int partialWrites,
                  long generatorCpuNanos) {
    }

    private final InetSocketAddress address;
    private final int connections;
    private final ExecutorService thread;
    private boolean malformedReported;

    OpenLoopLoad(String host, int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1: " + connections);
        }
        this.address = new InetSocketAddress(host, 0);
        this.connections = connections;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, THREAD_NAME);
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends {@code rate * seconds} requests ({@code requests.apply(i)} is request i, complete bytes) and waits. */
    Result run(int port, int rate, int seconds, IntFunction<byte[]> requests) throws Exception {
        if (rate < 1 || seconds < 0) {
            throw new IllegalArgumentException("rate " + rate + ", seconds " + seconds);
        }
        InetSocketAddress target = new InetSocketAddress(address.getAddress(), port);
        try {
            return thread.submit(() -> new Run(target, rate, rate * seconds, requests).execute()).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private enum State { CLOSED, CONNECTING, IDLE, BUSY }

    /** One client connection; it is reopened (a new channel) after any close. */
    private static final class Connection {
        final int id;
        SocketChannel channel;
        SelectionKey key;
        State state = State.CLOSED;
        long stateSince;
        int request = -1;
        boolean writeInterest;
        boolean reopen;
        ByteBuffer direct = ByteBuffer.allocateDirect(4096);
        ByteBuffer out = direct;
        final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES);
        final ResponseParser parser = new ResponseParser();

        Connection(int id) {
            this.id = id;
        }
    }

    private final class Run {
        private final InetSocketAddress target;
        private final int rate;
        private final int total;
        private final IntFunction<byte[]> requests;
        private final int[] status;
        private final long[] latency;
        private final long[] completedAt;
        private final long[] sentAt;
        private final Connection[] pool = new Connection[connections];
        private final int[] idle = new int[connections];
        private int idleCount;
        private int connecting;
        private int busy;
        private int closed;
        private int reopenPending;
        private Selector selector;
        private long start;
        private int released;       // requests whose due time has passed
        private int nextQueued;     // the FIFO queue is [nextQueued, released): every due request not yet sent
        private int finished;
        private int malformed;
        private int connects;
        private int partialWrites;
        private long allDueAt;
        private long parkOversleep = 60_000L;
        private long recentLatency;

        Run(InetSocketAddress target, int rate, int total, IntFunction<byte[]> requests) {
            this.target = target;
            this.rate = rate;
            this.total = total;
            this.requests = requests;
            this.status = new int[total];
            this.latency = new long[total];
            this.completedAt = new long[total];
            this.sentAt = new long[total];
            for (int c = 0; c < connections; c++) {
                pool[c] = new Connection(c);
            }
            closed = connections;
        }

        private long due(int i) {
            return start + (long) i * 1_000_000_000L / rate;
        }

        Result execute() throws IOException {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long cpuBefore = mx.getCurrentThreadCpuTime();
            int unanswered = 0;
            selector = Selector.open();
            try {
                preconnect();
                start = System.nanoTime() + START_DELAY_NANOS;
                long lastDue = total == 0 ? start : due(total - 1);
                long nextTimeoutScan = start + TIMEOUT_SCAN_NANOS;
                while (true) {
                    long now = System.nanoTime();
                    while (released < total && due(released) <= now) {
                        released++;
                    }
                    if (released == total && allDueAt == 0) {
                        allDueAt = now;
                    }
                    dispatch();
                    if (finished == total) {
                        break;
                    }
                    if (now >= nextTimeoutScan) {
                        expire(now);
                        nextTimeoutScan = now + TIMEOUT_SCAN_NANOS;
                    }
                    if (released == total && now - lastDue >= GIVE_UP_NANOS) {
                        unanswered = giveUp(now);
                        break;
                    }
                    long wakeAt = Math.min(nextTimeoutScan, released < total ? due(released) : lastDue + GIVE_UP_NANOS);
                    await(wakeAt - now);
                }
            } finally {
                for (Connection c : pool) {
                    closeChannel(c);
                }
                selector.close();
            }
            return new Result(start, allDueAt, status, latency, completedAt, sentAt, unanswered, malformed, connects,
                    partialWrites, mx.getCurrentThreadCpuTime() - cpuBefore);
        }

        /** Opens every connection before the clock starts, like a warmed pool; failures are retried on demand. */
        private void preconnect() throws IOException {
            long now = System.nanoTime();
            for (Connection c : pool) {
                open(c, now);
            }
            long deadline = now + CONNECT_TIMEOUT_NANOS;
            while (connecting > 0 && (now = System.nanoTime()) < deadline) {
                if (selector.select(Math.max(1, (deadline - now) / 1_000_000L)) > 0) {
                    handleSelected();
                }
            }
            expire(Long.MAX_VALUE / 2);
        }

        /** Blocks until I/O or about {@code waitNanos}; sub-millisecond waits park (I/O checked before and after). */
        private void await(long waitNanos) throws IOException {
            int ready;
            if (waitNanos >= SELECT_MIN_NANOS) {
                ready = selector.select((waitNanos - 200_000L) / 1_000_000L);
            } else {
                ready = selector.selectNow();
                if (ready == 0) {
                    if (waitNanos > SPIN_NANOS) {
                        long park = Math.max(1_000L, waitNanos - parkOversleep);
                        if (busy > 0 || connecting > 0) {
                            park = Math.min(park, Math.max(MIN_PARK_SLICE_NANOS, recentLatency / 32));
                        }
                        long before = System.nanoTime();
                        LockSupport.parkNanos(park);
                        long oversleep = System.nanoTime() - before - park;
                        parkOversleep += (Math.max(0, Math.min(oversleep, 500_000L)) - parkOversleep) / 8;
                        ready = selector.selectNow();
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }
            if (ready > 0) {
                handleSelected();
            }
        }

        private void handleSelected() throws IOException {
            for (SelectionKey key : selector.selectedKeys()) {
                Connection c = (Connection) key.attachment();
                if (c.key != key || !key.isValid()) {
                    continue; // the channel was closed (and maybe reopened) earlier in this batch
                }
                int ops = key.readyOps();
                if ((ops & SelectionKey.OP_CONNECT) != 0) {
                    finishConnect(c);
                    continue;
                }
                if ((ops & SelectionKey.OP_WRITE) != 0 && c.state == State.BUSY) {
                    write(c);
                }
                if ((ops & SelectionKey.OP_READ) != 0 && c.key == key && key.isValid()) {
                    read(c);
                }
            }
            selector.selectedKeys().clear();
        }

        /**
         * Queued requests to idle connections, oldest first; then reopens connections closed after a request and
         * connects closed ones while requests wait for them. The only caller of open() once running (no recursion).
         */
        private void dispatch() {
            while (nextQueued < released && idleCount > 0) {
                send(pool[idle[--idleCount]], nextQueued++);
            }
            if (closed > 0 && (reopenPending > 0 || released - nextQueued > connecting)) {
                for (Connection c : pool) {
                    if (c.state == State.CLOSED && (c.reopen || released - nextQueued > connecting)) {
                        if (c.reopen) {
                            c.reopen = false;
                            reopenPending--;
                        }
                        open(c, System.nanoTime());
                    }
                }
            }
        }

        private void open(Connection c, long now) {
            connects++;
            closed--;
            c.state = State.CONNECTING;
            c.stateSince = now;
            connecting++;
            c.in.clear();
            c.parser.reset();
            try {
                SocketChannel channel = SocketChannel.open();
                c.channel = channel;
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (channel.connect(target)) {
                    c.key = channel.register(selector, SelectionKey.OP_READ, c);
                    connected(c);
                } else {
                    c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                connectFailed(c);
            }
        }

        private void finishConnect(Connection c) {
            try {
                if (!c.channel.finishConnect()) {
                    return;
                }
                c.key.interestOps(SelectionKey.OP_READ);
            } catch (IOException e) {
                connectFailed(c);
                return;
            }
            connected(c);
        }

        private void connected(Connection c) {
            connecting--;
            idle(c);
        }

        /** The oldest queued request fails with the connect, as a pool waiter would; the connection stays closed. */
        private void connectFailed(Connection c) {
            closeChannel(c);
            if (nextQueued < released) {
                complete(nextQueued++, -1, System.nanoTime());
            }
        }

        /** A free connection takes the oldest queued request, or waits for the next due one. */
        private void idle(Connection c) {
            if (nextQueued < released) {
                send(c, nextQueued++);
            } else {
                c.state = State.IDLE;
                idle[idleCount++] = c.id;
            }
        }

        private void send(Connection c, int request) {
            byte[] bytes = requests.apply(request);
            if (bytes.length > MAX_DIRECT_REQUEST_BYTES) {
                c.out = ByteBuffer.wrap(bytes);
            } else {
                if (c.direct.capacity() < bytes.length) {
                    c.direct = ByteBuffer.allocateDirect(Integer.highestOneBit(bytes.length) << 1);
                }
                c.direct.clear();
                c.direct.put(bytes).flip();
                c.out = c.direct;
            }
            long now = System.nanoTime();
            c.state = State.BUSY;
            busy++;
            c.stateSince = now;
            c.request = request;
            c.parser.reset();
            sentAt[request] = now;
            write(c);
        }

        /** Writes what the socket takes; the rest stays in {@code out} with OP_WRITE interest until it is all sent. */
        private void write(Connection c) {
            try {
                c.channel.write(c.out);
            } catch (IOException e) {
                failAndReopen(c, System.nanoTime());
                return;
            }
            boolean pending = c.out.hasRemaining();
            if (pending && !c.writeInterest) {
                partialWrites++;
            }
            if (pending != c.writeInterest) {
                c.writeInterest = pending;
                c.key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        }

        private void read(Connection c) {
            int n;
            try {
                n = c.channel.read(c.in);
            } catch (IOException e) {
                n = -2; // reset by the peer: treated like end of stream, but a read-until-close body is then incomplete
            }
            long now = System.nanoTime();
            if (n < 0) {
                endOfStream(c, n == -1, now);
                return;
            }
            if (n == 0 && c.state != State.BUSY) {
                return;
            }
            if (c.state != State.BUSY) {
                reportMalformed(c, "bytes arrived while no request was in flight: "
                        + ResponseParser.quote(c.in.array(), 0, c.in.position()));
                closeChannel(c);
                return;
            }
            c.in.flip();
            boolean complete;
            try {
                complete = c.parser.parse(c.in);
            } catch (MalformedResponseException e) {
                malformed(c, e.getMessage(), now);
                return;
            }
            c.in.compact();
            if (complete) {
                boolean trailingBytes = c.in.position() > 0;
                boolean unsent = c.out.hasRemaining();
                if (trailingBytes) {
                    reportMalformed(c, "bytes after a complete response (status " + c.parser.status() + "): "
                            + ResponseParser.quote(c.in.array(), 0, c.in.position()));
                }
                complete(c.request, c.parser.status(), now);
                endInFlight(c);
                if (c.parser.closeAfter() || trailingBytes || unsent) {
                    closeAndReopen(c);
                } else {
                    idle(c);
                }
            } else if (!c.in.hasRemaining()) {
                malformed(c, "a response line longer than " + READ_BUFFER_BYTES + " bytes", now);
            }
        }

        private void endOfStream(Connection c, boolean clean, long now) {
            if (c.state != State.BUSY) {
                closeChannel(c); // an idle keep-alive connection closed by the server: reopened when needed
                return;
            }
            if (clean && c.parser.completesOnEndOfStream()) {
                complete(c.request, c.parser.status(), now);
                endInFlight(c);
                closeAndReopen(c);
            } else {
                failAndReopen(c, now);
            }
        }

        private void malformed(Connection c, String reason, long now) {
            reportMalformed(c, reason);
            failAndReopen(c, now);
        }

        private void reportMalformed(Connection c, String reason) {
            malformed++;
            if (!malformedReported) {
                malformedReported = true;
                System.err.printf("%s: malformed HTTP response from %s on connection %d (request %s): %s; the request "
                                + "counts as failed, the connection is reopened (later occurrences are only counted)%n",
                        THREAD_NAME, target, c.id, c.request < 0 ? "none" : Integer.toString(c.request), reason);
            }
        }

        private void failAndReopen(Connection c, long now) {
            complete(c.request, -1, now);
            endInFlight(c);
            closeAndReopen(c);
        }

        /** The request in flight on {@code c} is finished (recorded elsewhere). */
        private void endInFlight(Connection c) {
            c.request = -1;
            busy--;
            c.state = State.IDLE; // transient: the caller reopens it or passes it to idle(c)
        }

        /** Closed now, reconnected by the next dispatch(). */
        private void closeAndReopen(Connection c) {
            closeChannel(c);
            c.reopen = true;
            reopenPending++;
        }

        private void closeChannel(Connection c) {
            switch (c.state) {
                case CLOSED -> {
                    return;
                }
                case CONNECTING -> connecting--;
                case BUSY -> busy--;
                case IDLE -> removeIdle(c);
            }
            try {
                if (c.channel != null) {
                    c.channel.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
            c.channel = null;
            c.key = null;
            c.request = -1;
            c.writeInterest = false;
            c.state = State.CLOSED;
            closed++;
        }

        private void removeIdle(Connection c) {
            for (int i = 0; i < idleCount; i++) {
                if (idle[i] == c.id) {
                    idle[i] = idle[--idleCount];
                    return;
                }
            }
        }

        private void complete(int request, int code, long now) {
            if (status[request] != 0) {
                throw new IllegalStateException("request " + request + " finished twice (" + status[request] + ", " + code + ")");
            }
            status[request] = code;
            latency[request] = now - due(request);
            completedAt[request] = now;
            finished++;
            recentLatency += (latency[request] - recentLatency) / 16;
        }

        /** Requests in flight too long and connects that hang fail; their connections are closed and reopened. */
        private void expire(long now) {
            for (Connection c : pool) {
                if (c.state == State.BUSY && now - c.stateSince > IN_FLIGHT_TIMEOUT_NANOS) {
                    failAndReopen(c, now);
                } else if (c.state == State.CONNECTING && now - c.stateSince > CONNECT_TIMEOUT_NANOS) {
                    connectFailed(c);
                }
            }
        }

        private int giveUp(long now) {
            int unanswered = 0;
            for (int i = 0; i < total; i++) {
                if (status[i] == 0) {
                    complete(i, -1, now);
                    unanswered++;
                }
            }
            return unanswered;
        }
    }

    static final class MalformedResponseException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message) {
            super(message);
        }
    }

    /**
     * Incremental HTTP/1.x response parser over a heap buffer: status line, headers (names case-insensitive), then
     * a body by Content-Length, chunked transfer coding (extensions and trailers skipped) or until end of stream.
     * Interim 1xx responses are skipped. It consumes what it can and leaves an incomplete line in the buffer.
     */
    static final class ResponseParser {
        private enum Phase { STATUS_LINE, HEADERS, BODY_FIXED, BODY_UNTIL_CLOSE, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILERS, DONE }

        private static final byte[] CONTENT_LENGTH = ascii("content-length");
        private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
        private static final byte[] CONNECTION = ascii("connection");
        private static final byte[] CHUNKED = ascii("chunked");
        private static final byte[] CLOSE = ascii("close");
        private static final byte[] KEEP_ALIVE = ascii("keep-alive");

        private Phase phase;
        private int status;
        private boolean http10;
        private long contentLength;
        private boolean transferEncoding;
        private boolean chunked;
        private boolean connectionClose;
        private boolean connectionKeepAlive;
        private long remaining;

        ResponseParser() {
            reset();
        }

        void reset() {
            phase = Phase.STATUS_LINE;
            status = 0;
            resetHeaders();
        }

        private void resetHeaders() {
            http10 = false;
            contentLength = -1;
            transferEncoding = false;
            chunked = false;
            connectionClose = false;
            connectionKeepAlive = false;
            remaining = 0;
        }

        int status() {
            return status;
        }

        /** After a complete response: the server asked to close, or it is HTTP/1.0 without keep-alive. */
        boolean closeAfter() {
            return connectionClose || (http10 && !connectionKeepAlive) || phase == Phase.BODY_UNTIL_CLOSE;
        }

        /** The body runs to the end of the stream, so a clean end of stream completes the response. */
        boolean completesOnEndOfStream() {
            return phase == Phase.BODY_UNTIL_CLOSE;
        }

        /** Consumes bytes from {@code in}; true once a whole response is read ({@code in} is then right after it). */
        boolean parse(ByteBuffer in) throws MalformedResponseException {
            byte[] a = in.array();
            int offset = in.arrayOffset();
            int p = offset + in.position();
            int limit = offset + in.limit();
            try {
                while (true) {
                    switch (phase) {
                        case DONE -> {
                            return true;
                        }
                        case BODY_FIXED, CHUNK_DATA -> {
                            int n = (int) Math.min(remaining, limit - p);
                            p += n;
                            remaining -= n;
                            if (remaining > 0) {
                                return false;
                            }
                            phase = phase == Phase.BODY_FIXED ? Phase.DONE : Phase.CHUNK_DATA_END;
                        }
                        case BODY_UNTIL_CLOSE -> {
                            p = limit;
                            return false;
                        }
                        default -> {
                            int eol = indexOf(a, p, limit, (byte) '\n');
                            if (eol < 0) {
                                return false;
                            }
                            int end = eol > p && a[eol - 1] == '\r' ? eol - 1 : eol;
                            line(a, p, end);
                            p = eol + 1;
                        }
                    }
                }
            } finally {
                in.position(p - offset);
            }
        }

        private void line(byte[] a, int from, int to) throws MalformedResponseException {
            switch (phase) {
                case STATUS_LINE -> statusLine(a, from, to);
                case HEADERS -> {
                    if (from == to) {
                        endOfHeaders();
                    } else {
                        header(a, from, to);
                    }
                }
                case CHUNK_SIZE -> {
                    remaining = chunkSize(a, from, to);
                    phase = remaining == 0 ? Phase.TRAILERS : Phase.CHUNK_DATA;
                }
                case CHUNK_DATA_END -> {
                    if (from != to) {
                        throw new MalformedResponseException("chunk data longer than its size, then " + quote(a, from, to));
                    }
                    phase = Phase.CHUNK_SIZE;
                }
                case TRAILERS -> {
                    if (from == to) {
                        phase = Phase.DONE;
                    }
                }
                default -> throw new IllegalStateException(phase.toString());
            }
        }

        private void statusLine(byte[] a, int from, int to) throws MalformedResponseException {
            // HTTP/1.x SP 3DIGIT [SP reason]
            int n = to - from;
            boolean valid = n >= 12 && startsWith(a, from, "HTTP/1.") && (a[from + 7] == '0' || a[from + 7] == '1')
                    && a[from + 8] == ' ' && isDigit(a[from + 9]) && isDigit(a[from + 10]) && isDigit(a[from + 11])
                    && (n == 12 || a[from + 12] == ' ') && a[from + 9] != '0';
            if (!valid) {
                throw new MalformedResponseException("status line " + quote(a, from, to));
            }
            status = (a[from + 9] - '0') * 100 + (a[from + 10] - '0') * 10 + (a[from + 11] - '0');
            http10 = a[from + 7] == '0';
            phase = Phase.HEADERS;
        }

        private void header(byte[] a, int from, int to) throws MalformedResponseException {
            if (a[from] == ' ' || a[from] == '\t') {
                return; // obsolete line folding: a continuation of a header this parser does not need
            }
            int colon = indexOf(a, from, to, (byte) ':');
            int nameEnd = colon < 0 ? -1 : trimEnd(a, from, colon);
            if (nameEnd <= from) {
                throw new MalformedResponseException("header line " + quote(a, from, to));
            }
            int valueFrom = trimStart(a, colon + 1, to);
            int valueTo = trimEnd(a, valueFrom, to);
            if (nameIs(a, from, nameEnd, CONTENT_LENGTH)) {
                long length = decimal(a, valueFrom, valueTo);
                if (length < 0 || (contentLength >= 0 && contentLength != length)) {
                    throw new MalformedResponseException("Content-Length " + quote(a, valueFrom, valueTo));
                }
                contentLength = length;
            } else if (nameIs(a, from, nameEnd, TRANSFER_ENCODING)) {
                transferEncoding = true;
                chunked = lastTokenIs(a, valueFrom, valueTo, CHUNKED);
            } else if (nameIs(a, from, nameEnd, CONNECTION)) {
                connectionClose |= hasToken(a, valueFrom, valueTo, CLOSE);
                connectionKeepAlive |= hasToken(a, valueFrom, valueTo, KEEP_ALIVE);
            }
        }

        private void endOfHeaders() throws MalformedResponseException {
            if (status < 200) {
                if (status == 101) {
                    throw new MalformedResponseException("101 Switching Protocols to a plain request");
                }
                phase = Phase.STATUS_LINE; // an interim response: the real one follows
                resetHeaders();
                return;
            }
            if (status == 204 || status == 304) {
                phase = Phase.DONE;
            } else if (transferEncoding) {
                // a body not chunked last runs to the end of the stream (RFC 9112, 6.3)
                phase = chunked ? Phase.CHUNK_SIZE : Phase.BODY_UNTIL_CLOSE;
                connectionClose |= contentLength >= 0; // both headers: never reuse that connection
            } else if (contentLength >= 0) {
                remaining = contentLength;
                phase = contentLength == 0 ? Phase.DONE : Phase.BODY_FIXED;
            } else {
                phase = Phase.BODY_UNTIL_CLOSE;
            }
        }

        private static long chunkSize(byte[] a, int from, int to) throws MalformedResponseException {
            long size = 0;
            int digits = 0;
            int p = from;
            for (; p < to; p++) {
                int d = Character.digit(a[p], 16);
                if (d < 0) {
                    break;
                }
                if (++digits > 15) {
                    throw new MalformedResponseException("chunk size " + quote(a, from, to));
                }
                size = size * 16 + d;
            }
            int rest = trimStart(a, p, to);
            if (digits == 0 || (rest < to && a[rest] != ';')) {
                throw new MalformedResponseException("chunk size line " + quote(a, from, to));
            }
            return size;
        }

        private static long decimal(byte[] a, int from, int to) {
            if (from == to || to - from > 18) {
                return -1;
            }
            long v = 0;
            for (int p = from; p < to; p++) {
                if (!isDigit(a[p])) {
                    return -1;
                }
                v = v * 10 + (a[p] - '0');
            }
            return v;
        }

        private static boolean hasToken(byte[] a, int from, int to, byte[] token) {
            int p = from;
            while (p < to) {
                int comma = indexOf(a, p, to, (byte) ',');
                int end = comma < 0 ? to : comma;
                int s = trimStart(a, p, end);
                if (nameIs(a, s, trimEnd(a, s, end), token)) {
                    return true;
                }
                p = end + 1;
            }
            return false;
        }

        private static boolean lastTokenIs(byte[] a, int from, int to, byte[] token) {
            int s = from;
            for (int p = to - 1; p >= from; p--) {
                if (a[p] == ',') {
                    s = p + 1;
                    break;
                }
            }
            s = trimStart(a, s, to);
            return nameIs(a, s, trimEnd(a, s, to), token);
        }

        /** ASCII case-insensitive comparison with a lower-case name. */
        private static boolean nameIs(byte[] a, int from, int to, byte[] lower) {
            if (to - from != lower.length) {
                return false;
            }
            for (int i = 0; i < lower.length; i++) {
                byte b = a[from + i];
                if (b >= 'A' && b <= 'Z') {
                    b += 'a' - 'A';
                }
                if (b != lower[i]) {
                    return false;
                }
            }
            return true;
        }

        private static boolean startsWith(byte[] a, int from, String prefix) {
            for (int i = 0; i < prefix.length(); i++) {
                if (a[from + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] a, int from, int to, byte b) {
            for (int p = from; p < to; p++) {
                if (a[p] == b) {
                    return p;
                }
            }
            return -1;
        }

        private static int trimStart(byte[] a, int from, int to) {
            while (from < to && (a[from] == ' ' || a[from] == '\t')) {
                from++;
            }
            return from;
        }

        private static int trimEnd(byte[] a, int from, int to) {
            while (to > from && (a[to - 1] == ' ' || a[to - 1] == '\t')) {
                to--;
            }
            return to;
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        /** Printable rendering of raw bytes for error messages, at most 100 of them. */
        static String quote(byte[] a, int from, int to) {
            StringBuilder s = new StringBuilder("\"");
            for (int p = from; p < Math.min(to, from + 100); p++) {
                int b = a[p] & 0xff;
                if (b == '\r') {
                    s.append("\\r");
                } else if (b == '\n') {
                    s.append("\\n");
                } else if (b < 0x20 || b >= 0x7f || b == '"' || b == '\\') {
                    s.append(String.format("\\x%02x", b));
                } else {
                    s.append((char) b);
                }
            }
            return s.append(to - from > 100 ? "\"…" : "\"").toString();
        }
    }
}
