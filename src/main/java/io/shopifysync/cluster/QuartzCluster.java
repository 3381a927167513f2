package io.shopifysync.cluster;

import io.shopifysync.db.Database;
import io.shopifysync.db.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How Quartz runs: on PostgreSQL the clustered JDBC job store in schema {@code shopify} (tables from Flyway V8)
 * on the application's own pool, so every instance on the database shares one set of triggers, a non-concurrent
 * job runs on one instance at a time, and the jobs of an instance that stops checking in are taken over by
 * another; on H2 (one process) the in-memory store.
 */
public final class QuartzCluster {

    private static final Logger LOG = LoggerFactory.getLogger(QuartzCluster.class);
    private static final AtomicInteger PROVIDERS = new AtomicInteger();
    /** The trigger groups of the per-resource routes, whose stale triggers are removed at start. */
    private static final Set<String> CATALOG_GROUPS = Set.of("import", "poll");

    /** The knobs, from application.properties. */
    public record Settings(boolean clustered, long checkinIntervalMs, int threads, long idleWaitMs) {
    }

    private QuartzCluster() {
    }

    /** Whether this database gets the clustered store. */
    public static boolean clustered(Database db, Settings settings) {
        return db.dialect() == Dialect.POSTGRESQL && settings.clustered();
    }

    /** Configures camel-quartz before its scheduler starts. */
    public static void configure(CamelContext context, Database db, Settings settings) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "shopify-sync");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(settings.threads()));
        p.setProperty("org.quartz.threadPool.threadsInheritContextClassLoaderOfInitializingThread", "true");
        if (clustered(db, settings)) {
            // a name of our own per pool: several applications in one JVM (tests) never share a provider
            String dataSourceName = "shopify-sync-" + PROVIDERS.incrementAndGet();
            DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new AppPoolProvider(db.dataSource()));
            p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
            p.setProperty("org.quartz.jobStore.tablePrefix", Database.SCHEMA + ".qrtz_");
            p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(settings.checkinIntervalMs()));
            p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
            // a trigger released by another instance signals only that instance's scheduler; an idle one looks
            // again after this long (Quartz's 30 s default left partitions waiting that long: bench/scale.sh)
            p.setProperty("org.quartz.scheduler.idleWaitTime", Long.toString(settings.idleWaitMs()));
        } else {
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        }
        QuartzComponent quartz = context.getComponent("quartz", QuartzComponent.class);
        quartz.setProperties(p);
        // one scheduler name on every instance: the cluster is the set of instances sharing it
        quartz.setPrefixInstanceName(false);
    }

    /**
     * Once every route has stopped (no job runs any more), stops the scheduler without waiting: camel-quartz waits
     * for running jobs, and Quartz retries a job's completion forever while the database is unreachable.
     */
    public static void stopSchedulerAfterRoutes(CamelContext context) {
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextRoutesStoppedEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                Scheduler scheduler = context.hasComponent("quartz") instanceof QuartzComponent quartz
                        ? quartz.getScheduler() : null;
                if (scheduler != null && !scheduler.isShutdown()) {
                    scheduler.shutdown(false);
                }
            }
        });
    }

    /**
     * Removes the triggers of per-resource routes that no longer exist (a resource left the catalog, or
     * {@code sync.partitions} changed): in a persistent store they would otherwise fire forever with nobody to run them.
     */
    public static void removeStaleTriggers(CamelContext context) throws SchedulerException {
        Scheduler scheduler = context.getComponent("quartz", QuartzComponent.class).getScheduler();
        if (scheduler == null) {
            return;
        }
        Set<TriggerKey> live = new HashSet<>();
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof QuartzEndpoint q) {
                live.add(q.getTriggerKey());
            }
        }
        for (String group : CATALOG_GROUPS) {
            for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(group))) {
                if (!live.contains(key)) {
                    LOG.info("removing the stale trigger {} (no route of this configuration fires it)", key);
                    scheduler.unscheduleJob(key);
                }
            }
        }
    }

    /** Quartz's connections come from the application's pool; the pool is the application's to close. */
    private record AppPoolProvider(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
