package io.shopifysync.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.catalog.Child;
import io.shopifysync.catalog.Gid;
import io.shopifysync.catalog.Resource;
import io.shopifysync.catalog.Row;
import io.shopifysync.catalog.RowMapper;
import io.shopifysync.shopify.ShopifyHttp;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a bulk operation's JSONL result into the resource tables: line by line, never holding the
 * file, in batches that commit their rows together with the byte offset reached, so a killed import
 * resumes at the first uncommitted line. Children are tied by {@code __parentId} whether they come
 * before or after their parent.
 */
public final class BulkIngest {

    private static final Logger LOG = LoggerFactory.getLogger(BulkIngest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one ingest run read. {@code rootIdsAscending} tells whether a partial result can be continued by id. */
    public record Result(long lines, long rootObjects, long bytesDone, long maxRootId, boolean rootIdsAscending,
                         long deadLetters) {
    }

    private final ResourceWriter writer;
    private final DeadLetters deadLetters;
    private final int batchSize;

    public BulkIngest(ResourceWriter writer, DeadLetters deadLetters, int batchSize) {
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.batchSize = batchSize;
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
        ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    line.write(buf, start, i - start);
                    start = i + 1;
                    run.line(line, 1);
                }
            }
            line.write(buf, start, n - start);
        }
        if (line.size() > 0) {
            run.line(line, 0); // the last line has no newline: it is complete only at the true end of the stream
        }
        run.commit();
        LOG.info("{} {}: ingested {} lines ({} {}) from bulk operation {}", shop, resource.name(), run.lines, run.roots,
                resource.connection(), operationId);
        return new Result(run.lines, run.roots, run.offset, run.maxRootId, run.ascending, run.dead);
    }

    /** The state of one ingest run: the pending batch and what has been read. */
    private final class Run {
        final String shop;
        final Resource resource;
        final String operationId;
        final List<Row> batch = new ArrayList<>();
        long offset;
        long committedOffset;
        long lines;
        long roots;
        long batchRoots;
        long maxRootId = Long.MIN_VALUE;
        boolean ascending = true;
        long dead;

        Run(String shop, Resource resource, String operationId, long startOffset) {
            this.shop = shop;
            this.resource = resource;
            this.operationId = operationId;
            this.offset = startOffset;
            this.committedOffset = startOffset;
        }

        void line(ByteArrayOutputStream bytes, int terminatorLength) {
            offset += bytes.size() + terminatorLength;
            lines++;
            String text = bytes.toString(StandardCharsets.UTF_8);
            bytes.reset();
            if (!text.isBlank()) {
                try {
                    long rootId = addRows(resource, text, batch);
                    if (rootId != Long.MIN_VALUE) {
                        roots++;
                        batchRoots++;
                        ascending &= rootId > maxRootId;
                        maxRootId = Math.max(maxRootId, rootId);
                    }
                } catch (RuntimeException e) {
                    dead++;
                    deadLetters.record(shop, "bulk-ingest", resource.name(), e.getMessage(), text);
                }
            }
            if (batch.size() >= batchSize) {
                commit();
            }
        }

        void commit() {
            if (offset == committedOffset && batch.isEmpty()) {
                return;
            }
            writer.writeBulkBatch(shop, resource.name(), operationId, batch, offset, batchRoots);
            committedOffset = offset;
            batch.clear();
            batchRoots = 0;
        }
    }

    /** Adds the rows of one JSONL line; returns the root's numeric id, or MIN_VALUE for a child line. */
    static long addRows(Resource resource, String text, List<Row> batch) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new RowMapper.MappingException("malformed JSONL line: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || !node.path("id").isTextual()) {
            throw new RowMapper.MappingException("JSONL line without an id");
        }
        JsonNode parent = node.get("__parentId");
        if (parent != null && !parent.isNull()) {
            String type = Gid.type(node.get("id").asText());
            Child child = resource.childOfType(type).orElseThrow(() -> new RowMapper.MappingException(
                    "unexpected " + type + " line in the " + resource.name() + " result"));
            batch.add(RowMapper.child(child, Gid.numericId(parent.asText()), node));
            return Long.MIN_VALUE;
        }
        long id = Gid.numericId(node.get("id").asText());
        if (resource.storesRoots()) {
            batch.add(RowMapper.root(resource, node));
        }
        for (Child c : resource.children()) {
            if (!c.isConnection()) {
                batch.addAll(RowMapper.listChildren(c, id, node));
            }
        }
        return id;
    }
}
