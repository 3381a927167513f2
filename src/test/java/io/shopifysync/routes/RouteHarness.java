package io.shopifysync.routes;

import io.shopifysync.testing.ProjectHome;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.function.ThrowingConsumer;

/**
 * The route files of routes/ in a bare Camel context, with the beans a test binds and AdviceWith before the start:
 * for route tests that need a database per test (@BothDatabases), where CamelMainTestSupport's context would be built
 * before the test knows its database. A test replaces the Quartz trigger with {@code direct:tick} and fires it.
 */
public final class RouteHarness implements AutoCloseable {

    private final CamelContext context = new DefaultCamelContext();
    private final Properties properties = new Properties();
    private final List<String> files = new ArrayList<>();
    private final List<Object[]> advice = new ArrayList<>();

    public static RouteHarness of(String... routeFiles) {
        RouteHarness h = new RouteHarness();
        h.files.addAll(List.of(routeFiles));
        return h;
    }

    public RouteHarness property(String key, Object value) {
        properties.setProperty(key, String.valueOf(value));
        return this;
    }

    public RouteHarness bind(String name, Object bean) {
        context.getRegistry().bind(name, bean);
        return this;
    }

    /** Advises one route before the context starts (weave by id, replace the trigger, mock endpoints). */
    public RouteHarness advise(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> how) {
        advice.add(new Object[] {routeId, how});
        return this;
    }

    /** Replaces the route's Quartz trigger with {@code direct:<routeId>}: the test fires each tick itself. */
    public RouteHarness tickedByHand(String routeId) {
        return advise(routeId, a -> a.replaceFromWith("direct:" + routeId));
    }

    @SuppressWarnings("unchecked")
    public RouteHarness start() throws Exception {
        context.getPropertiesComponent().setInitialProperties(properties);
        for (String f : files) {
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context,
                    "file:" + ProjectHome.path().resolve("routes").resolve(f)));
        }
        for (Object[] a : advice) {
            AdviceWith.adviceWith(context, (String) a[0], (ThrowingConsumer<AdviceWithRouteBuilder, Exception>) a[1]);
        }
        context.start();
        return this;
    }

    public CamelContext context() {
        return context;
    }

    /** Fires one tick of a route made {@link #tickedByHand} and answers the exchange (properties, headers) it ended with. */
    public org.apache.camel.Exchange tickReturning(String routeId) {
        ProducerTemplate t = context.createProducerTemplate();
        org.apache.camel.Exchange done = t.send("direct:" + routeId, e -> { });
        if (done.getException() != null) {
            throw new IllegalStateException("tick of " + routeId + " failed", done.getException());
        }
        return done;
    }

    /** Fires one tick of a route made {@link #tickedByHand}; returns when the tick is done. */
    public void tick(String routeId) {
        ProducerTemplate t = context.createProducerTemplate();
        try {
            t.sendBody("direct:" + routeId, null);
        } finally {
            try {
                t.stop();
            } catch (Exception ignored) {
                // stopping a template releases nothing the test needs
            }
        }
    }

    @Override
    public void close() throws Exception {
        context.close();
    }
}
