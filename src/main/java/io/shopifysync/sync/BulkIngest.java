package io.shopifysync.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Gid;
import io.shopifysync.catalog.Resource;
import io.shopifysync.catalog.Row;
import io.shopifysync.catalog.RowMapper;
import io.shopifysync.shopify.ShopifyHttp;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a bulk operation's JSONL result into the resource tables: line by line, never holding the
 * file, in batches that commit their rows together with the byte offset reached, so a killed import
 * resumes at the first uncommitted line. Children are tied by {@code __parentId} whether they come
 * before or after their parent. One batch is written by a writer thread while the next is parsed, so the
 * JVM's parse and the database's write overlap; batches still commit one at a time, in file order.
 */
public final class BulkIngest {

    private static final Logger LOG = LoggerFactory.getLogger(BulkIngest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one ingest run read. {@code rootIdsAscending} tells whether a partial result can be continued by id. The
     * times: waiting for the download's bytes, parsing (the reading thread's time that was neither), and writing batches
     * (the writer's time: the database's round trips and work, which overlaps the parse); {@code writeWaitNanos} is the
     * part of the run the reader spent waiting for the writer; {@code cpuNanos} is both threads' CPU time.
     */
    public record Result(long lines, long rootObjects, long bytesDone, long maxRootId, boolean rootIdsAscending,
                         long deadLetters, long rows, long batches, long downloadNanos, long parseNanos, long writeNanos,
                         long writeWaitNanos, long cpuNanos) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bulk-ingest-writer");
        t.setDaemon(true);
        return t;
    });

    private final ResourceWriter writer;
    private final DeadLetters deadLetters;
    private final int batchSize;
    private volatile SyncEvents events = SyncEvents.NONE;

    public BulkIngest(ResourceWriter writer, DeadLetters deadLetters, int batchSize) {
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.batchSize = batchSize;
    }

    /** Where each committed batch and each finished run are reported (metrics, the import benchmark). */
    public void setEvents(SyncEvents events) {
        this.events = events;
    }

    /**
     * Reads {@code in}, which starts at byte {@code startOffset} of the result, to its end.
     * {@code skipBytes} are discarded first (the server ignored our Range header).
     */
    public Result ingest(String shop, Resource resource, String operationId, InputStream in, long startOffset, long skipBytes)
            throws IOException {
        if (skipBytes > 0) {
            try {
                in.skipNBytes(skipBytes);
            } catch (EOFException e) {
                throw new ShopifyHttp.ResultUnusable(200, "bulk result is shorter than the " + startOffset + " bytes already read");
            }
        }
        Run run = new Run(shop, resource, operationId, startOffset);
        Carry line = new Carry();
        byte[] buf = new byte[64 * 1024];
        int n;
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        long readFrom = t0;
        try {
            while ((n = in.read(buf)) > 0) {
                run.downloadNanos += System.nanoTime() - readFrom;
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        if (line.size == 0) {
                            run.line(buf, start, i - start, 1); // the whole line is in the buffer: parsed where it is
                        } else {
                            line.append(buf, start, i - start);
                            run.line(line.bytes, 0, line.size, 1);
                            line.size = 0;
                        }
                        start = i + 1;
                    }
                }
                line.append(buf, start, n - start);
                readFrom = System.nanoTime();
            }
            run.downloadNanos += System.nanoTime() - readFrom;
            if (line.size > 0) {
                run.line(line.bytes, 0, line.size, 0); // the last line has no newline: it is complete only at the true end of the stream
            }
            run.commit();
        } catch (IOException | RuntimeException | Error e) {
            // a resume reads the committed offset: the batch being written commits (or fails) before this run gives up
            try {
                run.awaitWrite();
            } catch (RuntimeException | Error writeFailed) {
                e.addSuppressed(writeFailed);
            }
            throw e;
        }
        run.awaitWrite();
        long wall = System.nanoTime() - t0;
        Result result = new Result(run.lines, run.roots, run.offset, run.maxRootId, run.ascending, run.dead + run.refused, run.rows,
                run.batches, run.downloadNanos, wall - run.downloadNanos - run.writeWaitNanos, run.writeNanos, run.writeWaitNanos,
                THREADS.getCurrentThreadCpuTime() - cpu0 + run.writerCpuNanos);
        LOG.info("{} {}: ingested {} lines ({} {}, {} rows in {} batches) from bulk operation {} in {} ms (download wait {} ms, "
                        + "parse {} ms, write {} ms, waiting for the writer {} ms; thread CPU {} ms)", shop, resource.name(),
                run.lines, run.roots, resource.connection(), run.rows, run.batches, operationId, wall / 1_000_000,
                result.downloadNanos() / 1_000_000, result.parseNanos() / 1_000_000, result.writeNanos() / 1_000_000,
                result.writeWaitNanos() / 1_000_000, result.cpuNanos() / 1_000_000);
        events.bulkIngested(shop, resource.name(), result);
        return result;
    }

    /** The state of one ingest run: the pending batch and what has been read. */
    private final class Run {
        final String shop;
        final Resource resource;
        final String operationId;
        List<Row> batch = new ArrayList<>();
        long offset;
        long committedOffset;
        long lines;
        long roots;
        long batchRoots;
        long maxRootId = Long.MIN_VALUE;
        boolean ascending = true;
        long dead;
        long rows;
        long batches;
        long downloadNanos;
        long writeNanos; // these three written by the writer, read after awaitWrite (Future.get orders them)
        long writerCpuNanos;
        long refused;
        long writeWaitNanos;
        /** The batch the writer thread is committing, if any: at most one, so batches commit in file order. */
        Future<?> writing;

        Run(String shop, Resource resource, String operationId, long startOffset) {
            this.shop = shop;
            this.resource = resource;
            this.operationId = operationId;
            this.offset = startOffset;
            this.committedOffset = startOffset;
        }

        void line(byte[] bytes, int off, int len, int terminatorLength) {
            offset += len + terminatorLength;
            lines++;
            if (!blank(bytes, off, len)) {
                try {
                    long rootId = addRows(resource, bytes, off, len, batch);
                    if (rootId != Long.MIN_VALUE) {
                        roots++;
                        batchRoots++;
                        ascending &= rootId > maxRootId;
                        maxRootId = Math.max(maxRootId, rootId);
                    }
                } catch (RuntimeException e) {
                    dead++;
                    deadLetters.record(shop, "bulk-ingest", resource.name(), e.getMessage(),
                            new String(bytes, off, len, StandardCharsets.UTF_8));
                }
            }
            if (batch.size() >= batchSize) {
                commit();
            }
        }

        /** Hands the pending batch to the writer once the one before it has committed. */
        void commit() {
            if (offset == committedOffset && batch.isEmpty()) {
                return;
            }
            awaitWrite();
            List<Row> pending = batch;
            long reached = offset;
            long batchRootCount = batchRoots;
            writing = WRITERS.submit(() -> {
                long cpu = THREADS.getCurrentThreadCpuTime();
                long t = System.nanoTime();
                writer.writeBulkBatch(shop, resource.name(), operationId, pending, reached, batchRootCount, (row, reason) -> {
                    deadLetters.record(shop, "bulk-ingest", resource.name(), reason, row.data()); // before the batch commits
                    refused++;
                });
                writeNanos += System.nanoTime() - t;
                writerCpuNanos += THREADS.getCurrentThreadCpuTime() - cpu;
                events.bulkBatchCommitted(shop, resource.name(), pending.size());
            });
            rows += pending.size();
            batches++;
            committedOffset = offset;
            batch = new ArrayList<>(pending.size());
            batchRoots = 0;
        }

        /**
         * Waits until the writer has committed the batch it holds, even when interrupted (so no write of this run is in
         * flight once the run ends); its failure is this run's failure.
         */
        void awaitWrite() {
            if (writing == null) {
                return;
            }
            long t = System.nanoTime();
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        writing.get();
                        return;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof RuntimeException r) {
                            throw r;
                        }
                        if (e.getCause() instanceof Error err) {
                            throw err;
                        }
                        throw new IllegalStateException(e.getCause());
                    }
                }
            } finally {
                writing = null;
                writeWaitNanos += System.nanoTime() - t;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static List<Row> concat(List<Row> a, List<Row> b) {
        List<Row> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A line split across reads of the download, carried until its newline. */
    private static final class Carry {
        byte[] bytes = new byte[4096];
        int size;

        void append(byte[] b, int off, int len) {
            if (size + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            }
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }
    }

    private static boolean blank(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds the rows of one JSONL line, parsed from its UTF-8 bytes (no String of the line is made unless it is
     * dead-lettered); returns the root's numeric id, or MIN_VALUE for a child line.
     */
    static long addRows(Resource resource, byte[] bytes, int off, int len, List<Row> batch) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes, off, len);
        } catch (IOException e) {
            throw new RowMapper.MappingException("malformed JSONL line: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (node == null || !node.isObject() || !node.path("id").isTextual()) {
            throw new RowMapper.MappingException("JSONL line without an id");
        }
        JsonNode parent = node.get("__parentId");
        if (parent != null && !parent.isNull()) {
            String type = Gid.type(node.get("id").asText());
            Child child = resource.childOfType(type).orElseThrow(() -> new RowMapper.MappingException(
                    "unexpected " + type + " line in the " + resource.name() + " result"));
            batch.add(RowMapper.childOwning(child, Gid.numericId(parent.asText()), (ObjectNode) node)); // ours alone: no copy
            return Long.MIN_VALUE;
        }
        long id = Gid.numericId(node.get("id").asText());
        List<Row> listed = List.of();
        for (Child c : resource.children()) {
            if (!c.isConnection()) {
                listed = listed.isEmpty() ? RowMapper.listChildren(c, id, node) : concat(listed, RowMapper.listChildren(c, id, node));
            }
        }
        if (resource.storesRoots()) {
            batch.add(RowMapper.rootOwning(resource, (ObjectNode) node)); // the node is ours alone: no copy of it
        }
        batch.addAll(listed);
        return id;
    }
}
