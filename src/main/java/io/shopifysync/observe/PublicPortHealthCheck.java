package io.shopifysync.observe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Readiness: the public port (webhooks, admin API) answers a request of its own within the timeout. Any HTTP answer
 * counts (the probe's GET on the webhook path is a 405); none means Shopify's deliveries are not being acknowledged,
 * whatever the database says, so the instance must leave the load balancer.
 */
public final class PublicPortHealthCheck extends ReadinessHealthCheck {

    private final URI probe;
    private final Duration timeout;
    private final HttpClient http;

    public PublicPortHealthCheck(String host, int port, Duration timeout) {
        super("public-port");
        String target = host == null || host.isBlank() || host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "[::1]" : host;
        this.probe = URI.create("http://" + target + ":" + port + "/webhooks/shopify");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long t0 = System.nanoTime();
        try {
            http.send(HttpRequest.newBuilder(probe).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            builder.detail("answered.ms", (System.nanoTime() - t0) / 1_000_000).up();
        } catch (IOException e) {
            builder.message("the public port did not answer within " + timeout.toMillis() + " ms ("
                    + e.getClass().getSimpleName() + ")").down();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder.message("interrupted while probing the public port").down();
        }
    }
}
