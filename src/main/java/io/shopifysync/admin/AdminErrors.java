package io.shopifysync.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shopifysync.accounts.InvalidInputException;
import io.shopifysync.db.DatabaseUnavailableException;
import java.sql.SQLException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the exception that ended an admin request into a status code and {@code {"error": "..."}}. */
public final class AdminErrors {

    private static final Logger LOG = LoggerFactory.getLogger(AdminErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public void toResponse(Exchange exchange) throws Exception {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status = statusOf(e);
        String message = switch (status) {
            case 500 -> "internal error, see the application log";
            case 503 -> "database unavailable, try again later";
            default -> e.getMessage();
        };
        if (status >= 500) {
            LOG.error("admin request {} {} failed", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_URI), e);
        } else if (status == 401) {
            LOG.warn("admin request refused: {}", e.getMessage());
        }
        Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (status == 401) {
            out.setHeader("WWW-Authenticate", "Bearer");
        }
        out.setBody(JSON.writeValueAsString(Map.of("error", message)));
    }

    static int statusOf(Throwable e) {
        if (e instanceof AdminException ae) {
            return ae.status();
        }
        if (e instanceof InvalidInputException) {
            return 400;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException || t instanceof DatabaseUnavailableException) {
                return 503;
            }
        }
        return 500;
    }
}
