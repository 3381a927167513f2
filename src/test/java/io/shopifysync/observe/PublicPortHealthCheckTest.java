package io.shopifysync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Readiness follows whether the public port answers, not only whether the database does. */
class PublicPortHealthCheckTest {

    @Test
    void upWhenThePortAnswersAnything() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(405, -1);
            exchange.close();
        });
        server.start();
        try {
            HealthCheck.Result result = call(new PublicPortHealthCheck("0.0.0.0", server.getAddress().getPort(), Duration.ofSeconds(2)));
            assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void downWhenThePortAcceptsButNeverAnswers() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // held open, never answered: a server that stopped serving
                    }
                } catch (java.io.IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HealthCheck.Result result = call(new PublicPortHealthCheck("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(500)));
            assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(result.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("did not answer within 500 ms"));
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void downWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(call(new PublicPortHealthCheck("127.0.0.1", port, Duration.ofMillis(500))).getState())
                .isEqualTo(HealthCheck.State.DOWN);
    }

    private static HealthCheck.Result call(PublicPortHealthCheck check) {
        check.setCamelContext(new DefaultCamelContext());
        return check.call(Map.of());
    }
}
