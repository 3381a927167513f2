package io.shopifysync.cluster;

import io.shopifysync.config.ConfigException;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

/**
 * A resource's shops split into {@code sync.partitions} groups, each its own Quartz job: the cluster hands the
 * jobs to whichever instance is free, so several instances share one resource's shops. The split depends only on
 * the shop's domain, the same in every JVM.
 */
public record Partitions(int count) {

    public Partitions {
        if (count < 1 || count > 256) {
            throw new ConfigException("sync.partitions must be between 1 and 256, got " + count);
        }
    }

    public int of(String shop) {
        return Math.floorMod(shop.hashCode(), count);
    }

    public boolean owns(int partition, String shop) {
        return of(shop) == partition;
    }

    /** The route's filter: the shops of the list that belong to this route's partition. */
    public List<String> mine(@Body List<String> shops, @ExchangeProperty("partition") int partition) {
        return count == 1 ? shops : shops.stream().filter(s -> owns(partition, s)).toList();
    }

    /** The suffix of a partition's route id and Quartz trigger name: none when there is one partition. */
    public String suffix(int partition) {
        return count == 1 ? "" : "-p" + partition;
    }
}
