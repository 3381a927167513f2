package io.shopifysync.hawtio;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Hawtio 4 (the web console) on an embedded Jetty 12, for watching a running shopify-sync locally: it has no
 * login of its own (it listens on 127.0.0.1 only) and its proxy reaches only the allow-listed hosts, where the
 * app's Jolokia endpoint keeps its own authentication. Test scope, so the production jar stays without it.
 * Run with {@code mvn -B -q test-compile exec:exec@hawtio} (see docs/operations.md, "Hawtio").
 */
public final class HawtioConsole implements AutoCloseable {

    private final Server server;

    private HawtioConsole(Server server) {
        this.server = server;
    }

    /** Starts Hawtio at {@code http://host:port/hawtio}; port 0 picks a free port. */
    public static HawtioConsole start(Path war, String host, int port, String proxyAllowlist) throws Exception {
        if (!Files.isRegularFile(war)) {
            throw new IllegalArgumentException("Hawtio war not found at " + war + ": run mvn test-compile first (it copies io.hawt:hawtio-war)");
        }
        // Hawtio reads its settings from system properties when the web app starts
        System.setProperty("hawtio.authenticationEnabled", "false");
        System.setProperty("hawtio.proxyAllowlist", proxyAllowlist);
        Server server = new Server(new InetSocketAddress(host, port));
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/hawtio");
        webapp.setWar(war.toAbsolutePath().toString());
        webapp.setTempDirectory(Files.createTempDirectory("hawtio-jetty").toFile());
        webapp.setTempDirectoryPersistent(false);
        server.setHandler(webapp);
        server.start();
        if (!webapp.isAvailable()) {
            server.stop();
            throw new IllegalStateException("Hawtio did not start", webapp.getUnavailableException());
        }
        return new HawtioConsole(server);
    }

    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/hawtio/";
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** {@code HawtioConsole [--war target/hawtio/hawtio.war] [--host 127.0.0.1] [--port 8888] [--allow localhost,127.0.0.1]}. */
    public static void main(String[] args) throws Exception {
        Path war = Path.of("target", "hawtio", "hawtio.war");
        String host = "127.0.0.1";
        int port = 8888;
        String allow = "localhost,127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--war" -> war = Path.of(required(args[i], value));
                case "--host" -> host = required(args[i], value);
                case "--port" -> port = parsePort(required(args[i], value));
                case "--allow" -> allow = required(args[i], value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: HawtioConsole [--war FILE] [--host H] [--port P] [--allow HOSTS]");
            }
            i++;
        }
        HawtioConsole console = start(war, host, port, allow);
        System.out.println("Hawtio: http://" + host + ":" + console.port() + "/hawtio/  (Ctrl-C stops it)");
        console.server.join();
    }

    private static String required(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number from 0 to 65535, got " + value);
        }
    }
}
